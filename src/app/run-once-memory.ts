import { claimTtlError, type RunOnce } from '../ports/run-once.js';

/** Claims within one process: what a bot without Redis, which runs alone, needs. */
export class MemoryRunOnce implements RunOnce {
  /** Key → when (clock ms) its claim ends. */
  private readonly claims = new Map<string, number>();

  /** `now` in milliseconds; monotonic by default, so that a change of the wall clock neither ends nor stretches a claim. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  claim(key: string, ttlMs: number): Promise<boolean> {
    const invalid = claimTtlError(key, ttlMs);
    if (invalid) return Promise.reject(invalid);
    const now = this.now();
    // Keys may carry a period or a serial, so new ones keep coming: ended claims go, or the map would only grow.
    for (const [held, until] of this.claims) if (until <= now) this.claims.delete(held);
    if (this.claims.has(key)) return Promise.resolve(false);
    this.claims.set(key, now + ttlMs);
    return Promise.resolve(true);
  }

  /** Claims still held, ended ones included until the next claim prunes them; for tests. */
  get size(): number {
    return this.claims.size;
  }
}
