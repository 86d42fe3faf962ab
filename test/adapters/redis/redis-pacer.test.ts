import { COOL_OFF_MS, RedisPacer } from '../../../src/adapters/redis/redis-pacer.js';
import { SkippingClock } from '../../helpers/manual-clock.js';
import {
  connected,
  describeWithRedis,
  disconnect,
  startRedisServer,
  redisConnections,
} from '../../helpers/redis-server.js';

const quiet = { info: () => {}, warn: () => {} };
const policy = { burst: 3, intervalMs: 50 };

describeWithRedis('RedisPacer', () => {
  /** A connection of its own, as each replica has. */
  const connection = redisConnections();

  it('shares one bucket per installation between replicas, on Redis time, and lets it expire', async () => {
    // The clock only records the waits asked for: the test never waits them, and a long interval
    // leaves room for the real milliseconds between takes.
    const clock = new SkippingClock();
    const slow = { burst: 3, intervalMs: 5000 };
    const [a, b] = [
      new RedisPacer(await connection(), { log: quiet, policy: slow, clock }),
      new RedisPacer(await connection(), { log: quiet, policy: slow, clock }),
    ];

    await a.take('4242');
    await b.take('4242');
    await a.take('4242');
    expect(clock.slept).toEqual([]);
    await b.take('4242');
    await a.take('4242');
    await b.take('other installation');

    // One interval, then two, less the milliseconds the takes themselves took.
    expect(clock.slept).toHaveLength(2);
    const [fourth = 0, fifth = 0] = clock.slept;
    expect(fourth).toBeGreaterThan(4000);
    expect(fourth).toBeLessThanOrEqual(5000);
    expect(fifth).toBeGreaterThan(9000);
    expect(fifth).toBeLessThanOrEqual(10_000);
    // The bucket vanishes once it would be full again: five intervals after the first take.
    const ttl = await (await connection()).pttl('apt-snapshots-bot:pace:4242');
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(5 * 5000);
  });

  it('paces in this process alone, warning once, while Redis is down', async () => {
    const down = await startRedisServer();
    const client = await connection(down.url);
    await down.stop();
    while (client.status === 'ready') await new Promise((resolve) => setTimeout(resolve, 5));
    const clock = new SkippingClock();
    const warnings: string[] = [];
    const pacer = new RedisPacer(client, { log: { warn: (m) => warnings.push(m) }, policy, clock });

    for (let i = 0; i < 4; i += 1) await pacer.take('4242');

    expect(clock.slept).toEqual([50]);
    expect(warnings).toEqual([expect.stringContaining('pacing GitHub requests in this process only: Redis failed')]);
    // A client between reconnections keeps a timer when disconnected: let it find its server again first.
    const again = await startRedisServer({ port: down.port });
    try {
      await connected(client);
      await disconnect(client);
    } finally {
      await again.stop();
    }
  });
});

describe('RedisPacer falling back', () => {
  it('leaves a failed Redis alone for a while, warns again only after it answered, and waits what the script says', async () => {
    const answers: (number | Error)[] = [new Error('down'), new Error('still down'), 0, 70, new Error('down again')];
    let asked = 0;
    const redis = {
      status: 'ready' as const,
      eval: async () => {
        asked += 1;
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const clock = new SkippingClock();
    const warnings: string[] = [];
    const pacer = new RedisPacer(redis, { log: { warn: (m) => warnings.push(m) }, policy, clock });
    const later = async () => {
      await clock.sleep(COOL_OFF_MS);
      clock.slept.pop();
    };

    await pacer.take('4242');
    await pacer.take('4242');
    // Within the cool-off, Redis is not asked: a slow one would hold every write for its command timeout.
    expect(asked).toBe(1);
    await later();
    await pacer.take('4242');
    expect(asked).toBe(2);
    await later();
    await pacer.take('4242');
    await pacer.take('4242');
    await pacer.take('4242');

    expect(asked).toBe(5);
    expect(warnings).toEqual([expect.stringContaining('(down)'), expect.stringContaining('(down again)')]);
    expect(clock.slept).toEqual([70]);
  });
});
