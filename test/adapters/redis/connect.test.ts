import type { Redis } from 'ioredis';
import { connectRedis, describeRedisError, describeRedisUrl } from '../../../src/adapters/redis/connect.js';
import {
  connected,
  describeWithRedis,
  disconnect,
  startRedisServer,
  type RedisServer,
} from '../../helpers/redis-server.js';

const PASSWORD = 'hunter2-secret';

describe('describeRedisUrl', () => {
  it.each([
    [`redis://:${PASSWORD}@redis.internal:6380/2`, 'redis://redis.internal:6380/2'],
    [`rediss://bot:${PASSWORD}@redis.internal`, 'rediss://bot@redis.internal'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    [`:${PASSWORD}@redis.internal`, 'an unparsable Redis URL'],
    [`redis://redis.internal:6379/0?password=${PASSWORD}&db=1`, 'redis://redis.internal:6379/0'],
  ])('shows %s as %s', (url, shown) => {
    expect(describeRedisUrl(url)).toBe(shown);
  });
});

describe('describeRedisError', () => {
  it('says in words what ioredis says about a command given up while the connection is down', () => {
    const givenUp = Object.assign(
      new Error(
        'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
      ),
      { name: 'MaxRetriesPerRequestError' },
    );
    expect(describeRedisError(givenUp)).toBe(
      'Redis does not answer: the connection is down (the client keeps reconnecting)',
    );
    expect(describeRedisError(new Error('Connection is closed.'))).toBe(
      'Redis does not answer: the connection is closed',
    );
    expect(describeRedisError(new Error('WRONGPASS invalid username-password pair'))).toBe(
      'WRONGPASS invalid username-password pair',
    );
  });
});

describe('connectRedis', () => {
  it('refuses a URL of another scheme without showing its password', () => {
    const log = { info: () => {}, warn: () => {} };
    expect(() => connectRedis(`http://:${PASSWORD}@redis.internal`, log)).toThrow(
      'the Redis URL must start with redis:// or rediss://, not http://redis.internal/',
    );
  });

  it.each([`redis://:${PASSWORD}@[bad`, `redis://:${PASSWORD}@redis.internal:99999`])(
    'refuses %s, which is no URL, without showing its password',
    (url) => {
      let message = '';
      try {
        connectRedis(url, { info: () => {}, warn: () => {} });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe('the Redis URL is not a valid URL (a host name, and a port up to 65535?)');
      expect(message).not.toContain(PASSWORD);
    },
  );
});

describeWithRedis('connectRedis, as Redis goes down and comes back', () => {
  let server: RedisServer;
  let client: Redis;
  const said: string[] = [];

  beforeAll(async () => {
    server = await startRedisServer({ password: PASSWORD });
    client = connectRedis(server.url, { info: (m) => said.push(`info ${m}`), warn: (m) => said.push(`warn ${m}`) });
    await connected(client);
  });
  afterAll(async () => {
    await disconnect(client);
    await server.stop();
  });

  it('says so once per outage, with the URL but not the password', async () => {
    await server.stop();
    // Long enough for a few reconnection attempts, each of which fails again.
    await new Promise((resolve) => setTimeout(resolve, 700));
    server = await startRedisServer({ password: PASSWORD, port: server.port });
    await connected(client);

    const where = `redis://127.0.0.1:${server.port}`;
    expect(said).toEqual([
      expect.stringMatching(new RegExp(`^warn Redis at ${where} failed: .+; reconnecting$`)),
      `info Redis at ${where} is back`,
    ]);
    expect(said.join('\n')).not.toContain(PASSWORD);
  });

  it('never logs the password, even where an error message would carry it', () => {
    said.length = 0;
    client.emit('error', new Error(`AUTH ${PASSWORD} refused`));

    expect(said).toEqual([`warn Redis at redis://127.0.0.1:${server.port} failed: AUTH *** refused; reconnecting`]);
  });
});
