import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { claimTtlError, type RunOnce } from '../../ports/run-once.js';
import { describeRedisError } from './connect.js';

const PREFIX = 'apt-snapshots-bot:once:';

/**
 * Claims that replicas sharing one Redis take together: SET NX with an
 * expiry, so the first replica to ask in a period gets the key and it
 * frees itself when the period ends, even when that replica died. The
 * value names the replica, for an operator who wonders who did the work.
 * A Redis that fails rejects the claim: with no way to know whether
 * another replica holds it, the caller logs that and skips this round
 * (the next round or push asks again), never running the work unguarded.
 */
export class RedisRunOnce implements RunOnce {
  private readonly claimant: string;

  constructor(
    private readonly redis: Pick<Redis, 'set'>,
    claimant = `${hostname()}:${process.pid}`,
  ) {
    this.claimant = claimant;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const invalid = claimTtlError(key, ttlMs);
    if (invalid) throw invalid;
    let taken: string | null;
    try {
      taken = await this.redis.set(PREFIX + key, this.claimant, 'PX', ttlMs, 'NX');
    } catch (error) {
      // No cause: ioredis rejects queued commands with a failed AUTH's error, which carries the password.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`could not claim "${key}" in Redis: ${describeRedisError(error)}`);
    }
    return taken === 'OK';
  }
}
