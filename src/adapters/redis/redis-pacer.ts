import type { Redis } from 'ioredis';
import { describeRedisError } from './connect.js';
import { MemoryPacer, type Pacer } from '../github/pacer.js';
import { RATE_LIMIT_POLICY, type RateLimitPolicy } from '../github/rate-limit-policy.js';
import { systemClock, type Clock } from '../github/token-bucket.js';

const PREFIX = 'apt-snapshots-bot:pace:';

/**
 * A token bucket kept as the time it is full again (`full`), on Redis'
 * clock since replicas' clocks may differ. Each call reserves the next
 * slot, going into debt if need be, and answers how long its caller waits
 * first: nothing while the burst lasts, then one interval more per call.
 * The key expires once the bucket is full, so idle buckets vanish.
 * KEYS[1] the bucket; ARGV[1] burst; ARGV[2] interval in ms.
 */
const RESERVE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local burst = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local full = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now) + interval
redis.call('SET', KEYS[1], string.format('%d', full), 'PX', string.format('%d', full - now))
return math.max(0, full - now - burst * interval)
`;

/** How long pacing stays local after Redis failed, before Redis is asked again. */
export const COOL_OFF_MS = 30_000;

export interface RedisPacerOptions {
  log: { warn(message: string): void };
  policy?: Pick<RateLimitPolicy, 'burst' | 'intervalMs'>;
  clock?: Clock;
}

/**
 * One pace per installation for every replica sharing the Redis. Pacing
 * only spares GitHub's secondary limits (which rateLimits retries anyway),
 * so a Redis that fails does not stop a request: it goes at this process's
 * own pace (MemoryPacer) until Redis answers again.
 */
export class RedisPacer implements Pacer {
  private readonly log: { warn(message: string): void };
  private readonly policy: Pick<RateLimitPolicy, 'burst' | 'intervalMs'>;
  private readonly clock: Clock;
  private readonly fallback: MemoryPacer;
  /** Until when (clock ms) Redis is left alone after a failure; undefined while it answers. */
  private failingUntil: number | undefined;

  constructor(
    private readonly redis: Pick<Redis, 'eval' | 'status'>,
    options: RedisPacerOptions,
  ) {
    this.log = options.log;
    this.policy = options.policy ?? RATE_LIMIT_POLICY;
    this.clock = options.clock ?? systemClock;
    this.fallback = new MemoryPacer(this.policy, this.clock);
  }

  async take(key: string): Promise<void> {
    // A Redis that answers slowly would add its command timeout to every paced write: after a failure, pace locally a while.
    if (this.failingUntil !== undefined && this.clock.now() < this.failingUntil) return this.fallback.take(key);
    let wait: number;
    try {
      wait = await this.reserve(key);
    } catch (error) {
      if (this.failingUntil === undefined)
        this.log.warn(`pacing GitHub requests in this process only: Redis failed (${describeRedisError(error)})`);
      this.failingUntil = this.clock.now() + COOL_OFF_MS;
      return this.fallback.take(key);
    }
    this.failingUntil = undefined;
    if (wait > 0) await this.clock.sleep(wait);
  }

  private async reserve(key: string): Promise<number> {
    // A request should not sit in the client's queue while Redis is known to be unreachable.
    if (this.redis.status !== 'ready') throw new Error(`not connected (${this.redis.status})`);
    const wait = await this.redis.eval(RESERVE, 1, PREFIX + key, this.policy.burst, this.policy.intervalMs);
    if (typeof wait !== 'number') throw new Error(`the pacing script answered ${JSON.stringify(wait)}`);
    return wait;
  }
}
