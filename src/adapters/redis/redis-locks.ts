import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { KeyedLock } from '../../app/keyed-lock.js';
import { describeRedisError } from './connect.js';
import type { Locks } from '../../ports/locks.js';

const PREFIX = 'apt-snapshots-bot:lock:';

// Only the holder's token may extend or free the lock: a holder that
// stalled past the expiry must not extend or free the lock another has taken since.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const FIRST_POLL_MS = 25;
const LONGEST_POLL_MS = 500;

export interface RedisLocksOptions {
  log: { warn(message: string): void };
  /** How long a lock outlives its holder's last renewal: how long a crashed replica blocks its keys. */
  ttlMs?: number;
  /**
   * How long `run` waits for another holder before it rejects. The default
   * outlasts what holds a lock in practice: a release tag's triggers (an
   * HTTP timeout of up to a minute each, retried), or one GitHub request
   * waiting out a rate limit (up to 7 minutes, RATE_LIMIT_POLICY).
   */
  maxWaitMs?: number;
  /** Milliseconds, for the wait's deadline. */
  now?: () => number;
  /** Waits between polls and renewals; the renewal's wait ends early when its signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Held {
  key: string;
  redisKey: string;
  token: string;
}

const messageOf = describeRedisError;

async function systemSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}

/**
 * Locks that replicas sharing one Redis hold together. A process first
 * queues its own tasks of a key in order (KeyedLock), so only one of them
 * at a time contends in Redis; that one then takes the key in Redis (SET
 * NX with a random token and an expiry), renews it while the task runs,
 * and frees it after. A replica that dies holding a key blocks it for at
 * most ttlMs.
 */
export class RedisLocks implements Locks {
  private readonly local = new KeyedLock();
  private readonly log: { warn(message: string): void };
  private readonly ttlMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(
    private readonly redis: Redis,
    options: RedisLocksOptions,
  ) {
    this.log = options.log;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 15 * 60_000;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? systemSleep;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const held = await this.acquire(key);
      const stopRenewing = this.keepAlive(held);
      try {
        return await task();
      } finally {
        stopRenewing();
        await this.release(held);
      }
    });
  }

  /** Polls with growing waits until the key is free, up to maxWaitMs. */
  private async acquire(key: string): Promise<Held> {
    const held = { key, redisKey: PREFIX + key, token: randomUUID() };
    const deadline = this.now() + this.maxWaitMs;
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, LONGEST_POLL_MS)) {
      let taken: string | null;
      try {
        taken = await this.redis.set(held.redisKey, held.token, 'PX', this.ttlMs, 'NX');
      } catch (error) {
        // No cause: ioredis rejects queued commands with a failed AUTH's error, which carries the password.
        // eslint-disable-next-line preserve-caught-error
        throw new Error(`could not take the lock "${key}" in Redis: ${messageOf(error)}`);
      }
      if (taken === 'OK') return held;
      const remaining = deadline - this.now();
      if (remaining <= 0)
        throw new Error(`the lock "${key}" was still held elsewhere after waiting ${this.maxWaitMs} ms for it`);
      await this.sleep(Math.min(wait, remaining));
    }
  }

  /**
   * Extends the lock every third of its ttl until stopped. A lost lock is
   * only reported: the task cannot be stopped safely halfway through its
   * writes, and another replica may already be doing the same work.
   */
  private keepAlive(held: Held): () => void {
    const stop = new AbortController();
    const every = Math.max(1, Math.floor(this.ttlMs / 3));
    const renew = async () => {
      let renewedAt = this.now();
      let failing = false;
      for (;;) {
        await this.sleep(every, stop.signal);
        if (stop.signal.aborted) return;
        let renewed: boolean;
        try {
          renewed = (await this.redis.eval(RENEW, 1, held.redisKey, held.token, this.ttlMs)) === 1;
        } catch (error) {
          if (stop.signal.aborted) return;
          if (this.now() - renewedAt >= this.ttlMs) {
            this.log.warn(`lost the lock "${held.key}" while its task still runs: Redis failed for its whole ttl`);
            return;
          }
          if (!failing) this.log.warn(`could not renew the lock "${held.key}" in Redis: ${messageOf(error)}`);
          failing = true;
          continue;
        }
        if (stop.signal.aborted) return;
        if (!renewed) {
          this.log.warn(
            `lost the lock "${held.key}" while its task still runs: it expired (this process stalled past ${this.ttlMs} ms?) and another may hold it now`,
          );
          return;
        }
        renewedAt = this.now();
        failing = false;
      }
    };
    void renew();
    return () => stop.abort();
  }

  /** A lock Redis fails to free expires by itself; the task's outcome stands. */
  private async release(held: Held): Promise<void> {
    try {
      await this.redis.eval(RELEASE, 1, held.redisKey, held.token);
    } catch (error) {
      this.log.warn(
        `could not free the lock "${held.key}" in Redis (it expires within ${this.ttlMs} ms): ${messageOf(error)}`,
      );
    }
  }
}
