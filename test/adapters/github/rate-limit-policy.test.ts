import {
  RATE_LIMIT_POLICY,
  rateLimitWait,
  type LimitedAnswer,
} from '../../../src/adapters/github/rate-limit-policy.js';

const NOW = Date.UTC(2021, 4, 14, 12, 0, 0);
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
const answer = (status: number, headers: Record<string, unknown> = {}, message = ''): LimitedAnswer => ({
  status,
  headers,
  message,
});

describe('rateLimitWait', () => {
  it.each<[string, LimitedAnswer, number, number]>([
    ['Retry-After, as GitHub asks', answer(403, { 'retry-after': '2' }, SECONDARY), 0, 2000],
    ['Retry-After on a later retry, still as asked', answer(429, { 'retry-after': 30 }, SECONDARY), 2, 30_000],
    [
      'the primary limit: until a second after the reset',
      answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 90) }, 'API rate limit'),
      0,
      91_000,
    ],
    [
      'a reset already past: a second',
      answer(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) }),
      1,
      1000,
    ],
    ['a secondary limit without a wait: a minute', answer(403, {}, SECONDARY), 0, 60_000],
    ['…then two', answer(403, {}, SECONDARY), 1, 120_000],
    ['…then four', answer(403, {}, SECONDARY), 2, 240_000],
    [
      'a GraphQL RATE_LIMITED answer: until the reset',
      {
        ...answer(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 10) }),
        graphqlRateLimited: true,
      },
      0,
      11_000,
    ],
  ])('waits for %s', (_what, limited, attempt, ms) => {
    expect(rateLimitWait(limited, attempt, NOW, RATE_LIMIT_POLICY)).toBe(ms);
  });

  it.each<[string, LimitedAnswer]>([
    [
      'a 403 that is a missing permission',
      answer(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration'),
    ],
    ['a 404', answer(404, { 'retry-after': '2' }, 'Not Found')],
    ['a 500', answer(500, {}, 'Server Error')],
    ['a 422', answer(422, {}, 'Validation Failed')],
  ])('does not retry %s', (_what, limited) => {
    expect(rateLimitWait(limited, 0, NOW, RATE_LIMIT_POLICY)).toBeUndefined();
  });

  it('keeps any minute under GitHub’s 80 content-creating requests, and every request’s waits bounded', () => {
    const { burst, intervalMs, retries, secondaryFallbackMs, maxTotalWaitMs } = RATE_LIMIT_POLICY;
    expect(burst + 60_000 / intervalMs).toBeLessThan(80);
    expect(intervalMs).toBeGreaterThanOrEqual(1000);
    const fallbacks = Array.from({ length: retries }, (_, i) => secondaryFallbackMs * 2 ** i);
    expect(fallbacks.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(maxTotalWaitMs);
  });
});
