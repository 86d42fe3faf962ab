import { createHmac } from 'node:crypto';
import nock from 'nock';
import { serve, type RunningService } from '../../src/server.js';
import { mockCreateBranch, mockFindPullRequest, mockOpenPullRequest, REPO } from '../helpers/github-rest.js';
import { SkippingClock } from '../helpers/manual-clock.js';
import { freePort } from '../helpers/free-port.js';
import { GITHUB_API, guardNock } from '../helpers/nock-guard.js';
import { APP_ID, BOT_LOGIN, captureLog, fixture, NOW, testPrivateKey } from '../helpers/probot-app.js';
import { githubApi, rev, SHA, TREES } from './scenario.js';

// The server under test listens on 127.0.0.1; anything else unmocked fails the test.
guardNock({ allowLoopback: true });

const SECRET = 'e2e-webhook-secret-5b1f0c7a9d';

function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function post(
  url: string,
  event: string,
  payload: unknown,
  signature: (body: string) => string | undefined,
): Promise<Response> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': `e2e-${Math.random().toString(16).slice(2)}`,
  };
  const signed = signature(body);
  if (signed !== undefined) headers['x-hub-signature-256'] = signed;
  return fetch(url, { method: 'POST', headers, body });
}

describe('the real server, over HTTP', () => {
  const log = captureLog();
  let server: RunningService;
  let webhooks: string;

  beforeAll(async () => {
    const port = await freePort();
    // The readiness probe asks GitHub who the app is once at start.
    nock(GITHUB_API).get('/app').reply(200, { id: APP_ID, slug: 'apt-snapshots-bot' });
    server = await serve({
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        APP_ID: String(APP_ID),
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: SECRET,
      },
      log: log.logger,
      app: { identity: { appId: APP_ID, botLogin: BOT_LOGIN }, snapshotServer: null, now: () => NOW },
    });
    webhooks = `http://127.0.0.1:${port}/api/github/webhooks`;
    while (
      ((await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checkedAt: unknown }).checkedAt === null
    )
      await new Promise((resolve) => setTimeout(resolve, 10));
  });

  afterAll(async () => {
    await server.stop();
  });

  it.each([
    ['a signature made with another secret', (body: string) => sign(body, 'not-the-secret')],
    ['a tampered signature', (body: string) => sign(body, SECRET).replace(/.$/, (c) => (c === '0' ? '1' : '0'))],
    ['no signature', () => undefined],
  ])('rejects a webhook with %s, and calls nothing', async (_name, signature) => {
    const response = await post(webhooks, 'push', fixture('push-devel-left-frozen'), signature);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    await response.text();
  });

  it('handles a correctly signed webhook: the check and the thaw pull request', async () => {
    const frozen = rev(TREES.develFrozen, SHA.develAfter);
    const api = githubApi({
      [SHA.develAfter]: frozen,
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
      'refs/heads/devel': frozen,
    });
    api.read();
    const check = api.check(SHA.develAfter, 'APT snapshots');
    api.read();
    mockCreateBranch(api.scope, 'apt-snapshots-bot/thaw-devel', SHA.develAfter);
    const prs = mockOpenPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel', 60);

    const response = await post(webhooks, 'push', fixture('push-devel-left-frozen'), (body) => sign(body, SECRET));

    expect(response.status).toBe(200);
    await response.text();
    expect(check[0]).toMatchObject({ name: 'APT snapshots', head_sha: SHA.develAfter, conclusion: 'failure' });
    expect(prs[0]).toMatchObject({ head: 'apt-snapshots-bot/thaw-devel', base: 'devel', title: 'Thaw APT snapshots.' });
  });

  it('never logs the webhook secret or the private key', () => {
    const logged = log.text();
    expect(logged).toContain('"outcome":"handled"');
    expect(logged).not.toContain(SECRET);
    for (const line of testPrivateKey()
      .split('\n')
      .filter((l) => l.length > 20))
      expect(logged).not.toContain(line);
  });
});

describe('npm start without credentials', () => {
  it('serves the setup page, which registers the app from app.yml', async () => {
    const port = await freePort();
    const previous = process.env.NO_SMEE_SETUP;
    process.env.NO_SMEE_SETUP = 'true';
    const written: unknown[] = [];
    const updateEnv = (env: NodeJS.ProcessEnv) => {
      written.push(env);
      return env;
    };
    const server = await serve({
      env: { PORT: String(port), HOST: '127.0.0.1' },
      log: captureLog().logger,
      updateEnv,
    });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/probot`);
      const html = await response.text();
      expect(response.status).toBe(200);
      // The "Register GitHub App" button posts the manifest to GitHub.
      const manifest = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(html)?.[1] ?? '{}') as Record<
        string,
        unknown
      >;
      expect(manifest).toMatchObject({
        name: 'apt-snapshots-bot',
        default_events: ['push', 'pull_request', 'check_run', 'issue_comment', 'issues', 'create'],
        default_permissions: {
          contents: 'write',
          pull_requests: 'write',
          checks: 'write',
          issues: 'write',
          metadata: 'read',
        },
      });
      expect(written).toEqual([]);
    } finally {
      await server.stop();
      if (previous === undefined) delete process.env.NO_SMEE_SETUP;
      else process.env.NO_SMEE_SETUP = previous;
    }
  });
});

describe('npm start with credentials', () => {
  it("serves signed webhooks with the app's Octokit, which retries a secondary rate limit as GitHub asks", async () => {
    const port = await freePort();
    const clock = new SkippingClock();
    const frozen = rev(TREES.develFrozen, SHA.develAfter);
    const api = githubApi({
      [SHA.develAfter]: frozen,
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
      'refs/heads/devel': frozen,
    });
    // Asked twice: by the readiness probe at start, and by the app to learn who it is.
    api.scope.get('/app').times(2).reply(200, { id: APP_ID, slug: 'apt-snapshots-bot', name: 'apt-snapshots-bot' });
    api.read();
    api.check(SHA.develAfter, 'APT snapshots');
    api.read();
    mockCreateBranch(api.scope, 'apt-snapshots-bot/thaw-devel', SHA.develAfter);
    mockFindPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel');
    api.scope
      .post(`${REPO}/pulls`)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '2' });
    api.scope.post(`${REPO}/pulls`).reply(201, {
      number: 60,
      html_url: 'https://github.com/tails/tails/pull/60',
      state: 'open',
      head: { ref: 'apt-snapshots-bot/thaw-devel' },
      base: { ref: 'devel' },
    });

    const server = await serve({
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        APP_ID: String(APP_ID),
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: SECRET,
        APT_SNAPSHOTS_SERVER: 'offline',
      },
      log: captureLog().logger,
      rateLimits: { clock },
    });
    try {
      const response = await post(
        `http://127.0.0.1:${port}/api/github/webhooks`,
        'push',
        fixture('push-devel-left-frozen'),
        (body) => sign(body, SECRET),
      );

      expect(response.status).toBe(200);
      await response.text();
      expect(api.log.filter((l) => l === `POST ${REPO}/pulls`)).toHaveLength(2);
      expect(clock.slept).toEqual([2000]);
    } finally {
      await server.stop();
    }
  });
});
