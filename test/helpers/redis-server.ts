import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { freePort } from './free-port.js';

/** The redis-server on PATH, if any. */
export const redisServerPath: string | undefined = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir !== '')
  .map((dir) => join(dir, 'redis-server'))
  .find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** `describe`, or, without redis-server on PATH, `describe.skip` with the reason printed. */
export function describeWithRedis(name: string, suite: () => void): void {
  if (redisServerPath) {
    describe(name, suite);
    return;
  }
  console.warn(`skipping "${name}": redis-server is not on PATH (.ci/run installs it)`);
  describe.skip(name, suite);
}

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:PORT, with the password when there is one. */
  url: string;
  /** Stops the server and waits for it to exit; stopping it again does nothing. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/** Whether something on `port` answers a PING (an authentication error is an answer too). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(/^[+-]/.test(data.toString('latin1'))));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves once the client can send commands. */
export async function connected(client: Redis): Promise<void> {
  if (client.status !== 'ready') await once(client, 'ready');
}

/**
 * Closes the client's connection and stops its reconnecting. A client
 * between reconnections has no open socket to close, and ioredis would
 * keep a timer for it for two seconds: start its server again first.
 */
export async function disconnect(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  const ended = once(client, 'end');
  client.disconnect();
  await ended;
}

/**
 * A real redis-server on 127.0.0.1 and a free port (or `port`, to start
 * one again where another stopped), persisting nothing, in a temporary
 * directory removed when it stops.
 */
export async function startRedisServer(options: { password?: string; port?: number } = {}): Promise<RedisServer> {
  if (!redisServerPath) throw new Error('redis-server is not on PATH');
  const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-redis-'));
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child = spawn(redisServerPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer on port ${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return { port, url: `redis://${auth}127.0.0.1:${port}`, stop };
}

/** Opens a connection to the suite's server (or `url`); `track` closes one the test opened itself after it too. */
export interface RedisConnections {
  (url?: string): Promise<Redis>;
  track(client: Redis): Redis;
}

/**
 * For a suite inside describeWithRedis: one redis-server started before its
 * tests and stopped after them, and a way to open connections to it (to
 * `url` when given), each its own as each replica has, closed after each test.
 */
export function redisConnections(): RedisConnections {
  let server: RedisServer | undefined;
  const clients: Redis[] = [];
  const quiet = { info: () => {}, warn: () => {} };
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(disconnect));
  });
  afterAll(async () => {
    await server?.stop();
  });
  const track = (client: Redis): Redis => {
    clients.push(client);
    return client;
  };
  const open = async (url?: string): Promise<Redis> => {
    const target = url ?? server?.url;
    if (target === undefined)
      throw new Error('redisConnections: the server is not started yet (call it inside a test)');
    const client = track(connectRedis(target, quiet));
    await connected(client);
    return client;
  };
  return Object.assign(open, { track });
}
