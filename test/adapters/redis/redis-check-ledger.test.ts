import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connect.js';
import { RedisCheckLedger } from '../../../src/adapters/redis/redis-check-ledger.js';
import type { KnownCheckRuns } from '../../../src/adapters/github/check-runs-read.js';
import {
  connected,
  describeWithRedis,
  disconnect,
  startRedisServer,
  type RedisServer,
} from '../../helpers/redis-server.js';

const KNOWN: KnownCheckRuns = { sha: 'a'.repeat(40), runs: new Map() };
const quiet = { info: () => {}, warn: () => {} };

describeWithRedis('RedisCheckLedger', () => {
  let server: RedisServer;
  let first: Redis;
  let second: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    // Two connections, as two replicas have.
    first = connectRedis(server.url, quiet);
    second = connectRedis(server.url, quiet);
    await Promise.all([connected(first), connected(second)]);
  });
  afterAll(async () => {
    await Promise.all([disconnect(first), disconnect(second)]);
    await server.stop();
  });
  beforeEach(async () => {
    await first.flushall();
  });

  it('drops what one replica read before another replica wrote the same check, and only that check', async () => {
    const a = new RedisCheckLedger(first);
    const b = new RedisCheckLedger(second);
    const seen = { known: KNOWN, seenAt: await b.now() };
    await a.wrote('check tails/tails abc APT snapshots');
    expect(await b.fresh('check tails/tails abc APT snapshots', seen)).toBeUndefined();
    expect(await b.fresh('check tails/tails def APT snapshots', seen)).toBe(KNOWN);
  });

  it('trusts a read made after the last write', async () => {
    const a = new RedisCheckLedger(first);
    const b = new RedisCheckLedger(second);
    await a.wrote('check A');
    const seen = { known: KNOWN, seenAt: await b.now() };
    expect(await b.fresh('check A', seen)).toBe(KNOWN);
  });

  it('knows nothing when nothing was read', async () => {
    expect(await new RedisCheckLedger(first).fresh('check A', undefined)).toBeUndefined();
  });

  it('forgets a write after the retention, and then trusts no read older than the retention', async () => {
    const ledger = new RedisCheckLedger(first, 50);
    const old = { known: KNOWN, seenAt: await ledger.now() };
    await ledger.wrote('check A');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await first.exists('apt-snapshots-bot:check-written:check A')).toBe(0);
    expect(await ledger.fresh('check A', old)).toBeUndefined();
    const recent = { known: KNOWN, seenAt: await ledger.now() };
    expect(await ledger.fresh('check A', recent)).toBe(KNOWN);
  });

  it("reads time from Redis' clock, so that replicas whose clocks differ agree", async () => {
    const [seconds = 0, micros = 0] = (await first.time()).map(Number);
    const now = await new RedisCheckLedger(first).now();
    expect(now).toBeGreaterThanOrEqual(seconds * 1e6 + micros);
    expect(now - (seconds * 1e6 + micros)).toBeLessThan(5e6);
  });
});
