/** Lets one replica of many do a piece of scheduled work: the first to claim a key in a period gets it. */
export interface RunOnce {
  /**
   * Claims `key` for `ttlMs` milliseconds (a whole number above 0): true
   * for the one caller that takes it, false while a claim of `key` holds.
   * A claim is never given back: it ends when its period does, so a
   * replica whose clock fires later in the same period finds the work done.
   * Rejects with an Error when the store that keeps claims fails: the
   * caller logs it and skips this round, never running the work
   * unguarded; and with a RangeError when `ttlMs` is not a whole number
   * above 0.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** What is wrong with a claim's period, which no store could keep (Redis' PX takes whole milliseconds above 0). */
export function claimTtlError(key: string, ttlMs: number): RangeError | undefined {
  if (Number.isSafeInteger(ttlMs) && ttlMs > 0) return undefined;
  return new RangeError(`the claim "${key}" needs ttlMs to be a whole number of milliseconds above 0, not ${ttlMs}`);
}
