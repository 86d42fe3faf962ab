import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type nock from 'nock';
import { pino, type Logger } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { fastJson } from '../../src/adapters/github/fast-json-plugin.js';
import { createApp, type AppOptions } from '../../src/app.js';
import { FakeTimers } from './fake-timers.js';

export const INSTALLATION_ID = 4242;
export const APP_ID = 1;
export const BOT_LOGIN = 'apt-snapshots-bot[bot]';
export const NOW = new Date('2021-05-14T00:00:00Z');

let privateKey: string | undefined;

/** An RSA key made for the test run: Probot signs its app JWT with it. */
export function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  }).privateKey;
  return privateKey;
}

/**
 * Probot's Octokit with retries off and, unless asked for, throttling off.
 * `ProbotOctokit.defaults({ throttle: { enabled: false } })` does not do it:
 * Probot passes its own `throttle` object, which replaces that one and
 * leaves throttling on (writes then wait a second each). A function
 * default sees Probot's options and can switch it off.
 */
export function testOctokitClass(options: { throttle?: boolean } = {}): typeof ProbotOctokit {
  // fastJson as the app runs with it (appOctokit): every test's answers go through it.
  return ProbotOctokit.plugin(fastJson).defaults((instance: { throttle?: Record<string, unknown> }) => ({
    ...instance,
    retry: { enabled: false },
    throttle: { ...instance.throttle, enabled: options.throttle ?? false },
  }));
}

export interface LogCapture {
  logger: Logger;
  /** Everything logged so far, one JSON object per line. */
  text(): string;
}

/** A pino logger at trace level that writes to memory, to assert on what the app logs. */
export function captureLog(): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => chunks.join('') };
}

export const silentLog = (): Logger => pino({ level: 'silent' });

export interface TestAppOptions {
  app?: AppOptions;
  log?: Logger;
  throttle?: boolean;
  /** Another Octokit class than testOctokitClass's, e.g. the one `npm start` runs with (appOctokit). */
  Octokit?: typeof ProbotOctokit;
  secret?: string;
  /** GitHub Enterprise Server: https://HOST/api/v3, as Probot derives it from GHE_HOST. */
  baseUrl?: string;
}

/**
 * A Probot running the app, as `npm start` would, with the identity known
 * so no GET /app is needed, and timers that retry half-done work only when
 * the test fires them (pass `app.timers` to fire them).
 */
export async function testProbot(options: TestAppOptions = {}): Promise<Probot> {
  const probot = new Probot({
    appId: APP_ID,
    privateKey: testPrivateKey(),
    Octokit: options.Octokit ?? testOctokitClass({ throttle: options.throttle }),
    log: options.log ?? silentLog(),
    ...(options.secret ? { secret: options.secret } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
  await probot.load(
    createApp({
      identity: { appId: APP_ID, botLogin: BOT_LOGIN },
      snapshotServer: null,
      now: () => NOW,
      timers: new FakeTimers(),
      ...options.app,
    }),
  );
  return probot;
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'webhooks');

/** A webhook payload from test/fixtures/webhooks/NAME.json, fresh each time so tests may edit it. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as T;
}

/** Delivers a fixture as GitHub would (no signature: Probot's receive() trusts its caller). */
export function deliver(
  probot: Probot,
  event: string,
  payload: unknown,
  id = `delivery-${event}-${Math.random().toString(16).slice(2)}`,
): Promise<void> {
  return probot.receive({ id, name: event, payload } as Parameters<Probot['receive']>[0]);
}

export const TOKEN_PATH = `/app/installations/${INSTALLATION_ID}/access_tokens`;

/** The installation token Probot asks for before its first request of a webhook (cached after that). */
export function mockTokenExchange(scope: nock.Scope): nock.Scope {
  return scope.post(TOKEN_PATH).reply(201, {
    token: 'ghs_installationtoken0123456789abcdefAB',
    expires_at: '2099-01-01T00:00:00Z',
    permissions: {},
    repository_selection: 'all',
  });
}

/** The requests a webhook cost: everything `recordRequests` saw except the token exchange. */
export function apiRequests(log: readonly string[]): string[] {
  return log.filter((line) => !line.includes('/access_tokens'));
}
