/** Timers as FollowUps uses them; tests pass ones they fire by hand. */
export interface Timers {
  /** Runs `run` after `ms`; returns a handle for clearTimeout. */
  setTimeout(run: () => Promise<void>, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Node's timers, unreferenced: a retry pending when the server stops is
 * dropped rather than keeping the process up; the next event for the
 * branch completes the work as well.
 */
export const systemTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(() => void run(), ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * 1, 2, 4 and 8 minutes: the first after the minute GitHub asks for when a
 * secondary rate limit names no wait, the last a quarter of an hour after
 * the failure; then the check says to re-run it.
 */
export const FOLLOW_UP_DELAYS_MS: readonly number[] = [60_000, 120_000, 240_000, 480_000];

/**
 * Work a webhook left half done (the bot's branch pushed, its pull request
 * not opened), tried again later in this process, one pending retry per
 * key. Scheduling under a key replaces its pending retry, and the work
 * that completes cancels it, so a retry never outlives the event that did
 * its work; a retry that runs anyway changes nothing, as every write is an
 * "ensure". A task handles its own errors.
 */
export class FollowUps {
  private readonly pending = new Map<string, unknown>();

  constructor(
    private readonly timers: Timers = systemTimers,
    private readonly delaysMs: readonly number[] = FOLLOW_UP_DELAYS_MS,
  ) {}

  /**
   * Runs `task` under `key` after the delay of retry number `attempt`
   * (from 0), replacing any retry pending under `key`; the task is told
   * the delay. Returns that delay, or undefined when the retries are used
   * up (nothing is then pending).
   */
  schedule(key: string, attempt: number, task: (delayMs: number) => Promise<void>): number | undefined {
    this.cancel(key);
    const delay = this.delaysMs[attempt];
    if (delay === undefined) return undefined;
    const handle = this.timers.setTimeout(() => {
      this.pending.delete(key);
      return task(delay);
    }, delay);
    this.pending.set(key, handle);
    return delay;
  }

  /** Drops the retry pending under `key`, if any: its work was done. */
  cancel(key: string): void {
    if (!this.pending.has(key)) return;
    this.timers.clearTimeout(this.pending.get(key));
    this.pending.delete(key);
  }

  /** Keys with a retry pending; for tests. */
  get size(): number {
    return this.pending.size;
  }
}
