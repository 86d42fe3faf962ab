import type { Redis } from 'ioredis';
import {
  checkPeriod,
  deliveryIdError,
  HANDLING_TTL_MS,
  REDELIVERY_TTL_MS,
  type DeliveryState,
  type Redeliveries,
} from '../../server/redeliveries.js';
import { describeRedisError } from './connect.js';

export const REDELIVERIES_PREFIX = 'apt-snapshots-bot:delivery:';

/** In one script, so that of two replicas getting a delivery at once exactly one claims it. */
const CLAIM = `
local state = redis.call('GET', KEYS[1])
if state then return state end
redis.call('SET', KEYS[1], 'handling:' .. ARGV[2], 'PX', ARGV[1])
return 'first'
`;

/**
 * In one script, so that nothing changes between the GET and the DEL: only
 * the claimer's own claim is let go, not a delivery handled meanwhile, nor
 * another replica's claim made after this one expired.
 */
const FORGET = `if redis.call('GET', KEYS[1]) == 'handling:' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** What the version before states wrote for any delivery received: it answered a resend of one as done. */
const BEFORE_STATES = '1';

/**
 * The deliveries every replica sharing one Redis received, with where
 * each stands, so that the replica that gets a delivery first handles it
 * and a resend reaching another replica is recognised, as still being
 * handled or as done.
 */
export class RedisRedeliveries implements Redeliveries {
  private readonly ttlMs: number;
  private readonly handlingTtlMs: number;
  private readonly prefix: string;

  constructor(
    private readonly redis: Pick<Redis, 'set' | 'eval'>,
    options: { ttlMs?: number; handlingTtlMs?: number; prefix?: string } = {},
  ) {
    this.ttlMs = options.ttlMs ?? REDELIVERY_TTL_MS;
    this.handlingTtlMs = options.handlingTtlMs ?? HANDLING_TTL_MS;
    this.prefix = options.prefix ?? REDELIVERIES_PREFIX;
    checkPeriod('ttlMs', this.ttlMs);
    checkPeriod('handlingTtlMs', this.handlingTtlMs);
  }

  async claim(id: string, token: string): Promise<DeliveryState> {
    const invalid = deliveryIdError(id);
    if (invalid) throw invalid;
    let state: unknown;
    try {
      state = await this.redis.eval(CLAIM, 1, this.prefix + id, this.handlingTtlMs, token);
    } catch (error) {
      // No cause: ioredis rejects queued commands with a failed AUTH's error, which carries the password.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`could not record delivery ${id} in Redis: ${describeRedisError(error)}`);
    }
    if (state === 'first' || state === 'done') return state;
    if (typeof state === 'string' && /^handling(:|$)/.test(state)) return 'handling';
    if (state === BEFORE_STATES) return 'done';
    throw new Error(
      `delivery ${id} is recorded in Redis as ${JSON.stringify(state).slice(0, 40)}, not handling or done (key ${this.prefix + id})`,
    );
  }

  async handled(id: string): Promise<void> {
    const invalid = deliveryIdError(id);
    if (invalid) throw invalid;
    try {
      await this.redis.set(this.prefix + id, 'done', 'PX', this.ttlMs);
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`could not mark delivery ${id} handled in Redis: ${describeRedisError(error)}`);
    }
  }

  async forget(id: string, token: string): Promise<void> {
    try {
      await this.redis.eval(FORGET, 1, this.prefix + id, token);
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`could not forget delivery ${id} in Redis: ${describeRedisError(error)}`);
    }
  }
}
