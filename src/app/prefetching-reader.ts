import type { ReadSpec, RefSnapshot } from '../domain/tree.js';
import type { KnownCheckRuns } from '../ports/forge.js';
import type { RefReader, SettledRead } from '../ports/ref-reader.js';

/** A reader that can read several revisions in one request (GitHub's GraphQL reader). */
export interface BatchRefReader extends RefReader {
  /**
   * Reads `revs` in one request, each read or failed on its own; with
   * `checkRunsOf` (one of `revs`), the app's check runs on that commit come
   * in the same request (`checkRuns` undefined when the reader cannot tell).
   */
  readSettled(
    revs: string[],
    spec: ReadSpec,
    checkRunsOf?: string,
  ): Promise<{ results: SettledRead[]; checkRuns?: KnownCheckRuns }>;
}

export interface PrefetchOptions {
  /** A revision of the batch whose commit's check runs the batch read also brings back (see checkRuns). */
  checkRunsOf?: string;
}

/** Whether what was read for `have` holds everything `want` asks for. */
export function specCovers(have: ReadSpec, want: ReadSpec): boolean {
  const files = want.files.every((w) => have.files.some((h) => h.path === w.path && h.maxBytes >= w.maxBytes));
  const dirs = want.dirs.every((w) =>
    have.dirs.some((h) => h.path === w.path && h.depth >= w.depth && h.maxBytes >= w.maxBytes),
  );
  return files && dirs;
}

interface Cached {
  spec: ReadSpec;
  snapshot: Promise<RefSnapshot>;
}

/**
 * Keeps API economy out of the flow: the first read of any revision in
 * `batch` reads all of them in one request (a push's `after` and `before`,
 * a pull request's head and base), and a revision read again with a spec
 * already covered (the base's configuration, then the base's state) costs
 * nothing. One instance serves one webhook, so nothing goes stale.
 */
export class PrefetchingReader implements RefReader {
  private readonly cache = new Map<string, Cached>();
  private pending: string[];
  private checkRunsRead: Promise<KnownCheckRuns | undefined> | undefined;

  constructor(
    private readonly inner: BatchRefReader,
    batch: readonly string[],
    private readonly options: PrefetchOptions = {},
  ) {
    this.pending = [...new Set(batch)];
  }

  /**
   * The check runs the batch read brought back with `checkRunsOf`;
   * undefined when none were asked for, the batch was not read or failed,
   * or the reader could not tell.
   */
  async checkRuns(): Promise<KnownCheckRuns | undefined> {
    return this.checkRunsRead;
  }

  private readBatch(revs: string[], spec: ReadSpec): Promise<SettledRead[]> {
    const { checkRunsOf } = this.options;
    const asked = checkRunsOf !== undefined && revs.includes(checkRunsOf) ? checkRunsOf : undefined;
    const read = this.inner.readSettled(revs, spec, asked);
    if (asked !== undefined) {
      this.checkRunsRead = read.then(
        (result) => result.checkRuns,
        () => undefined,
      );
    }
    return read.then((result) => result.results);
  }

  read(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    const cached = this.cache.get(rev);
    if (cached && specCovers(cached.spec, spec)) return cached.snapshot;
    if (this.pending.includes(rev)) {
      const revs = this.pending;
      this.pending = [];
      const all = this.readBatch(revs, spec);
      revs.forEach((r, i) => {
        const snapshot = all.then((results) => {
          const result = results[i] as SettledRead;
          if (!result.ok) throw result.error;
          return result.snapshot;
        });
        // A revision of the batch nobody asks for must not turn a failed batch into an unhandled rejection.
        snapshot.catch(() => undefined);
        this.cache.set(r, { spec, snapshot });
      });
      return this.cache.get(rev)?.snapshot as Promise<RefSnapshot>;
    }
    const snapshot = this.inner.read(rev, spec);
    this.cache.set(rev, { spec, snapshot });
    return snapshot;
  }
}
