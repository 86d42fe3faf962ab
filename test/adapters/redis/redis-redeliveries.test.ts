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
/** The claimer's own token; another claimer's is another. */
const TOKEN = 'token-a';

/** What every implementation of the port does, whatever keeps the ids. */
function behavesAsRedeliveries(make: () => Promise<Redeliveries>): void {
  it('lets one claim an id; then says handling, done once handled, and claimable again once forgotten', async () => {
    const redeliveries = await make();

    expect(await redeliveries.claim(ID, TOKEN)).toBe('first');
    expect(await redeliveries.claim(ID, TOKEN)).toBe('handling');
    expect(await redeliveries.claim(OTHER, TOKEN)).toBe('first');
    await redeliveries.handled(ID);
    expect(await redeliveries.claim(ID, TOKEN)).toBe('done');
    await redeliveries.forget(OTHER, TOKEN);
    expect(await redeliveries.claim(OTHER, TOKEN)).toBe('first');
    expect(await redeliveries.claim(OTHER, TOKEN)).toBe('handling');
  });

  it('lets exactly one of two claims at once have the id', async () => {
    const redeliveries = await make();

    const states = await Promise.all([redeliveries.claim(ID, TOKEN), redeliveries.claim(ID, TOKEN)]);

    expect(states.sort()).toEqual(['first', 'handling']);
  });

  it('keeps an id handled when a late failure forgets it (one whose claim had expired, handled again since)', async () => {
    const redeliveries = await make();
    await redeliveries.claim(ID, TOKEN);
    await redeliveries.handled(ID);

    await redeliveries.forget(ID, TOKEN);

    expect(await redeliveries.claim(ID, TOKEN)).toBe('done');
  });

  it('marks handled an id nobody claims any more (its claim expired)', async () => {
    const redeliveries = await make();

    await redeliveries.handled(ID);

    expect(await redeliveries.claim(ID, TOKEN)).toBe('done');
  });

  it('refuses an id that is empty or longer than a delivery id, before recording anything', async () => {
    const redeliveries = await make();

    for (const call of [(id: string) => redeliveries.claim(id, TOKEN), (id: string) => redeliveries.handled(id)]) {
      await expect(call('')).rejects.toThrow(new RangeError('a delivery id has 1 to 100 characters, not 0'));
      await expect(call('x'.repeat(101))).rejects.toThrow(
        new RangeError('a delivery id has 1 to 100 characters, not 101'),
      );
    }
    expect(await redeliveries.claim('x'.repeat(100), TOKEN)).toBe('first');
  });
}

describe('MemoryRedeliveries', () => {
  behavesAsRedeliveries(async () => new MemoryRedeliveries());

  it('lets go of its own claim only: a claimer whose claim expired and was taken by another leaves the other’s', async () => {
    let now = 0;
    const redeliveries = new MemoryRedeliveries({ handlingTtlMs: 100, now: () => now });
    await redeliveries.claim(ID, 'slow');
    now = 100;
    expect(await redeliveries.claim(ID, 'resend')).toBe('first');
    await redeliveries.forget(ID, 'slow');
    expect(await redeliveries.claim(ID, 'third')).toBe('handling');
    await redeliveries.forget(ID, 'resend');
    expect(await redeliveries.claim(ID, 'third')).toBe('first');
  });

  it('lets a claim never handled nor forgotten go after HANDLING_TTL_MS, and keeps one handled REDELIVERY_TTL_MS', async () => {
    let now = 1_000;
    const redeliveries = new MemoryRedeliveries({ now: () => now });
    await redeliveries.claim('claimed', TOKEN);
    await redeliveries.claim('handled', TOKEN);
    await redeliveries.handled('handled');

    now += HANDLING_TTL_MS - 1;
    expect(await redeliveries.claim('claimed', TOKEN)).toBe('handling');
    now += 1;
    expect(await redeliveries.claim('claimed', TOKEN)).toBe('first');
    now = 1_000 + REDELIVERY_TTL_MS - 1;
    expect(await redeliveries.claim('handled', TOKEN)).toBe('done');
    now += 1;
    expect(await redeliveries.claim('handled', TOKEN)).toBe('first');
  });

  it('tells a claim expired even behind an id handled before it, which is remembered longer', async () => {
    let now = 0;
    const redeliveries = new MemoryRedeliveries({ ttlMs: 1_000, handlingTtlMs: 100, now: () => now });
    await redeliveries.handled('a');
    await redeliveries.claim('b', TOKEN);

    now = 100;

    expect(await redeliveries.claim('b', TOKEN)).toBe('first');
    expect(await redeliveries.claim('a', TOKEN)).toBe('done');
    now = 1_000;
    expect(await redeliveries.claim('a', TOKEN)).toBe('first');
  });

  it('keeps at most maxEntries ids, forgetting the oldest first', async () => {
    const redeliveries = new MemoryRedeliveries({ maxEntries: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) expect(await redeliveries.claim(id, TOKEN)).toBe('first');

    expect(await redeliveries.claim('b', TOKEN)).toBe('handling');
    expect(await redeliveries.claim('c', TOKEN)).toBe('handling');
    expect(await redeliveries.claim('d', TOKEN)).toBe('handling');
    expect(await redeliveries.claim('a', TOKEN)).toBe('first');
    // "a" came back as the newest: "b" is now the oldest, and went.
    expect(await redeliveries.claim('b', TOKEN)).toBe('first');
    // Marking one handled makes it the newest too: "c" goes next, not "d".
    await redeliveries.handled('d');
    await redeliveries.claim('e', TOKEN);
    expect(await redeliveries.claim('c', TOKEN)).toBe('first');
    expect(await redeliveries.claim('d', TOKEN)).toBe('done');
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

    const states = await Promise.all([a.claim(ID, TOKEN), b.claim(ID, TOKEN)]);

    expect(states.sort()).toEqual(['first', 'handling']);
    expect(await spy.get(key)).toBe(`handling:${TOKEN}`);
    const claimTtl = await spy.pttl(key);
    expect(claimTtl).toBeGreaterThan(HANDLING_TTL_MS - 60_000);
    expect(claimTtl).toBeLessThanOrEqual(HANDLING_TTL_MS);
    await a.handled(ID);
    expect(await b.claim(ID, TOKEN)).toBe('done');
    expect(await spy.get(key)).toBe('done');
    const doneTtl = await spy.pttl(key);
    expect(doneTtl).toBeGreaterThan(REDELIVERY_TTL_MS - 60_000);
    expect(doneTtl).toBeLessThanOrEqual(REDELIVERY_TTL_MS);
    await spy.set(key, `handling:${TOKEN}`);
    await b.forget(ID, 'another claimer');
    expect(await spy.get(key)).toBe(`handling:${TOKEN}`);
    await b.forget(ID, TOKEN);
    expect(await spy.exists(key)).toBe(0);
  });

  it('lets go of its own claim only: a claimer whose claim expired and was taken by another leaves the other’s', async () => {
    const redeliveries = new RedisRedeliveries(await connection(), { handlingTtlMs: 100, prefix: 'test:tokens:' });
    await redeliveries.claim(ID, 'slow');
    await pause(150);
    expect(await redeliveries.claim(ID, 'resend')).toBe('first');
    await redeliveries.forget(ID, 'slow');
    expect(await redeliveries.claim(ID, 'third')).toBe('handling');
    await redeliveries.forget(ID, 'resend');
    expect(await redeliveries.claim(ID, 'third')).toBe('first');
  });

  it('lets a claim go once its short period ends, while a delivery handled stays done', async () => {
    const redeliveries = new RedisRedeliveries(await connection(), {
      handlingTtlMs: 100,
      ttlMs: 60_000,
      prefix: 'test:expiry:',
    });

    expect(await redeliveries.claim(ID, TOKEN)).toBe('first');
    await redeliveries.claim(OTHER, TOKEN);
    await redeliveries.handled(OTHER);
    expect(await redeliveries.claim(ID, TOKEN)).toBe('handling');
    await pause(150);
    expect(await redeliveries.claim(ID, TOKEN)).toBe('first');
    expect(await redeliveries.claim(OTHER, TOKEN)).toBe('done');
  });

  it('reads what the version before states wrote as done, and refuses a state it does not know, naming the key', async () => {
    const spy = await connection();
    const redeliveries = new RedisRedeliveries(await connection(), { prefix: 'test:states:' });
    await spy.set(`test:states:${ID}`, '1');
    await spy.set(`test:states:${OTHER}`, 'sideways');

    expect(await redeliveries.claim(ID, TOKEN)).toBe('done');
    await expect(redeliveries.claim(OTHER, TOKEN)).rejects.toThrow(
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
      [redeliveries.claim(ID, TOKEN), redeliveries.handled(ID), redeliveries.forget(ID, TOKEN)].map((call) =>
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
      expect(await redeliveries.claim(ID, TOKEN)).toBe('first');
      await disconnect(client);
    } finally {
      await again.stop();
    }
  });
});
