/**
 * How the app treats GitHub's rate limits, per GitHub's "Best practices
 * for using the REST API" and "Rate limits for the REST API".
 */
export interface RateLimitPolicy {
  /** Content-creating requests an installation may send at once… */
  burst: number;
  /** …then one per this many milliseconds. */
  intervalMs: number;
  /** Retries of one request that hit a rate limit. */
  retries: number;
  /** The wait for a secondary limit that names none, doubled at each further retry. */
  secondaryFallbackMs: number;
  /** Rate-limit waits of one request add up to at most this; a longer wait fails at once instead. */
  maxTotalWaitMs: number;
}

/**
 * A burst of 5 covers one event's writes (a check run, the bot's branch,
 * its pull request, the check's note) without delay; then one a second, as
 * GitHub advises between mutative requests. Any minute then holds at most
 * 5 + 60 = 65 content-creating requests, under GitHub's 80. Three retries
 * of a secondary limit that names no wait take 1, 2 and 4 minutes: 7 in
 * all, the most one request may wait, so every webhook's work ends.
 */
export const RATE_LIMIT_POLICY: RateLimitPolicy = {
  burst: 5,
  intervalMs: 1000,
  retries: 3,
  secondaryFallbackMs: 60_000,
  maxTotalWaitMs: 7 * 60_000,
};

/** What a limited answer carried: its status, headers and GitHub's message. */
export interface LimitedAnswer {
  status: number;
  headers: Record<string, unknown>;
  message: string;
  /** A GraphQL answer with a RATE_LIMITED error: GitHub's primary limit, answered 200. */
  graphqlRateLimited?: boolean;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * How long to wait before retry number `attempt + 1` of a request GitHub
 * answered with `answer`, or undefined when it is no rate limit:
 * - `retry-after` given: that many seconds;
 * - `x-ratelimit-remaining: 0` (the primary limit): until a second after
 *   `x-ratelimit-reset`;
 * - otherwise, a secondary limit: at least a minute, doubling at each retry.
 */
export function rateLimitWait(
  answer: LimitedAnswer,
  attempt: number,
  now: number,
  policy: RateLimitPolicy,
): number | undefined {
  const limited =
    answer.graphqlRateLimited === true ||
    ((answer.status === 403 || answer.status === 429) &&
      (header(answer.headers, 'retry-after') !== undefined ||
        header(answer.headers, 'x-ratelimit-remaining') === '0' ||
        /\bsecondary rate limit\b/i.test(answer.message)));
  if (!limited) return undefined;
  const retryAfter = header(answer.headers, 'retry-after');
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const reset = Number(header(answer.headers, 'x-ratelimit-reset'));
  if (header(answer.headers, 'x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0)
    return Math.max(0, reset * 1000 - now) + 1000;
  return policy.secondaryFallbackMs * 2 ** attempt;
}
