/** What a read found about a commit's checks, and when, on the ledger's clock, the read began. */
export interface CheckRunsSeen<T = unknown> {
  known: T;
  seenAt: number;
}

/**
 * What a read says about the app's check runs holds as of the read. A check
 * written afterwards (a redelivered webhook racing the original, both having
 * read "no run yet"; or the same webhook delivered to two replicas) makes it
 * stale, and trusting it would create a second run. The ledger remembers
 * the writes, so a check is written with what was read only when nothing
 * was written to it since; otherwise the forge looks the runs up itself,
 * inside the check's lock. Replicas must share one ledger, as they share
 * the locks.
 */
export interface CheckLedgerPort {
  /** Taken before a read begins. */
  now(): Promise<number>;
  /** Records that check `key` was written, or may have been (a write that failed halfway). */
  wrote(key: string): Promise<void>;
  /** What `seen` knows, unless check `key` was (or may have been) written since it was read. */
  fresh<T>(key: string, seen: CheckRunsSeen<T> | undefined): Promise<T | undefined>;
}
