import { inspect } from 'node:util';
import { connectRedis } from '../../../src/adapters/redis/connect.js';
import { REDELIVERIES_PREFIX, RedisRedeliveries } from '../../../src/adapters/redis/redis-redeliveries.js';
import { MemoryRedeliveries, REDELIVERY_TTL_MS, type Redeliveries } from '../../../src/server/redeliveries.js';
import {
  connected,
  describeWithRedis,
  disconnect,
  redisConnections,
  startRedisServer,
} from '../../helpers/redis-server.js';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ID = '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a00';

/** What every implementation of the port does, whatever keeps the ids. */
function behavesAsRedeliveries(make: () => Promise<Redeliveries>): void {
  it('says first time once per id, and again once the id is forgotten', async () => {
    const redeliveries = await make();

    expect(await redeliveries.firstTime(ID)).toBe(true);
    expect(await redeliveries.firstTime(ID)).toBe(false);
    expect(await redeliveries.firstTime(`${ID}-other`)).toBe(true);
    await redeliveries.forget(ID);
    expect(await redeliveries.firstTime(ID)).toBe(true);
    expect(await redeliveries.firstTime(`${ID}-other`)).toBe(false);
  });

  it('refuses an id that is empty or longer than a delivery id, before recording anything', async () => {
    const redeliveries = await make();

    await expect(redeliveries.firstTime('')).rejects.toThrow(
      new RangeError('a delivery id has 1 to 100 characters, not 0'),
    );
    await expect(redeliveries.firstTime('x'.repeat(101))).rejects.toThrow(
      new RangeError('a delivery id has 1 to 100 characters, not 101'),
    );
  });
}

describe('MemoryRedeliveries', () => {
  behavesAsRedeliveries(async () => new MemoryRedeliveries());

  it('remembers an id for the period only', async () => {
    let now = 1_000;
    const redeliveries = new MemoryRedeliveries({ ttlMs: 500, now: () => now });
    await redeliveries.firstTime('a');
    now += 499;
    await redeliveries.firstTime('b');

    expect(await redeliveries.firstTime('a')).toBe(false);
    now += 1;
    expect(await redeliveries.firstTime('a')).toBe(true);
    expect(await redeliveries.firstTime('b')).toBe(false);
  });

  it('keeps at most maxEntries ids, forgetting the oldest first', async () => {
    const redeliveries = new MemoryRedeliveries({ maxEntries: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) expect(await redeliveries.firstTime(id)).toBe(true);

    expect(await redeliveries.firstTime('b')).toBe(false);
    expect(await redeliveries.firstTime('c')).toBe(false);
    expect(await redeliveries.firstTime('d')).toBe(false);
    expect(await redeliveries.firstTime('a')).toBe(true);
    // "a" came back as the newest: "b" is now the oldest, and went.
    expect(await redeliveries.firstTime('b')).toBe(true);
  });

  it('refuses a bound or a period it cannot keep', () => {
    expect(() => new MemoryRedeliveries({ maxEntries: 0 })).toThrow(
      new RangeError('maxEntries must be a whole number above 0, not 0'),
    );
    expect(() => new MemoryRedeliveries({ ttlMs: 1.5 })).toThrow(
      new RangeError('ttlMs must be a whole number of milliseconds above 0, not 1.5'),
    );
  });
});

describeWithRedis('RedisRedeliveries', () => {
  const connection = redisConnections();

  behavesAsRedeliveries(async () => new RedisRedeliveries(await connection(), { prefix: `test:${Math.random()}:` }));

  it('records an id under the prefix, with the period as expiry, so that every replica sees it', async () => {
    const [a, b] = [new RedisRedeliveries(await connection()), new RedisRedeliveries(await connection())];
    const spy = await connection();

    const answers = await Promise.all([a.firstTime(ID), b.firstTime(ID)]);

    expect(answers.sort()).toEqual([false, true]);
    expect(await spy.get(`${REDELIVERIES_PREFIX}${ID}`)).toBe('1');
    const ttl = await spy.pttl(`${REDELIVERIES_PREFIX}${ID}`);
    expect(ttl).toBeGreaterThan(REDELIVERY_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(REDELIVERY_TTL_MS);
    await b.forget(ID);
    expect(await spy.exists(`${REDELIVERIES_PREFIX}${ID}`)).toBe(0);
  });

  it('sees the id again once its period ends', async () => {
    const redeliveries = new RedisRedeliveries(await connection(), { ttlMs: 100, prefix: 'test:expiry:' });

    expect(await redeliveries.firstTime(ID)).toBe(true);
    expect(await redeliveries.firstTime(ID)).toBe(false);
    await pause(150);
    expect(await redeliveries.firstTime(ID)).toBe(true);
  });

  it('rejects, naming Redis and why but not the password, while Redis is down; records again once it is back', async () => {
    const password = 'hunter2-redeliveries';
    const secured = await startRedisServer({ password });
    const client = connection.track(connectRedis(secured.url, { info: () => {}, warn: () => {} }));
    await connected(client);
    const redeliveries = new RedisRedeliveries(client);
    await secured.stop();

    const failures = await Promise.all([
      redeliveries.firstTime(ID).then(
        () => new Error('resolved'),
        (error: unknown) => error as Error,
      ),
      redeliveries.forget(ID).then(
        () => new Error('resolved'),
        (error: unknown) => error as Error,
      ),
    ]);

    expect(failures.map((failure) => failure.message)).toEqual([
      expect.stringMatching(new RegExp(`^could not record delivery ${ID} in Redis: Redis does not answer`)),
      expect.stringMatching(new RegExp(`^could not forget delivery ${ID} in Redis: Redis does not answer`)),
    ]);
    for (const failure of failures) expect(inspect(failure, { depth: 10 })).not.toContain(password);
    // A client between reconnections keeps a timer that only a server answering again lets it close.
    const again = await startRedisServer({ password, port: secured.port });
    try {
      await connected(client);
      expect(await redeliveries.firstTime(ID)).toBe(true);
      await disconnect(client);
    } finally {
      await again.stop();
    }
  });
});
