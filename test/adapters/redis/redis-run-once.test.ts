import { inspect } from 'node:util';
import { connectRedis } from '../../../src/adapters/redis/connect.js';
import { RedisRunOnce } from '../../../src/adapters/redis/redis-run-once.js';
import {
  connected,
  describeWithRedis,
  disconnect,
  startRedisServer,
  redisConnections,
} from '../../helpers/redis-server.js';

const PREFIX = 'apt-snapshots-bot:once:';
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describeWithRedis('RedisRunOnce', () => {
  /** A connection of its own, as each replica has. */
  const connection = redisConnections();

  it('gives a key to one replica of many, under the prefix, naming the replica, with the period as expiry', async () => {
    const replicas = await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (name) => new RedisRunOnce(await connection(), `replica ${name}`)),
    );

    const answers = await Promise.all(replicas.map((replica) => replica.claim('expiry watch', 60_000)));

    expect(answers.filter((taken) => taken)).toHaveLength(1);
    const winner = ['a', 'b', 'c', 'd'][answers.indexOf(true)];
    const spy = await connection();
    expect(await spy.get(`${PREFIX}expiry watch`)).toBe(`replica ${winner}`);
    const ttl = await spy.pttl(`${PREFIX}expiry watch`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('gives the key again once its period ends, and different keys alongside', async () => {
    const [a, b] = [new RedisRunOnce(await connection(), 'a'), new RedisRunOnce(await connection(), 'b')];

    expect(await a.claim('short', 100)).toBe(true);
    expect(await b.claim('other', 100)).toBe(true);
    expect(await b.claim('short', 100)).toBe(false);
    await pause(150);

    expect(await b.claim('short', 100)).toBe(true);
  });

  it('refuses a period Redis cannot keep, naming the key, before asking Redis', async () => {
    const spy = await connection();
    const once = new RedisRunOnce(spy, 'a');

    await expect(once.claim('bad period', 0.5)).rejects.toThrow(
      new RangeError('the claim "bad period" needs ttlMs to be a whole number of milliseconds above 0, not 0.5'),
    );
    expect(await spy.exists(`${PREFIX}bad period`)).toBe(0);
  });

  it('rejects, naming Redis and why but not the password, while Redis is down; claims again once it is back', async () => {
    const password = 'hunter2-secret';
    const secured = await startRedisServer({ password });
    const said: string[] = [];
    const log = { info: (m: string) => said.push(m), warn: (m: string) => said.push(m) };
    const client = connectRedis(secured.url, log);
    connection.track(client);
    await connected(client);
    const once = new RedisRunOnce(client, 'a');
    expect(await once.claim('before', 60_000)).toBe(true);
    await secured.stop();

    const failure = await once.claim('down', 60_000).then(
      () => new Error('resolved'),
      (error: unknown) => error as Error,
    );

    expect(failure.message).toMatch(/^could not claim "down" in Redis: Redis does not answer/);
    expect(inspect(failure, { depth: 10 })).not.toContain(password);

    const again = await startRedisServer({ password, port: secured.port });
    try {
      await connected(client);
      expect(await once.claim('down', 60_000)).toBe(true);
      await disconnect(client);
    } finally {
      await again.stop();
    }
  });
});
