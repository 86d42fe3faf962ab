import { createHmac } from 'node:crypto';
import nock from 'nock';
import { serve, type RunningService, type ServeOptions } from '../../src/server.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { describeWithRedis, startRedisServer } from '../helpers/redis-server.js';
import { freePort } from '../helpers/free-port.js';
import { startGitLabStandIn } from '../helpers/gitlab-stand-in.js';
import { GITHUB_API, guardNock } from '../helpers/nock-guard.js';
import {
  APP_ID,
  BOT_LOGIN,
  captureLog,
  fixture,
  testOctokitClass,
  testPrivateKey,
  TOKEN_PATH,
} from '../helpers/probot-app.js';

guardNock({ allowLoopback: true });

const SECRET = 'serve-test-webhook-secret-71d2a9';

const TRACE = 'Date: Thu, 13 May 2021 06:00:01 +0000\nArchive serial: 2021051301\n';

function sign(body: string): string {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

async function deliver(port: number, event: string, payload: unknown, delivery: string): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': sign(body),
    },
    body,
  });
}

async function readiness(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  // The first round runs in the background from the start; wait for it to have answered.
  for (let i = 0; i < 200; i += 1) {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await response.json()) as Record<string, unknown>;
    if (body.checkedAt !== null) return { status: response.status, body };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('/readyz never finished a round');
}

describe('npm start with credentials: probes, metrics and the log', () => {
  let snapshots: LocalHttpServer;
  let service: RunningService | undefined;
  let log: ReturnType<typeof captureLog>;

  beforeEach(async () => {
    snapshots = await startHttpServer({ '/debian/project/trace/debian': { body: TRACE } });
    log = captureLog();
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await snapshots.close();
  });

  async function start(env: Record<string, string> = {}, options: ServeOptions = {}): Promise<RunningService> {
    service = await serve({
      ...options,
      env: {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        APP_ID: String(APP_ID),
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: SECRET,
        APT_SNAPSHOTS_SERVER: `${snapshots.url}/`,
        ...env,
      },
      log: log.logger,
    });
    return service;
  }

  it('is ready when GitHub takes its credentials and the snapshot server answers', async () => {
    nock(GITHUB_API).get('/app').reply(200, { id: APP_ID, slug: 'apt-snapshots-bot' });
    const { port } = await start();
    const { status, body } = await readiness(port);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready', checks: { github: { ok: true }, 'snapshot server': { ok: true } } });
    expect(snapshots.requestsTo('/debian/project/trace/debian')).toHaveLength(1);
    // Answered from that round: neither GitHub nor the snapshot server is asked again within the minute.
    const again = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(again.status).toBe(200);
    expect(snapshots.requestsTo('/debian/project/trace/debian')).toHaveLength(1);
    expect(log.text()).toContain('REDIS_URL is not set: running as a single replica');
  });

  it('is not ready, and says which and why, when GitHub refuses the credentials or the snapshot server fails', async () => {
    nock(GITHUB_API).get('/app').reply(401, { message: 'A JSON web token could not be decoded' });
    snapshots.route('/debian/project/trace/debian', { status: 503 });
    const { port } = await start();
    const { status, body } = await readiness(port);
    expect(status).toBe(503);
    const checks = body.checks as Record<string, { ok: boolean; error?: string }>;
    expect(checks.github).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^GET \/app: GitHub answered 401: A JSON web token could not be decoded/) as string,
    });
    expect(checks['snapshot server']).toMatchObject({ ok: false, error: expect.stringContaining('503') as string });
    expect(log.text()).not.toContain(SECRET);
  });

  it('says why GitHub cannot be reached, at once, rather than that it did not answer in time', async () => {
    const closed = new URL(await closedPortUrl());
    const { port } = await start({ GHE_HOST: closed.host, GHE_PROTOCOL: 'http' });
    const started = performance.now();
    const { status, body } = await readiness(port);
    expect(status).toBe(503);
    expect((body.checks as Record<string, { error?: string }>).github?.error).toMatch(/ECONNREFUSED|connect/);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(log.text()).toContain('not ready: github: ');
  });

  it('answers /healthz, /readyz and /metrics at once while GitHub takes seconds to answer', async () => {
    nock(GITHUB_API).get('/app').delay(2000).reply(200, { id: APP_ID, slug: 'apt-snapshots-bot' });
    const { port } = await start();
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      await response.text();
      // The bench measures the real figure (under 100 ms); here, only that no probe waits on GitHub.
      expect(performance.now() - started).toBeLessThan(1000);
      expect(response.status).toBe(path === '/readyz' ? 503 : 200);
    }
    await service?.stop();
    service = undefined;
  });

  it('counts and logs each delivery once, and never logs a secret or the private key', async () => {
    nock(GITHUB_API).get('/app').reply(200, { id: APP_ID, slug: 'apt-snapshots-bot' });
    const { port } = await start();
    await readiness(port);
    const fromBot = { ...fixture<object>('push-devel-left-frozen'), sender: { login: 'other[bot]', type: 'Bot' } };
    expect((await deliver(port, 'push', fromBot, 'delivery-bot')).status).toBe(200);
    expect((await deliver(port, 'ping', { zen: 'Design for failure.', hook_id: 1 }, 'delivery-ping')).status).toBe(200);

    const lines = log
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.delivery === 'delivery-bot')).toEqual([
      expect.objectContaining({
        event: 'push',
        repository: 'tails/tails',
        outcome: 'ignored',
        reason: 'sent by a bot',
        durationMs: expect.any(Number) as number,
      }),
    ]);
    expect(lines.filter((l) => l.delivery === 'delivery-ping')).toEqual([
      expect.objectContaining({ event: 'ping', outcome: 'handled' }),
    ]);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('apt_snapshots_bot_webhooks_total{event="push",outcome="ignored"} 1');
    expect(metrics).toContain('apt_snapshots_bot_webhooks_total{event="ping",outcome="handled"} 1');
    expect(metrics).toContain('apt_snapshots_bot_github_requests_total{method="GET",route="/app",status="200"} 1');
    expect(metrics).toContain('apt_snapshots_bot_snapshot_server_requests_total{outcome="ok"} 1');
    expect(metrics).toContain('apt_snapshots_bot_process_resident_memory_bytes');

    expect(log.text()).not.toContain(SECRET);
    for (const line of testPrivateKey()
      .split('\n')
      .filter((l) => l.length > 20))
      expect(log.text()).not.toContain(line);
  });

  it('fails a delivery whose work failed with a 500 and one log line, never the payload', async () => {
    nock(GITHUB_API).get('/app').reply(200, { id: APP_ID, slug: 'apt-snapshots-bot' });
    nock(GITHUB_API).post(TOKEN_PATH).reply(201, { token: 'ghs_servetest', expires_at: '2999-01-01T00:00:00Z' });
    // GitHub down for reads and writes: the push cannot be judged, nor its failure reported on a check.
    nock(GITHUB_API).post('/graphql').reply(502, 'Bad Gateway').persist();
    nock(GITHUB_API)
      .get(/^\/repos\/tails\/tails\/commits\/[0-9a-f]{40}\/check-runs/)
      .reply(502, 'Bad Gateway')
      .persist();
    service = await start(
      { APT_SNAPSHOTS_SERVER: 'offline' },
      { Octokit: testOctokitClass(), app: { identity: { appId: APP_ID, botLogin: BOT_LOGIN } } },
    );
    await readiness(service.port);
    const response = await deliver(service.port, 'push', fixture('push-topic-branch'), 'delivery-down');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: expect.stringContaining('could not judge') as string });
    const lines = log.text().trim().split('\n');
    expect(lines.filter((l) => l.includes('delivery-down'))).toHaveLength(1);
    expect(JSON.parse(lines.find((l) => l.includes('delivery-down')) ?? '{}')).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('could not judge') as string,
      level: 50,
    });
    expect(log.text()).not.toContain('example.org');
    await service.stop();
    service = undefined;
    nock.cleanAll();
  });

  it('serves GitHub and GitLab side by side, each on its path and each ready only when its forge takes the credentials', async () => {
    nock(GITHUB_API).get('/app').reply(200, { id: APP_ID, slug: 'apt-snapshots-bot' });
    const gitlab = await startGitLabStandIn('glpat-serve-test');
    gitlab.on('GET', '/user', () => ({ body: { id: 11, username: 'apt-snapshots-bot', email: 'bot@example.org' } }));
    try {
      const { port } = await start({
        GITLAB_URL: gitlab.url,
        GITLAB_TOKEN: 'glpat-serve-test',
        GITLAB_WEBHOOK_SECRET: 'gitlab-serve-secret-0123',
      });
      const { status, body } = await readiness(port);
      expect(status).toBe(200);
      expect(body).toMatchObject({ checks: { github: { ok: true }, gitlab: { ok: true } } });
      expect(log.text()).toContain('GitHub webhooks on /api/github/webhooks, GitLab webhooks on /api/gitlab/webhooks');

      const unsigned = await fetch(`http://127.0.0.1:${port}/api/gitlab/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook' },
        body: '{}',
      });
      expect(unsigned.status).toBe(401);
      await unsigned.text();
      const github = await deliver(port, 'ping', { zen: 'hi', hook_id: 1 }, 'both-ping');
      expect(github.status).toBe(200);
      await github.text();
      expect(gitlab.unexpected).toEqual([]);
      expect(gitlab.unauthorized).toEqual([]);
      expect(log.text()).not.toContain('glpat-serve-test');
    } finally {
      await service?.stop();
      service = undefined;
      await gitlab.close();
    }
  });

  it('is not ready when GitLab refuses the token, and says so without the token', async () => {
    nock(GITHUB_API).get('/app').reply(200, { id: APP_ID, slug: 'apt-snapshots-bot' });
    const gitlab = await startGitLabStandIn('glpat-the-right-one');
    try {
      const { port } = await start({
        GITLAB_URL: gitlab.url,
        GITLAB_TOKEN: 'glpat-a-revoked-one',
        GITLAB_WEBHOOK_SECRET: 'gitlab-serve-secret-0123',
      });
      const { status, body } = await readiness(port);
      expect(status).toBe(503);
      expect(JSON.stringify(body.checks)).toMatch(/"gitlab":\{"ok":false,"error":"GitLab [^"]*answered 401/);
      expect(`${JSON.stringify(body)}${log.text()}`).not.toContain('glpat-a-revoked-one');
    } finally {
      await service?.stop();
      service = undefined;
      await gitlab.close();
    }
  });

  it('stops at start, naming the setting, when one is wrong', async () => {
    await expect(start({ APP_ID: 'twelve' })).rejects.toThrow('APP_ID=twelve is not a GitHub App id');
    await expect(start({ PORT: '99999' })).rejects.toThrow('PORT=99999 is not a TCP port');
    await expect(start({ GITLAB_URL: 'https://gitlab.example', GITLAB_TOKEN: 'glpat-x' })).rejects.toThrow(
      'GITLAB_WEBHOOK_SECRET is not set',
    );
    await expect(start({ REDIS_URL: 'http://:hunter2@redis.example.org' })).rejects.toThrow(
      'the Redis URL must start with redis:// or rediss://, not http://redis.example.org/',
    );
    const taken = await startHttpServer();
    try {
      await expect(start({ PORT: String(taken.port) })).rejects.toThrow(
        `cannot listen on 127.0.0.1:${taken.port} (HOST, PORT): listen EADDRINUSE`,
      );
    } finally {
      await taken.close();
    }
    service = undefined;
  });
});

describeWithRedis('npm start with REDIS_URL', () => {
  /** The server with REDIS_URL, asking for a new readiness round at every request, GitHub taking its credentials. */
  async function serveWithRedis(redisUrl: string, log: ReturnType<typeof captureLog>): Promise<RunningService> {
    // Asked at every round: these tests ask for a new one at each request.
    nock(GITHUB_API).get('/app').reply(200, { id: APP_ID, slug: 'apt-snapshots-bot' }).persist();
    return serve({
      env: {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        APP_ID: String(APP_ID),
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: SECRET,
        APT_SNAPSHOTS_SERVER: 'offline',
        REDIS_URL: redisUrl,
      },
      log: log.logger,
      readiness: { maxAgeMs: 0, timeoutMs: 1000 },
    });
  }

  it('shares its state through Redis, says so without the password, and is not ready while Redis is down', async () => {
    const password = 'redis-pass-6b1e9f';
    const redis = await startRedisServer({ password });
    const log = captureLog();
    const service = await serveWithRedis(redis.url, log);
    try {
      const up = await readiness(service.port);
      expect(up.body.checks).toEqual({ github: { ok: true }, redis: { ok: true } });
      expect(log.text()).toContain(
        `Replicas share locks, scheduled rounds and the pace of GitHub writes through Redis at redis://127.0.0.1:${redis.port}`,
      );
      await redis.stop();
      let down = up;
      for (let i = 0; i < 300 && down.status === 200; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        down = await readiness(service.port);
      }
      expect(down.status).toBe(503);
      expect((down.body.checks as Record<string, { ok: boolean; error?: string }>).redis).toEqual({
        ok: false,
        error: expect.stringMatching(/^Redis does not answer: the connection is (down|closed)/) as string,
      });
    } finally {
      await service.stop();
      await redis.stop();
      nock.cleanAll();
    }
    expect(log.text()).not.toContain(password);
  });

  it('says why Redis refuses it, a wrong password, without the password', async () => {
    const redis = await startRedisServer({ password: 'the-right-one' });
    const log = captureLog();
    const service = await serveWithRedis(`redis://:wrong-pass-41c2@127.0.0.1:${redis.port}`, log);
    try {
      let error = '';
      for (let i = 0; i < 300 && !/WRONGPASS/.test(error); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const { body } = await readiness(service.port);
        error = (body.checks as Record<string, { error?: string }>).redis?.error ?? '';
      }
      expect(error).toMatch(/WRONGPASS/);
    } finally {
      await service.stop();
      await redis.stop();
      nock.cleanAll();
    }
    expect(log.text()).not.toContain('wrong-pass-41c2');
  });
});
