import { inspect } from 'node:util';
import { connectRedis } from '../../../src/adapters/redis/connect.js';
import { RedisLocks, type RedisLocksOptions } from '../../../src/adapters/redis/redis-locks.js';
import {
  connected,
  describeWithRedis,
  disconnect,
  startRedisServer,
  redisConnections,
} from '../../helpers/redis-server.js';

const PREFIX = 'apt-snapshots-bot:lock:';
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Rejects when `promise` takes longer than `ms`: a test that would deadlock fails instead. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Polls `condition` until it holds; rejects after `ms`. */
async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition still false after ${ms} ms`);
    await pause(10);
  }
}

describeWithRedis('RedisLocks', () => {
  let warnings: string[];
  /** A connection of its own, as each replica has. */
  const connection = redisConnections();
  const replica = async (options: Partial<RedisLocksOptions> = {}) =>
    new RedisLocks(await connection(), { log: { warn: (m) => warnings.push(m) }, ...options });

  beforeEach(() => {
    warnings = [];
  });

  it('runs the tasks of one key one at a time across replicas, and frees the key after', async () => {
    const [a, b] = [await replica(), await replica()];
    let running = 0;
    let most = 0;
    const events: string[] = [];
    const task = (name: string) => async () => {
      running += 1;
      most = Math.max(most, running);
      events.push(`start ${name}`);
      await pause(5);
      await pause(5);
      events.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const names = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3'];
    const results = await Promise.all(names.map((name) => (name.startsWith('a') ? a : b).run('one key', task(name))));

    expect(results).toEqual(names);
    expect(most).toBe(1);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]?.replace('start', 'end'));
    const starts = events.filter((e) => e.startsWith('start a'));
    expect(starts).toEqual(['start a1', 'start a2', 'start a3']);
    expect(await (await connection()).exists(`${PREFIX}one key`)).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('runs tasks of different keys alongside', async () => {
    const [a, b] = [await replica(), await replica()];
    const arrived = [deferred(), deferred()];
    const both = Promise.all(arrived.map((d) => d.promise));
    const task = (i: number) => async () => {
      arrived[i]?.resolve();
      await both;
      return i;
    };

    await expect(within(2000, Promise.all([a.run('key 1', task(0)), b.run('key 2', task(1))]))).resolves.toEqual([
      0, 1,
    ]);
  });

  it('passes a failed task on and frees its key', async () => {
    const [a, b] = [await replica(), await replica()];

    await expect(a.run('failing', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      within(
        1000,
        b.run('failing', async () => 'next'),
      ),
    ).resolves.toBe('next');
  });

  it('stops blocking others once a replica that died holding a key is past its ttl', async () => {
    const dying = await connection();
    const holderWarnings: string[] = [];
    const holder = new RedisLocks(dying, { log: { warn: (m) => holderWarnings.push(m) }, ttlMs: 200 });
    const other = await replica({ ttlMs: 200 });
    const taken = deferred();
    const never = deferred();
    const held = holder.run('dead holder', async () => {
      taken.resolve();
      await never.promise;
    });
    await taken.promise;
    await disconnect(dying);

    const started = performance.now();
    await expect(
      within(
        3000,
        other.run('dead holder', async () => 'ran'),
      ),
    ).resolves.toBe('ran');
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    // Its renewals fail, and stop once the ttl is over: by then the key is surely gone.
    const lost = 'lost the lock "dead holder" while its task still runs: Redis failed for its whole ttl';
    await until(() => holderWarnings.includes(lost), 1000);
    never.resolve();
    await held;
    expect(holderWarnings).toEqual([
      expect.stringMatching(/^could not renew the lock "dead holder" in Redis: /),
      lost,
      expect.stringMatching(/^could not free the lock "dead holder" in Redis \(it expires within 200 ms\): /),
    ]);
  });

  it('keeps the key of a task that outlasts the ttl, by renewing it', async () => {
    // Renewed every 150 ms, the key outlives a stall of the busy test machine of up to 300 ms.
    const [a, b] = [await replica({ ttlMs: 450 }), await replica({ ttlMs: 450 })];
    const events: string[] = [];
    const taken = deferred();
    const long = a.run('long', async () => {
      events.push('start a');
      taken.resolve();
      await pause(1500);
      events.push('end a');
    });
    await taken.promise;
    const next = b.run('long', async () => void events.push('start b'));
    await Promise.all([long, next]);

    expect(events).toEqual(['start a', 'end a', 'start b']);
    expect(warnings).toEqual([]);
  });

  it('polls with growing waits and rejects, without running the task, once the wait is too long', async () => {
    const holder = await replica();
    const taken = deferred();
    const done = deferred();
    const held = holder.run('held key', async () => {
      taken.resolve();
      await done.promise;
    });
    await taken.promise;
    let time = 0;
    const slept: number[] = [];
    const waiter = await replica({
      maxWaitMs: 2000,
      now: () => time,
      sleep: async (ms) => {
        slept.push(ms);
        time += ms;
      },
    });
    let ran = false;

    await expect(
      waiter.run('held key', async () => {
        ran = true;
      }),
    ).rejects.toThrow('the lock "held key" was still held elsewhere after waiting 2000 ms for it');
    expect(ran).toBe(false);
    expect(slept).toEqual([25, 50, 100, 200, 400, 500, 500, 225]);
    done.resolve();
    await held;
  });

  it('frees only its own token, and warns when it finds its key taken by another', async () => {
    const spy = await connection();
    const locks = await replica({ ttlMs: 150 });

    await locks.run('stolen', async () => {
      // What another replica does once this one's key expired.
      await spy.set(`${PREFIX}stolen`, 'intruder');
      await pause(120);
    });

    expect(await spy.get(`${PREFIX}stolen`)).toBe('intruder');
    expect(warnings).toEqual([expect.stringContaining('lost the lock "stolen" while its task still runs')]);
  });

  it('rejects a wrong password without showing it, though ioredis puts it in its error', async () => {
    const wrong = 'hunter2-wrong';
    const secured = await startRedisServer({ password: 'right' });
    const said: string[] = [];
    const log = { info: (m: string) => said.push(m), warn: (m: string) => said.push(m) };
    const client = connectRedis(`redis://:${wrong}@127.0.0.1:${secured.port}`, log);
    connection.track(client);
    const locks = new RedisLocks(client, { log });
    let ran = false;

    const failure = await within(
      4000,
      locks.run('wrong password', async () => {
        ran = true;
      }),
    ).then(
      () => new Error('resolved'),
      (error: unknown) => error as Error,
    );

    expect(failure.message).toMatch(/^could not take the lock "wrong password" in Redis: WRONGPASS/);
    expect(ran).toBe(false);
    expect(said).toEqual([expect.stringContaining('WRONGPASS')]);
    expect([inspect(failure, { depth: 10 }), ...said].join('\n')).not.toContain(wrong);
    // Let the client in, so that it ends with an open connection to close rather than between reconnections.
    const admin = await connection(`redis://:right@127.0.0.1:${secured.port}`);
    await admin.config('SET', 'requirepass', wrong);
    await connected(client);
    await Promise.all([disconnect(client), disconnect(admin)]);
    await secured.stop();
  });

  it('rejects, without running the task or showing the password, while Redis is down', async () => {
    const password = 'hunter2-secret';
    const secured = await startRedisServer({ password });
    const said: string[] = [];
    const log = { info: (m: string) => said.push(m), warn: (m: string) => said.push(m) };
    const client = connectRedis(secured.url, log);
    connection.track(client);
    await connected(client);
    const locks = new RedisLocks(client, { log });
    await expect(locks.run('down', async () => 'up')).resolves.toBe('up');
    await secured.stop();
    let ran = false;

    const failure = await within(
      4000,
      locks.run('down', async () => {
        ran = true;
      }),
    ).then(
      () => new Error('resolved'),
      (error: unknown) => error as Error,
    );

    expect(failure.message).toMatch(/^could not take the lock "down" in Redis: /);
    expect(ran).toBe(false);
    expect(said.length).toBeGreaterThan(0);
    expect(said.join('\n')).toContain(`redis://127.0.0.1:${secured.port}`);
    expect([failure.message, failure.stack, ...said].join('\n')).not.toContain(password);

    const again = await startRedisServer({ password, port: secured.port });
    try {
      await expect(
        within(
          4000,
          locks.run('down', async () => 'up again'),
        ),
      ).resolves.toBe('up again');
      await disconnect(client);
    } finally {
      await again.stop();
    }
  });
});
