import type { Logger } from 'probot';
import type { RateLimitsOptions } from '../adapters/github/rate-limits-plugin.js';
import { connectRedis, describeRedisError, describeRedisUrl, lastRedisError } from '../adapters/redis/connect.js';
import { RedisCheckLedger } from '../adapters/redis/redis-check-ledger.js';
import { RedisLocks } from '../adapters/redis/redis-locks.js';
import { RedisPacer } from '../adapters/redis/redis-pacer.js';
import { RedisRunOnce } from '../adapters/redis/redis-run-once.js';
import { RedisJobClaims } from '../adapters/redis/redis-job-claims.js';
import { RedisRedeliveries } from '../adapters/redis/redis-redeliveries.js';
import type { Redeliveries } from './redeliveries.js';
import type { JobClaims } from '../ports/job-claims.js';
import type { CheckLedgerPort } from '../ports/check-ledger.js';
import type { Locks } from '../ports/locks.js';
import type { RunOnce } from '../ports/run-once.js';
import type { ReadinessCheck } from './readiness.js';

/** What replicas share, or nothing when the bot runs as one process. */
export interface SharedState {
  /** Absent: the app's in-process locks. */
  locks?: Locks;
  /** Absent: the app's in-process ledger. */
  checkLedger?: CheckLedgerPort;
  rateLimits: Pick<RateLimitsOptions, 'pacer'>;
  /** Absent: this process's own claims of the scheduled rounds. */
  runOnce?: RunOnce;
  /** Release job claims of a GitLab project (GitHub keeps them in refs); absent: this process's own. */
  jobClaims?: (repository: string) => JobClaims;
  /** The GitLab deliveries already handled; absent: this process's own. */
  redeliveries?: Redeliveries;
  /** Whether the store answers, for /readyz. */
  readiness?: ReadinessCheck;
  close(): Promise<void>;
}

/**
 * With REDIS_URL, the locks that serialise work on one key, the ledger of
 * check writes and the pace of GitHub writes live in Redis, so that replicas behind one load
 * balancer act as one. Without it, both stay in this process, which is
 * right for exactly one replica; the log says which at start.
 * @throws Error when REDIS_URL is not a redis:// or rediss:// URL (its password left out)
 */
export function sharedState(env: NodeJS.ProcessEnv, log: Logger): SharedState {
  const url = env.REDIS_URL?.trim();
  if (!url) {
    log.info(
      'REDIS_URL is not set: running as a single replica (locks, scheduled rounds and the pace of GitHub writes are this process’s own)',
    );
    return { rateLimits: {}, close: () => Promise.resolve() };
  }
  let redis: ReturnType<typeof connectRedis>;
  try {
    redis = connectRedis(url, log);
  } catch (error) {
    throw new Error(`REDIS_URL: ${(error as Error).message}`, { cause: error });
  }
  log.info(
    `Replicas share locks, scheduled rounds and the pace of GitHub writes through Redis at ${describeRedisUrl(url)}`,
  );
  return {
    locks: new RedisLocks(redis, { log }),
    checkLedger: new RedisCheckLedger(redis),
    runOnce: new RedisRunOnce(redis),
    jobClaims: (repository) => new RedisJobClaims(redis, repository),
    redeliveries: new RedisRedeliveries(redis),
    rateLimits: { pacer: new RedisPacer(redis, { log }) },
    readiness: {
      name: 'redis',
      check: async () => {
        // While the first connection is made, PING waits for it; a connection lost is said as it is, with why.
        if (redis.status === 'reconnecting')
          throw new Error(
            `Redis does not answer: the connection is down (the client keeps reconnecting): ${lastRedisError(redis) ?? 'no error yet'}`,
          );
        if (redis.status === 'close' || redis.status === 'end')
          throw new Error('Redis does not answer: the connection is closed');
        await redis.ping().catch((error: unknown) => {
          throw new Error(describeRedisError(error));
        });
      },
    },
    close: async () => {
      // QUIT waits for a reply, which a Redis that is down never sends: then the connection is dropped.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
