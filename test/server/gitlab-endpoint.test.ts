import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GitLabProjectRef } from '../../src/adapters/gitlab/webhook-events.js';
import { RedisRedeliveries } from '../../src/adapters/redis/redis-redeliveries.js';
import type { ForgeEvent } from '../../src/ports/forge-events.js';
import {
  gitlabWebhookHandler,
  type GitLabDelivery,
  type GitLabWebhookHandler,
  type GitLabWebhookOptions,
} from '../../src/server/gitlab-endpoint.js';
import type { WebhookOutcome } from '../../src/server/metrics.js';
import { MemoryRedeliveries, type DeliveryState, type Redeliveries } from '../../src/server/redeliveries.js';
import { captureLog } from '../helpers/probot-app.js';
import { describeWithRedis, redisConnections } from '../helpers/redis-server.js';

const SECRET = 'gitlab-endpoint-test-token-5d1f';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'gitlab');
const fixture = (name: string): string => readFileSync(join(FIXTURES, `${name}.json`), 'utf8');

interface Handled {
  project: GitLabProjectRef;
  event: ForgeEvent;
  delivery: GitLabDelivery;
}

/** Redeliveries that say what was asked of them. */
class RecordingRedeliveries implements Redeliveries {
  readonly calls: string[] = [];
  constructor(private readonly inner: Redeliveries = new MemoryRedeliveries()) {}
  claim(id: string, token: string): Promise<DeliveryState> {
    this.calls.push(`claim ${id}`);
    return this.inner.claim(id, token);
  }
  handled(id: string): Promise<void> {
    this.calls.push(`handled ${id}`);
    return this.inner.handled(id);
  }
  forget(id: string, token: string): Promise<void> {
    this.calls.push(`forget ${id}`);
    return this.inner.forget(id, token);
  }
}

interface Harness {
  url: string;
  handled: Handled[];
  redeliveries: RecordingRedeliveries;
  log: ReturnType<typeof captureLog>;
  counted: [string, WebhookOutcome][];
  handler: GitLabWebhookHandler;
  /** The log lines written so far, parsed. */
  lines(): Record<string, unknown>[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

async function start(
  handle: (handled: Handled) => Promise<'done' | 'ignored'> = async () => 'done',
  options: Partial<Omit<GitLabWebhookOptions, 'handle' | 'log'>> = {},
): Promise<Harness> {
  const handled: Handled[] = [];
  const log = captureLog();
  const counted: [string, WebhookOutcome][] = [];
  const redeliveries =
    options.redeliveries instanceof RecordingRedeliveries
      ? options.redeliveries
      : new RecordingRedeliveries(options.redeliveries);
  const handler = gitlabWebhookHandler({
    secret: SECRET,
    log: log.logger,
    metrics: { webhook: (event, outcome) => void counted.push([event, outcome]) },
    ...options,
    redeliveries,
    handle: async (project, event, delivery) => {
      handled.push({ project, event, delivery });
      return handle({ project, event, delivery });
    },
  });
  const server = createServer((request, response) => void handler(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/gitlab/webhooks`,
    handled,
    redeliveries,
    log,
    counted,
    handler,
    lines: () =>
      log
        .text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

let uuids = 0;
const nextUuid = () => `5b1c9a52-3f0e-4d8e-9c1a-${String((uuids += 1)).padStart(12, '0')}`;

interface Sent {
  status: number;
  body: Record<string, unknown>;
}

async function send(
  harness: Harness,
  options: { event?: string; body?: string; headers?: Record<string, string | undefined>; method?: string } = {},
): Promise<Sent> {
  const headers: Record<string, string> = {};
  const wanted: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-gitlab-event': options.event ?? 'Push Hook',
    'x-gitlab-token': SECRET,
    'x-gitlab-event-uuid': nextUuid(),
    'x-gitlab-instance': 'http://gitlab.example',
    ...options.headers,
  };
  for (const [name, value] of Object.entries(wanted)) if (value !== undefined) headers[name] = value;
  const method = options.method ?? 'POST';
  const response = await fetch(harness.url, {
    method,
    headers,
    ...(method === 'GET' ? {} : { body: options.body ?? fixture('push-branch') }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('gitlabWebhookHandler', () => {
  it('hands a push to the app with its project and delivery, answers 200, and logs one line without token or payload', async () => {
    const harness = await start();

    const sent = await send(harness, { headers: { 'x-gitlab-event-uuid': 'a1b2c3d4-0000-4000-8000-000000000001' } });

    expect(sent).toEqual({ status: 200, body: { ok: true } });
    expect(harness.handled).toEqual([
      {
        project: {
          id: 2,
          pathWithNamespace: 'tails/tails',
          webUrl: 'http://gitlab.example/tails/tails',
          defaultBranch: 'devel',
        },
        event: expect.objectContaining({ kind: 'push', ref: 'refs/heads/devel' }) as ForgeEvent,
        delivery: { id: 'a1b2c3d4-0000-4000-8000-000000000001', event: 'Push Hook' },
      },
    ]);
    expect(harness.lines()).toEqual([
      expect.objectContaining({
        forge: 'GitLab',
        delivery: 'a1b2c3d4-0000-4000-8000-000000000001',
        event: 'Push Hook',
        project: 'tails/tails',
        outcome: 'handled',
        msg: expect.stringMatching(/^GitLab webhook Push Hook handled \(\d+ ms\)$/) as string,
      }),
    ]);
    const text = harness.log.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('Bump the debian APT snapshot serial');
    expect(text).not.toContain('2a4c6e8f0b1d3e5a7c9f1b3d5e7a9c0e2b4d6f81');
    expect(harness.counted).toEqual([['Push Hook', 'handled']]);
  });

  it.each([
    ['a wrong token', 'gitlab-endpoint-test-token-5d1e'],
    ['a token of another length', 'gitlab'],
    ['no token', undefined],
  ])('refuses %s with 401: nothing parsed, recorded or handled, and the token not logged', async (_what, token) => {
    const harness = await start();

    const sent = await send(harness, { body: '{not json', headers: { 'x-gitlab-token': token } });

    expect(sent.status).toBe(401);
    expect(sent.body).toEqual({ error: 'X-Gitlab-Token does not match the secret token' });
    expect(harness.handled).toEqual([]);
    expect(harness.redeliveries.calls).toEqual([]);
    expect(harness.lines()).toEqual([expect.objectContaining({ outcome: 'refused', level: 40 })]);
    if (token !== undefined) expect(harness.log.text()).not.toContain(token);
    expect(harness.log.text()).not.toContain(SECRET);
    expect(harness.counted).toEqual([['unverified', 'refused']]);
  });

  it('answers 405 to anything but POST, handling nothing', async () => {
    const harness = await start();

    const sent = await send(harness, { method: 'GET' });

    expect(sent).toEqual({ status: 405, body: { error: 'GET is not allowed here: webhooks are POSTed' } });
    expect(harness.handled).toEqual([]);
  });

  it('answers 202 to an event the app does not read, without reading it', async () => {
    const harness = await start();

    const sent = await send(harness, { event: 'Pipeline Hook', body: '{"object_kind":"pipeline"}' });

    expect(sent).toEqual({
      status: 202,
      body: { ok: true, status: 'ignored', reason: 'an event the app does not read' },
    });
    expect(harness.handled).toEqual([]);
    expect(harness.redeliveries.calls).toEqual([]);
    expect(harness.counted).toEqual([['other', 'ignored']]);
  });

  it.each([
    ['not JSON', { 'content-type': 'text/plain' }, '{}', 415, 'content-type must be application/json'],
    ['no event', { 'x-gitlab-event': undefined }, '{}', 400, 'missing header: X-Gitlab-Event'],
    ['no delivery id', { 'x-gitlab-event-uuid': undefined }, '{}', 400, 'missing header: X-Gitlab-Event-UUID'],
    [
      'a delivery id that is none',
      { 'x-gitlab-event-uuid': 'a b' },
      '{}',
      400,
      'X-Gitlab-Event-UUID is not a delivery id',
    ],
    ['a body that is no JSON', {}, '{"object_kind":', 400, 'payload is not JSON'],
    [
      'a payload without a field the app reads',
      {},
      fixture('push-branch').replace('"user_id": 3001', '"user_id": "3001"'),
      400,
      'Push Hook without a valid user_id (Invalid input: expected number, received string)',
    ],
  ])('refuses a delivery with %s, handling nothing', async (_what, headers, body, status, error) => {
    const harness = await start();

    const sent = await send(harness, { headers, body });

    expect(sent).toEqual({ status, body: { error } });
    expect(harness.handled).toEqual([]);
    expect(harness.redeliveries.calls).toEqual([]);
    expect(harness.lines()).toEqual([expect.objectContaining({ outcome: 'invalid', reason: error })]);
  });

  it('answers 413 to a body over the limit, before reading it all', async () => {
    const harness = await start(undefined, { maxBodyBytes: 1000 });

    const sent = await send(harness, { body: fixture('push-branch') });

    expect(sent).toEqual({ status: 413, body: { error: 'payload larger than 1000 bytes' } });
    expect(harness.handled).toEqual([]);
  });

  it('answers 200 to an event it leaves alone (a note on a commit), without asking the app', async () => {
    const harness = await start();

    const sent = await send(harness, { event: 'Note Hook', body: fixture('note-commit') });

    expect(sent).toEqual({
      status: 200,
      body: { ok: true, status: 'ignored', reason: 'a note on a Commit, where commands are not read' },
    });
    expect(harness.handled).toEqual([]);
    expect(harness.lines()).toEqual([expect.objectContaining({ outcome: 'ignored', project: 'tails/tails' })]);
  });

  it('says ignored when the app left the event alone (a push by the bot itself)', async () => {
    const harness = await start(async ({ event }) => (event.sender.login === 'apt-snapshots-bot' ? 'ignored' : 'done'));

    const sent = await send(harness, { body: fixture('push-by-bot') });

    expect(sent).toEqual({ status: 200, body: { ok: true, status: 'ignored' } });
    expect(harness.handled.map(({ event }) => event.sender)).toEqual([{ login: 'apt-snapshots-bot', id: 4000 }]);
    expect(harness.lines()).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
  });

  it('handles a delivery once: the same X-Gitlab-Event-UUID again is a redelivery', async () => {
    const harness = await start();
    const headers = { 'x-gitlab-event-uuid': 'c0ffee00-0000-4000-8000-000000000042' };

    const first = await send(harness, { event: 'Note Hook', body: fixture('note-mr-command'), headers });
    const again = await send(harness, { event: 'Note Hook', body: fixture('note-mr-command'), headers });

    expect(first).toEqual({ status: 200, body: { ok: true } });
    expect(again).toEqual({ status: 200, body: { ok: true, status: 'redelivery ignored' } });
    expect(harness.handled).toHaveLength(1);
    expect(harness.redeliveries.calls).toEqual([
      'claim c0ffee00-0000-4000-8000-000000000042',
      'handled c0ffee00-0000-4000-8000-000000000042',
      'claim c0ffee00-0000-4000-8000-000000000042',
    ]);
    expect(harness.lines().map((line) => [line.outcome, line.reason])).toEqual([
      ['handled', undefined],
      ['ignored', 'redelivery: X-Gitlab-Event-UUID c0ffee00-0000-4000-8000-000000000042 was handled already'],
    ]);
  });

  it('knows a resend by its Idempotency-Key, which GitLab keeps when the X-Gitlab-Event-UUID is new', async () => {
    const harness = await start();
    const key = { 'idempotency-key': '9e8d7c6b-0000-4000-8000-000000000007' };

    await send(harness, { headers: { ...key, 'x-gitlab-event-uuid': nextUuid() } });
    const resent = await send(harness, { headers: { ...key, 'x-gitlab-event-uuid': nextUuid() } });

    expect(resent.body).toEqual({ ok: true, status: 'redelivery ignored' });
    expect(harness.handled.map(({ delivery }) => delivery.id)).toEqual(['9e8d7c6b-0000-4000-8000-000000000007']);
  });

  it('answers 500 when the app fails, and forgets the delivery so that the same one again is handled', async () => {
    let failures = 1;
    const harness = await start(async () => {
      if (failures-- > 0) throw new Error('GitLab answered 502 on GET /projects/2/repository/tree');
      return 'done';
    });
    const headers = { 'x-gitlab-event-uuid': 'deadbeef-0000-4000-8000-000000000500' };

    const failed = await send(harness, { headers });
    const retried = await send(harness, { headers });

    expect(failed).toEqual({
      status: 500,
      body: {
        error: 'the delivery could not be handled: the bot’s log says why (deadbeef-0000-4000-8000-000000000500)',
      },
    });
    expect(retried).toEqual({ status: 200, body: { ok: true } });
    expect(harness.handled).toHaveLength(2);
    expect(harness.redeliveries.calls).toEqual([
      'claim deadbeef-0000-4000-8000-000000000500',
      'forget deadbeef-0000-4000-8000-000000000500',
      'claim deadbeef-0000-4000-8000-000000000500',
      'handled deadbeef-0000-4000-8000-000000000500',
    ]);
    expect(harness.lines()).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        level: 50,
        reason: 'GitLab answered 502 on GET /projects/2/repository/tree',
      }),
      expect.objectContaining({ outcome: 'handled' }),
    ]);
  });

  it('answers 202 when the app is slow, and still forgets a delivery that fails afterwards', async () => {
    let release: (() => void) | undefined;
    const harness = await start(
      () =>
        new Promise((_resolve, reject) => {
          release = () => reject(new Error('the snapshot server timed out'));
        }),
      { respondAfterMs: 50 },
    );
    const headers = { 'x-gitlab-event-uuid': 'feedface-0000-4000-8000-000000000202' };

    const sent = await send(harness, { headers });

    expect(sent).toEqual({ status: 202, body: { ok: true, status: 'still processing' } });
    expect(harness.handler.pending).toBe(1);
    expect(harness.lines()).toEqual([]);
    // Resent meanwhile: not answered as done, since the first may yet fail and be forgotten.
    expect(await send(harness, { headers })).toEqual({
      status: 409,
      body: { ok: false, status: 'still being handled: resend it once that ends' },
    });
    expect(harness.handled).toHaveLength(1);
    release?.();
    await harness.handler.settled(1000);
    expect(harness.lines()).toEqual([
      expect.objectContaining({ outcome: 'ignored', reason: expect.stringContaining('is still being handled') }),
      expect.objectContaining({ outcome: 'failed', reason: 'the snapshot server timed out' }),
    ]);
    expect(harness.redeliveries.calls).toContain('forget feedface-0000-4000-8000-000000000202');
  });

  it('handles the event when the redeliveries cannot tell, saying so in the log line', async () => {
    const broken: Redeliveries = {
      claim: () => Promise.reject(new Error('Redis does not answer')),
      handled: () => Promise.reject(new Error('handled without a claim')),
      forget: () => Promise.reject(new Error('forgotten without a claim')),
    };
    const harness = await start(undefined, { redeliveries: broken });

    const sent = await send(harness);

    expect(sent).toEqual({ status: 200, body: { ok: true } });
    expect(harness.handled).toHaveLength(1);
    expect(harness.lines()).toEqual([
      expect.objectContaining({ outcome: 'handled', reason: 'not checked for a redelivery: Redis does not answer' }),
    ]);
  });

  it('answers 200 when the delivery was handled but could not be marked so, saying so in the log line', async () => {
    const memory = new MemoryRedeliveries();
    const forgetful: Redeliveries = {
      claim: (id, token) => memory.claim(id, token),
      handled: () => Promise.reject(new Error('could not mark delivery x handled in Redis: Redis does not answer')),
      forget: (id, token) => memory.forget(id, token),
    };
    const harness = await start(undefined, { redeliveries: forgetful });
    const headers = { 'x-gitlab-event-uuid': 'bead0000-0000-4000-8000-000000000200' };

    const sent = await send(harness, { headers });

    expect(sent).toEqual({ status: 200, body: { ok: true } });
    expect(harness.lines()).toEqual([
      expect.objectContaining({
        outcome: 'handled',
        level: 30,
        reason:
          'not marked handled, so a resend is answered 409 until the claim expires, then handled again: could not mark delivery x handled in Redis: Redis does not answer',
      }),
    ]);
    // Not forgotten, since it was handled: its claim expires on its own.
    expect(harness.redeliveries.calls).toEqual([
      'claim bead0000-0000-4000-8000-000000000200',
      'handled bead0000-0000-4000-8000-000000000200',
    ]);
    expect(await memory.claim('bead0000-0000-4000-8000-000000000200', 'a resend')).toBe('handling');
  });

  it('at a stop, logs a delivery still running as abandoned and forgets it, so that a resend is handled', async () => {
    const harness = await start(() => new Promise(() => {}), { respondAfterMs: 20 });
    const headers = { 'x-gitlab-event-uuid': 'abad0000-0000-4000-8000-000000000001' };
    await send(harness, { headers });

    await harness.handler.settled(10);

    expect(harness.lines()).toEqual([
      expect.objectContaining({
        outcome: 'abandoned',
        reason: 'still running when the server stopped: resend it from GitLab',
      }),
    ]);
    expect(harness.redeliveries.calls).toEqual([
      'claim abad0000-0000-4000-8000-000000000001',
      'forget abad0000-0000-4000-8000-000000000001',
    ]);
  });

  it('refuses to start with an empty secret, which every request would match', () => {
    expect(() =>
      gitlabWebhookHandler({
        secret: '',
        redeliveries: new MemoryRedeliveries(),
        handle: async () => 'done',
        log: captureLog().logger,
      }),
    ).toThrow('the GitLab webhook secret token is empty: every request would match it');
  });
});

describeWithRedis('gitlabWebhookHandler on replicas sharing one Redis', () => {
  const connection = redisConnections();

  /** Two replicas, each with its own connection; the first handles its delivery until `end` is called. */
  async function replicas(): Promise<{ a: Harness; b: Harness; end: (failure?: Error) => void }> {
    const prefix = `test:${Math.random()}:`;
    let end: ((failure?: Error) => void) | undefined;
    const a = await start(
      () =>
        new Promise((resolve, reject) => {
          end = (failure) => (failure ? reject(failure) : resolve('done'));
        }),
      { redeliveries: new RedisRedeliveries(await connection(), { prefix }), respondAfterMs: 50 },
    );
    const b = await start(undefined, { redeliveries: new RedisRedeliveries(await connection(), { prefix }) });
    return { a, b, end: (failure) => end?.(failure) };
  }
  const headers = { 'idempotency-key': 'f00d0000-0000-4000-8000-000000000409' };
  const stillHandled = { status: 409, body: { ok: false, status: 'still being handled: resend it once that ends' } };

  it('answers 409 to a resend reaching another replica while the first still handles it, and handles it once that failed', async () => {
    const { a, b, end } = await replicas();

    expect(await send(a, { headers })).toEqual({ status: 202, body: { ok: true, status: 'still processing' } });
    expect(await send(b, { headers })).toEqual(stillHandled);
    end(new Error('the snapshot server timed out'));
    await a.handler.settled(1000);
    const resent = await send(b, { headers });

    expect(resent).toEqual({ status: 200, body: { ok: true } });
    expect(a.handled).toHaveLength(1);
    expect(b.handled).toHaveLength(1);
    expect(a.lines()).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    expect(b.lines().map((line) => [line.outcome, line.reason])).toEqual([
      ['ignored', 'redelivery: Idempotency-Key f00d0000-0000-4000-8000-000000000409 is still being handled'],
      ['handled', undefined],
    ]);
  });

  it('answers 409 to a resend reaching another replica while the first still handles it, and ignores it once that succeeded', async () => {
    const { a, b, end } = await replicas();

    await send(a, { headers });
    expect(await send(b, { headers })).toEqual(stillHandled);
    end();
    await a.handler.settled(1000);
    const resent = await send(b, { headers });

    expect(resent).toEqual({ status: 200, body: { ok: true, status: 'redelivery ignored' } });
    expect(b.handled).toHaveLength(0);
    expect(a.lines()).toEqual([expect.objectContaining({ outcome: 'handled' })]);
  });
});
