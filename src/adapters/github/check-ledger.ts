import type { CheckLedgerPort, CheckRunsSeen } from '../../ports/check-ledger.js';

/** Writes remembered; older ones are forgotten, and anything read before them no longer trusted. */
const CAPACITY = 10_000;

/**
 * What a read says about the app's check runs holds as of the read. A check
 * this process writes afterwards (a redelivered webhook racing the original,
 * both having read "no run yet") makes it stale, and trusting it would
 * create a second run. The ledger remembers the writes, so a check is
 * written with what was read only when nothing was written to it since;
 * otherwise the forge looks the runs up itself, inside the check's lock.
 */
export class CheckLedger implements CheckLedgerPort {
  private clock = 0;
  /** By check key, when it was last written; oldest first. */
  private readonly writes = new Map<string, number>();
  /** Writes at or before this time may have been forgotten. */
  private horizon = 0;

  constructor(private readonly capacity = CAPACITY) {}

  /** Taken before a read begins. */
  now(): Promise<number> {
    return Promise.resolve(this.tick());
  }

  private tick(): number {
    this.clock += 1;
    return this.clock;
  }

  /** Records that check `key` was written, or may have been (a write that failed halfway). */
  wrote(key: string): Promise<void> {
    this.writes.delete(key);
    this.writes.set(key, this.tick());
    for (const [oldest, at] of this.writes) {
      if (this.writes.size <= this.capacity) break;
      this.horizon = at;
      this.writes.delete(oldest);
    }
    return Promise.resolve();
  }

  /** What `seen` knows, unless check `key` was (or may have been) written since it was read. */
  fresh<T>(key: string, seen: CheckRunsSeen<T> | undefined): Promise<T | undefined> {
    if (!seen) return Promise.resolve(undefined);
    const written = this.writes.get(key);
    const stale = written === undefined ? seen.seenAt <= this.horizon : written > seen.seenAt;
    return Promise.resolve(stale ? undefined : seen.known);
  }
}
