import { commitSubject } from '../../domain/commit-subject.js';
import { MissingRevisionError, ReadError } from '../../errors.js';
import { joinPath, type CommitInfo, type RawEntry, type RefSnapshot } from '../../domain/tree.js';
import { nameOf, parentOf, type RevisionAliases } from './ref-query.js';

/** The shape of what the query's fragments select; fields are absent where a fragment did not apply. */
export interface GqlObject {
  oid?: string;
  committedDate?: string;
  message?: string;
  parents?: { nodes: { oid: string }[] };
  byteSize?: number;
  isBinary?: boolean | null;
  isTruncated?: boolean;
  text?: string | null;
  entries?: GqlTreeEntry[];
}

export interface GqlTreeEntry {
  name: string;
  type?: string;
  mode?: number;
  object?: GqlObject | null;
}

export type GqlRepository = Record<string, GqlObject | null | undefined>;

/**
 * A file GraphQL did not give the bytes of: binary (GraphQL sends no text)
 * or text GitHub truncated (at 512,000 bytes). The caller fetches it by
 * blob id over REST.
 */
export interface PendingBlob {
  oid: string;
  size: number;
  binary: boolean;
  entry: Extract<RawEntry, { type: 'file' }>;
}

const MODE_EXECUTABLE = 0o100755;
const MODE_SYMLINK = 0o120000;

class Decoder {
  readonly entries = new Map<string, RawEntry>();
  /** The content limit each entry was decoded under: a path reached twice keeps the larger. */
  private readonly limits = new Map<string, number>();

  constructor(
    private readonly where: string,
    private readonly pending: PendingBlob[],
  ) {}

  add(
    path: string,
    type: string | undefined,
    mode: number | undefined,
    object: GqlObject | null | undefined,
    depth: number,
    maxBytes: number,
  ): void {
    const entry = this.entry(path, type, mode, object, maxBytes);
    if (maxBytes > (this.limits.get(path) ?? -1)) {
      this.entries.set(path, entry);
      this.limits.set(path, maxBytes);
    }
    if (entry.type !== 'dir' || depth === 0) return;
    for (const child of object?.entries ?? []) {
      this.add(joinPath(path, child.name), child.type, child.mode, child.object, depth - 1, maxBytes);
    }
  }

  private entry(
    path: string,
    type: string | undefined,
    mode: number | undefined,
    object: GqlObject | null | undefined,
    maxBytes: number,
  ): RawEntry {
    if (type === 'commit') return { type: 'submodule' };
    if (type === 'tree') {
      if (!object?.entries) throw this.incomplete(path, 'a directory without its entries');
      return { type: 'dir', names: object.entries.map((e) => e.name).sort() };
    }
    if (type !== 'blob' || !object || typeof object.byteSize !== 'number' || typeof object.oid !== 'string') {
      throw this.incomplete(path, `an entry of type ${JSON.stringify(type)} without its blob`);
    }
    if (mode === MODE_SYMLINK) return { type: 'symlink', target: object.text ?? '' };
    const entry: Extract<RawEntry, { type: 'file' }> = {
      type: 'file',
      size: object.byteSize,
      executable: mode === MODE_EXECUTABLE,
    };
    if (object.byteSize > maxBytes) return entry;
    if (object.isBinary || object.isTruncated || typeof object.text !== 'string') {
      this.pending.push({ oid: object.oid, size: object.byteSize, binary: object.isBinary === true, entry });
    } else {
      entry.content = Buffer.from(object.text, 'utf8');
    }
    return entry;
  }

  private incomplete(path: string, what: string): ReadError {
    return new ReadError(`GitHub answered ${this.where} with ${what} at "${path}"`);
  }
}

function commitOf(object: GqlObject | null | undefined, rev: string, where: string): CommitInfo {
  if (!object) throw new MissingRevisionError(`revision "${rev}" does not exist in ${where}`);
  if (
    typeof object.oid !== 'string' ||
    typeof object.committedDate !== 'string' ||
    typeof object.message !== 'string' ||
    !object.parents
  ) {
    throw new ReadError(`revision "${rev}" in ${where} is not a commit`);
  }
  return {
    sha: object.oid,
    parents: object.parents.nodes.map((p) => p.oid),
    date: new Date(object.committedDate),
    subject: commitSubject(object.message),
  };
}

/**
 * Turns the `repository` of the query's answer into the snapshot of one
 * revision. Files whose bytes GraphQL did not give are appended to
 * `pending` without content, to be filled in by the caller.
 * @param where the repository, for messages
 */
export function decodeRevision(
  repository: GqlRepository,
  aliases: RevisionAliases,
  where: string,
  pending: PendingBlob[],
): RefSnapshot {
  const commit = commitOf(repository[aliases.commit], aliases.rev, where);
  const decoder = new Decoder(`for ${aliases.rev} of ${where}`, pending);
  for (const { target, alias } of aliases.targets) {
    const object = repository[alias];
    if (target.path === '') {
      decoder.add('', 'tree', undefined, object, target.depth, target.maxBytes);
      continue;
    }
    const listing = repository[aliases.listings.get(parentOf(target.path)) ?? ''];
    const listed = listing?.entries?.find((e) => e.name === nameOf(target.path));
    if (listed) decoder.add(target.path, listed.type, listed.mode, object, target.depth, target.maxBytes);
  }
  const sorted = [...decoder.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { commit, entries: new Map(sorted) };
}
