import { joinPath, type RawEntry, type ReadSpec } from '../../domain/tree.js';
import { parentOf, readTargets, type ReadTarget } from '../github/ref-query.js';
import { TreeIndex, type ListedEntry, type ListingRequest } from './tree-listing.js';

/** An entry of the snapshot before its blob is read: a file knows the largest content limit that applies to it. */
export type Slot =
  | Extract<RawEntry, { type: 'dir' } | { type: 'submodule' }>
  | { type: 'symlink' }
  | { type: 'file'; executable: boolean; maxBytes: number };

const MODE_EXECUTABLE = '100755';
const MODE_SYMLINK = '120000';

/**
 * What a spec asks of one commit, as far as its listings tell: which
 * directories still need listing, and then the snapshot's entries.
 */
export class RevisionTree {
  readonly index = new TreeIndex();
  private readonly targets: ReadTarget[];
  private asked = false;

  constructor(
    readonly sha: string,
    spec: ReadSpec,
  ) {
    this.targets = readTargets(spec);
  }

  /**
   * The listings still missing. The first call asks for each target's
   * parent (whether the target exists, and what it is) and for everything
   * below each directory target, at once; later calls only for what the
   * answers revealed (a path asked for as a file that is a directory).
   */
  wants(): ListingRequest[] {
    const wants = new Map<string, ListingRequest>();
    const want = (path: string, recursive: boolean) => {
      const seen = wants.get(path);
      if (!this.index.has(path, recursive) && !(seen && (seen.recursive || !recursive)))
        wants.set(path, { sha: this.sha, path, recursive });
    };
    if (!this.asked) {
      this.asked = true;
      for (const target of this.targets) if (target.depth > 0) want(target.path, true);
      for (const target of this.targets) if (target.path !== '') want(parentOf(target.path), false);
    } else {
      this.walk((dir) => want(dir, false));
    }
    // A directory below one listed whole needs no listing of its own.
    const whole = [...wants.values()].filter((w) => w.recursive).map((w) => w.path);
    return [...wants.values()].filter(
      (w) => !whole.some((dir) => dir !== w.path && (dir === '' || w.path.startsWith(`${dir}/`))),
    );
  }

  /** The snapshot's entries, sorted by path; call once wants() is empty. */
  slots(): Map<string, Slot> {
    const slots = this.walk((dir) => {
      throw new Error(`the tree "${dir}" at ${this.sha} was not listed`);
    });
    return new Map([...slots].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private walk(unlisted: (dir: string) => void): Map<string, Slot> {
    const slots = new Map<string, Slot>();
    const add = (entry: ListedEntry, depth: number, maxBytes: number) => {
      const seen = slots.get(entry.path);
      if (entry.kind === 'tree') {
        const children = this.index.entriesOf(entry.path);
        if (!children) return unlisted(entry.path);
        slots.set(entry.path, { type: 'dir', names: children.map((c) => c.name).sort() });
        if (depth > 0) for (const child of children) add(child, depth - 1, maxBytes);
      } else if (entry.kind === 'commit') {
        slots.set(entry.path, { type: 'submodule' });
      } else if (entry.mode === MODE_SYMLINK) {
        slots.set(entry.path, { type: 'symlink' });
      } else {
        const limit = Math.max(maxBytes, seen?.type === 'file' ? seen.maxBytes : -1);
        slots.set(entry.path, { type: 'file', executable: entry.mode === MODE_EXECUTABLE, maxBytes: limit });
      }
    };
    for (const target of this.targets) {
      if (target.path === '') {
        add({ path: '', name: '', kind: 'tree' }, target.depth, target.maxBytes);
        continue;
      }
      const siblings = this.index.entriesOf(parentOf(target.path));
      if (!siblings) {
        unlisted(parentOf(target.path));
        continue;
      }
      const entry = siblings.find((e) => joinPath(parentOf(target.path), e.name) === target.path);
      if (entry) add(entry, target.depth, target.maxBytes);
    }
    return slots;
  }
}
