import { MissingRevisionError } from '../../src/errors.js';
import type { ReadSpec, RefSnapshot } from '../../src/domain/tree.js';
import type { RefReader } from '../../src/ports/ref-reader.js';
import { fakeSnapshot, type FakeEntry } from './snapshot.js';

/** A RefReader over in-memory trees, one per revision, that records what was read. */
export class MemoryReader implements RefReader {
  readonly reads: { rev: string; spec: ReadSpec }[] = [];
  private readonly trees: Map<string, RefSnapshot>;

  /** @param parents a revision's first parent, by name: the reader answers it under that name too */
  constructor(trees: Record<string, Record<string, FakeEntry>>, parents: Record<string, string> = {}) {
    this.trees = new Map(
      Object.entries(trees).map(([rev, files], i) => [
        rev,
        fakeSnapshot(files, {
          sha: String(i + 1)
            .repeat(40)
            .slice(0, 40),
          subject: rev,
          ...(parents[rev] === undefined ? {} : { parents: [parents[rev]] }),
        }),
      ]),
    );
  }

  async read(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    this.reads.push({ rev, spec });
    const snapshot = this.trees.get(rev);
    if (!snapshot) throw new MissingRevisionError(`revision "${rev}" not found in memory`);
    return snapshot;
  }
}
