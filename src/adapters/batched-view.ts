import type { Logger } from 'probot';
import type { ReadSpec, RefSnapshot } from '../domain/tree.js';
import { describeForLog, MissingRevisionError } from '../errors.js';
import type { BatchRefReader, SettledRead } from '../ports/ref-reader.js';
import { forkPointCannotMatter, type ForkQuestion, type RepositoryView } from '../ports/repository.js';

/** Whether what was read for `have` holds everything `want` asks for. */
export function specCovers(have: ReadSpec, want: ReadSpec): boolean {
  const files = want.files.every((w) => have.files.some((h) => h.path === w.path && h.maxBytes >= w.maxBytes));
  const dirs = want.dirs.every((w) =>
    have.dirs.some((h) => h.path === w.path && h.depth >= w.depth && h.maxBytes >= w.maxBytes),
  );
  return files && dirs;
}

const NOTHING: ReadSpec = { files: [], dirs: [] };

interface Cached {
  spec: ReadSpec;
  snapshot: Promise<RefSnapshot>;
}

export interface BatchedViewOptions {
  /** Revisions read together at the first read of any of them. */
  batch: readonly string[];
  /** The forge's merge base of two revisions or branch names. @throws ForgeError (status 404: the histories share no commit) */
  mergeBase(base: string, head: string): Promise<string>;
  log: Logger;
  /** owner/name, for the log. */
  repository: string;
}

/**
 * A forge's repository for one judging, spending as few requests as it
 * can: the first read of any revision of the batch reads all of them in
 * one request (a push's `after` and `before` and its possible bases, a
 * change request's head and base); a revision read again with a spec
 * already covered (the base's configuration, then the base's state)
 * costs nothing; a branch is found by reading it as the batch was read,
 * so the read that follows is free; and the merge base is asked only when
 * a verdict can depend on it. One view serves one webhook, so nothing
 * goes stale.
 */
export class BatchedView implements RepositoryView {
  private readonly cache = new Map<string, Cached>();
  private pending: string[];
  private batchSpec: ReadSpec | undefined;

  constructor(
    private readonly reader: BatchRefReader,
    private readonly options: BatchedViewOptions,
  ) {
    this.pending = [...new Set(options.batch)];
  }

  read(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    const cached = this.cache.get(rev);
    if (cached && specCovers(cached.spec, spec)) return cached.snapshot;
    if (this.pending.includes(rev)) return this.readBatch(rev, spec);
    const snapshot = this.reader.read(rev, spec);
    this.cache.set(rev, { spec, snapshot });
    return snapshot;
  }

  private readBatch(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    const revs = this.pending;
    this.pending = [];
    this.batchSpec = spec;
    const all = this.reader.readSettled(revs, spec).then((answer) => answer.results);
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

  async branch(name: string): Promise<string | undefined> {
    const ref = `refs/heads/${name}`;
    try {
      // Before the batch is read, its spec is not known: the branch is read alone, and the batch left whole.
      await (this.batchSpec === undefined ? this.reader.read(ref, NOTHING) : this.read(ref, this.batchSpec));
      return ref;
    } catch (error) {
      // Only a branch the forge says does not exist is absent: a failed read (a 502, a rate limit) is no answer.
      if (error instanceof MissingRevisionError) return undefined;
      throw error;
    }
  }

  async mergeBase({ base, head, states }: ForkQuestion): Promise<string | undefined> {
    if (forkPointCannotMatter(states)) return undefined;
    // The forges' compare takes a branch by its name.
    const baseName = base.replace(/^refs\/heads\//, '');
    try {
      return await this.options.mergeBase(baseName, head);
    } catch (error) {
      // A 404 is the forges' answer for histories without a merge base (or a repository gone, which the read
      // then reports): no fault to warn about.
      const answered = (error as { status?: unknown } | null)?.status === 404;
      this.options.log[answered ? 'info' : 'warn'](
        { repository: this.options.repository, base: baseName, head, err: describeForLog(error) },
        'no fork point; judging against the base alone',
      );
      return undefined;
    }
  }
}
