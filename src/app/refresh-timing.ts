/** A push to a base branch refreshes the expiry watch and dashboard this long after the last push of a burst. */
export const REFRESH_DELAY_MS = 30_000;
/** Lets the server settle (and its readiness be known) before the first scheduled round. */
export const FIRST_ROUND_DELAY_MS = 60_000;

/**
 * How long a replica claims a repository's scheduled round: until just
 * before the next round is due (at least half an interval), so that a
 * replica whose timer runs a little ahead does not find the previous
 * round's claim still there; whole milliseconds, as Redis takes.
 */
export function roundClaimTtl(intervalMs: number): number {
  return Math.max(1, Math.floor(Math.max(intervalMs / 2, intervalMs - REFRESH_DELAY_MS)));
}
