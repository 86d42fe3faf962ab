import type { Redis } from 'ioredis';
import type { CheckLedgerPort, CheckRunsSeen } from '../../ports/check-ledger.js';

const PREFIX = 'apt-snapshots-bot:check-written:';

/** Redis' own clock, in microseconds: the replicas' clocks may differ, the one Redis server's is the same for all. */
const NOW = `local t = redis.call('TIME') return t[1] * 1000000 + t[2]`;

const WROTE = `local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
redis.call('SET', KEYS[1], string.format('%d', now), 'PX', ARGV[1])
return now`;

const WRITTEN = `local t = redis.call('TIME')
return {redis.call('GET', KEYS[1]) or '', string.format('%d', t[1] * 1000000 + t[2])}`;

/**
 * The check ledger replicas share (see CheckLedgerPort): the time of each
 * check's last write on Redis' clock, kept for `retentionMs`. A read older
 * than that is never trusted, written to since or not, as the in-process
 * ledger distrusts reads older than the writes it forgot. A webhook reads
 * and writes a check within seconds; the retention is an hour.
 */
export class RedisCheckLedger implements CheckLedgerPort {
  constructor(
    private readonly redis: Pick<Redis, 'eval'>,
    private readonly retentionMs = 3_600_000,
  ) {}

  async now(): Promise<number> {
    return Number(await this.redis.eval(NOW, 0));
  }

  async wrote(key: string): Promise<void> {
    await this.redis.eval(WROTE, 1, PREFIX + key, String(this.retentionMs));
  }

  async fresh<T>(key: string, seen: CheckRunsSeen<T> | undefined): Promise<T | undefined> {
    if (!seen) return undefined;
    const [written, now] = (await this.redis.eval(WRITTEN, 1, PREFIX + key)) as [string, string];
    // Equal times are stale: a write and a read in the same microsecond cannot be ordered.
    const stale =
      written === '' ? Number(now) - seen.seenAt >= this.retentionMs * 1000 : Number(written) >= seen.seenAt;
    return stale ? undefined : seen.known;
  }
}
