import type { Redis } from 'ioredis';
import { deliveryIdError, REDELIVERY_TTL_MS, type Redeliveries } from '../../server/redeliveries.js';
import { describeRedisError } from './connect.js';

export const REDELIVERIES_PREFIX = 'apt-snapshots-bot:delivery:';

/**
 * The deliveries every replica sharing one Redis received: SET NX with an
 * expiry, so the replica that gets a delivery first handles it, and a
 * redelivery reaching another replica is recognised too.
 */
export class RedisRedeliveries implements Redeliveries {
  private readonly ttlMs: number;
  private readonly prefix: string;

  constructor(
    private readonly redis: Pick<Redis, 'set' | 'del'>,
    options: { ttlMs?: number; prefix?: string } = {},
  ) {
    this.ttlMs = options.ttlMs ?? REDELIVERY_TTL_MS;
    this.prefix = options.prefix ?? REDELIVERIES_PREFIX;
    if (!Number.isSafeInteger(this.ttlMs) || this.ttlMs < 1)
      throw new RangeError(`ttlMs must be a whole number of milliseconds above 0, not ${this.ttlMs}`);
  }

  async firstTime(id: string): Promise<boolean> {
    const invalid = deliveryIdError(id);
    if (invalid) throw invalid;
    try {
      return (await this.redis.set(this.prefix + id, '1', 'PX', this.ttlMs, 'NX')) === 'OK';
    } catch (error) {
      // No cause: ioredis rejects queued commands with a failed AUTH's error, which carries the password.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`could not record delivery ${id} in Redis: ${describeRedisError(error)}`);
    }
  }

  async forget(id: string): Promise<void> {
    try {
      await this.redis.del(this.prefix + id);
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`could not forget delivery ${id} in Redis: ${describeRedisError(error)}`);
    }
  }
}
