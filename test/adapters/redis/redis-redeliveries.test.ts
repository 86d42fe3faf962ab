import { inspect } from 'node:util';
import { connectRedis } from '../../../src/adapters/redis/connect.js';
import { REDELIVERIES_PREFIX, RedisRedeliveries } from '../../../src/adapters/redis/redis-redeliveries.js';
import {
  HANDLING_TTL_MS,
  MemoryRedeliveries,
  REDELIVERY_TTL_MS,
  type Redeliveries,
} from '../../../src/server/redeliveries.js';
import {
  connected,
  describeWithRedis,
  disconnect,
  redisConnections,
  startRedisServer,
} from '../../helpers/redis-server.js';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ID = '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a00';
const OTHER = `${ID}-other`;

/** What every implementation of the port does, whatever keeps the ids. */
function behavesAsRedeliveries(make: () => Promise<Redeliveries>): void {
  it('lets one claim an id; then says handling, done once handled, and claimable again once forgotten', async () => {
    const redeliveries = await make();

    expect(await redeliveries.claim(ID)).toBe('first');
    expect(await redeliveries.claim(ID)).toBe('handling');
    expect(await redeliveries.claim(OTHER)).toBe('first');
    await redeliveries.handled(ID);
    expect(await redeliveries.claim(ID)).toBe('done');
    await redeliveries.forget(OTHER);
    expect(await redeliveries.claim(OTHER)).toBe('first');
    expect(await redeliveries.claim(OTHER)).toBe('handling');
  });

  it('lets exactly one of two claims at once have the id', async () => {
    const redeliveries = await make();

    const states = await Promise.all([redeliveries.claim(ID), redeliveries.claim(ID)]);

    expect(states.sort()).toEqual(['first', 'handling']);
  });

  it('keeps an id handled when a late failure forgets it (one whose claim had expired, handled again since)', async () => {
    const redeliveries = await make();
    await redeliveries.claim(ID);
    await redeliveries.handled(ID);

    await redeliveries.forget(ID);

    expect(await redeliveries.claim(ID)).toBe('done');
  });

  it('marks handled an id nobody claims any more (its claim expired)', async () => {
    const redeliveries = await make();

    await redeliveries.handled(ID);

    expect(await redeliveries.claim(ID)).toBe('done');
  });

  it('refuses an id that is empty or longer than a delivery id, before recording anything', async () => {
    const redeliveries = await make();

    for (const call of [(id: string) => redeliveries.claim(id), (id: string) => redeliveries.handled(id)]) {
      await expect(call('')).rejects.toThrow(new RangeError('a delivery id has 1 to 100 characters, not 0'));
      await expect(call('x'.repeat(101))).rejects.toThrow(
        new RangeError('a delivery id has 1 to 100 characters, not 101'),
      );
    }
    expect(await redeliveries.claim('x'.repeat(100))).toBe('first');
  });
}

describe('MemoryRedeliveries', () => {
  behavesAsRedeliveries(async () => new MemoryRedeliveries());

  it('lets a claim never handled nor forgotten go after HANDLING_TTL_MS, and keeps one handled REDELIVERY_TTL_MS', async () => {
    let now = 1_000;
    const redeliveries = new MemoryRedeliveries({ now: () => now });
    await redeliveries.claim('claimed');
    await redeliveries.claim('handled');
    await redeliveries.handled('handled');

    now += HANDLING_TTL_MS - 1;
    expect(await redeliveries.claim('claimed')).toBe('handling');
    now += 1;
    expect(await redeliveries.claim('claimed')).toBe('first');
    now = 1_000 + REDELIVERY_TTL_MS - 1;
    expect(await redeliveries.claim('handled')).toBe('done');
    now += 1;
    expect(await redeliveries.claim('handled')).toBe('first');
  });

  it('tells a claim expired even behind an id handled before it, which is remembered longer', async () => {
    let now = 0;
    const redeliveries = new MemoryRedeliveries({ ttlMs: 1_000, handlingTtlMs: 100, now: () => now });
    await redeliveries.handled('a');
    await redeliveries.claim('b');

    now = 100;

    expect(await redeliveries.claim('b')).toBe('first');
    expect(await redeliveries.claim('a')).toBe('done');
    now = 1_000;
    expect(await redeliveries.claim('a')).toBe('first');
  });

  it('keeps at most maxEntries ids, forgetting the oldest first', async () => {
    const redeliveries = new MemoryRedeliveries({ maxEntries: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) expect(await redeliveries.claim(id)).toBe('first');

    expect(await redeliveries.claim('b')).toBe('handling');
    expect(await redeliveries.claim('c')).toBe('handling');
    expect(await redeliveries.claim('d')).toBe('handling');
    expect(await redeliveries.claim('a')).toBe('first');
    // "a" came back as the newest: "b" is now the oldest, and went.
    expect(await redeliveries.claim('b')).toBe('first');
    // Marking one handled makes it the newest too: "c" goes next, not "d".
    await redeliveries.handled('d');
    await redeliveries.claim('e');
    expect(await redeliveries.claim('c')).toBe('first');
    expect(await redeliveries.claim('d')).toBe('done');
  });

  it('refuses a bound or a period it cannot keep, naming it', () => {
    expect(() => new MemoryRedeliveries({ maxEntries: 0 })).toThrow(
      new RangeError('maxEntries must be a whole number above 0, not 0'),
    );
    expect(() => new MemoryRedeliveries({ ttlMs: 1.5 })).toThrow(
      new RangeError('ttlMs must be a whole number of milliseconds above 0, not 1.5'),
    );
    expect(() => new MemoryRedeliveries({ handlingTtlMs: 0 })).toThrow(
      new RangeError('handlingTtlMs must be a whole number of milliseconds above 0, not 0'),
    );
  });
});

describeWithRedis('RedisRedeliveries', () => {
  const connection = redisConnections();

  behavesAsRedeliveries(async () => new RedisRedeliveries(await connection(), { prefix: `test:${Math.random()}:` }));

  it('keeps the state under the prefix, for every replica: a claim for HANDLING_TTL_MS, a delivery handled for REDELIVERY_TTL_MS', async () => {
    const [a, b] = [new RedisRedeliveries(await connection()), new RedisRedeliveries(await connection())];
    const spy = await connection();
    const key = `${REDELIVERIES_PREFIX}${ID}`;

    const states = await Promise.all([a.claim(ID), b.claim(ID)]);

    expect(states.sort()).toEqual(['first', 'handling']);
    expect(await spy.get(key)).toBe('handling');
    const claimTtl = await spy.pttl(key);
    expect(claimTtl).toBeGreaterThan(HANDLING_TTL_MS - 60_000);
    expect(claimTtl).toBeLessThanOrEqual(HANDLING_TTL_MS);
    await a.handled(ID);
    expect(await b.claim(ID)).toBe('done');
    expect(await spy.get(key)).toBe('done');
    const doneTtl = await spy.pttl(key);
    expect(doneTtl).toBeGreaterThan(REDELIVERY_TTL_MS - 60_000);
    expect(doneTtl).toBeLessThanOrEqual(REDELIVERY_TTL_MS);
    await spy.set(key, 'handling');
    await b.forget(ID);
    expect(await spy.exists(key)).toBe(0);
  });

  it('lets a claim go once its short period ends, while a delivery handled stays done', async () => {
    const redeliveries = new RedisRedeliveries(await connection(), {
      handlingTtlMs: 100,
      ttlMs: 60_000,
      prefix: 'test:expiry:',
    });

    expect(await redeliveries.claim(ID)).toBe('first');
    await redeliveries.claim(OTHER);
    await redeliveries.handled(OTHER);
    expect(await redeliveries.claim(ID)).toBe('handling');
    await pause(150);
    expect(await redeliveries.claim(ID)).toBe('first');
    expect(await redeliveries.claim(OTHER)).toBe('done');
  });

  it('reads what the version before states wrote as done, and refuses a state it does not know, naming the key', async () => {
    const spy = await connection();
    const redeliveries = new RedisRedeliveries(await connection(), { prefix: 'test:states:' });
    await spy.set(`test:states:${ID}`, '1');
    await spy.set(`test:states:${OTHER}`, 'sideways');

    expect(await redeliveries.claim(ID)).toBe('done');
    await expect(redeliveries.claim(OTHER)).rejects.toThrow(
      new Error(
        `delivery ${OTHER} is recorded in Redis as "sideways", not handling or done (key test:states:${OTHER})`,
      ),
    );
  });

  it('rejects, naming Redis and why but not the password, while Redis is down; records again once it is back', async () => {
    const password = 'hunter2-redeliveries';
    const secured = await startRedisServer({ password });
    const client = connection.track(connectRedis(secured.url, { info: () => {}, warn: () => {} }));
    await connected(client);
    const redeliveries = new RedisRedeliveries(client);
    await secured.stop();

    const failures = await Promise.all(
      [redeliveries.claim(ID), redeliveries.handled(ID), redeliveries.forget(ID)].map((call) =>
        call.then(
          () => new Error('resolved'),
          (error: unknown) => error as Error,
        ),
      ),
    );

    expect(failures.map((failure) => failure.message)).toEqual([
      expect.stringMatching(new RegExp(`^could not record delivery ${ID} in Redis: Redis does not answer`)),
      expect.stringMatching(new RegExp(`^could not mark delivery ${ID} handled in Redis: Redis does not answer`)),
      expect.stringMatching(new RegExp(`^could not forget delivery ${ID} in Redis: Redis does not answer`)),
    ]);
    for (const failure of failures) {
      expect(inspect(failure, { depth: 10 })).not.toContain(password);
      expect(failure.message).not.toContain(secured.url);
    }
    // A client between reconnections keeps a timer that only a server answering again lets it close.
    const again = await startRedisServer({ password, port: secured.port });
    try {
      await connected(client);
      expect(await redeliveries.claim(ID)).toBe('first');
      await disconnect(client);
    } finally {
      await again.stop();
    }
  });
});
