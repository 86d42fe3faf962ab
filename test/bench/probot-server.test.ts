import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Probot } from 'probot';
import { startFakeGitHub, type FakeGitHub } from '../../bench/fake-github.js';
import type { FakeCommit } from '../../bench/fake-ref-graphql.js';
import { BenchOctokit, startProbotServer, type BenchedApp } from '../../bench/probot-server.js';
import { sendWebhooks, signWebhook } from '../../bench/webhook-load.js';
import { fixture } from '../helpers/probot-app.js';
import { tailsTree } from '../helpers/snapshot.js';

const SECRET = 'bench-test-secret-3f9a';
const PRIVATE_KEY = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const TESTING = tailsTree({ baseBranch: 'testing', main: FROZEN }) as Record<string, string>;
const TOPIC = tailsTree({ baseBranch: 'testing', main: { ...FROZEN, torproject: '2021051401' } }) as Record<
  string,
  string
>;

const push = fixture<{ before: string; after: string }>('push-topic-branch');
const commit = (sha: string, files: Record<string, string>): FakeCommit => ({
  sha,
  parents: [],
  date: new Date('2021-05-13T10:00:00Z'),
  message: 'c',
  files,
});

describe('startProbotServer', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub({
      appId: 1,
      appSlug: 'apt-snapshots-bot',
      installationId: 4242,
      repository: { owner: 'tails', repo: 'tails' },
      commitOf: (rev) =>
        rev === push.after
          ? commit(rev, TOPIC)
          : rev === push.before || rev === 'refs/heads/testing'
            ? commit(rev === push.before ? rev : '7e'.repeat(20), TESTING)
            : undefined,
    });
  });
  afterAll(async () => {
    await github.close();
  });
  beforeEach(() => github.reset());

  async function deliver(app: BenchedApp, secret: string) {
    const server = await startProbotServer({
      app,
      appId: 1,
      privateKey: PRIVATE_KEY,
      secret: SECRET,
      githubUrl: github.url,
    });
    try {
      return await sendWebhooks(server.webhooksUrl, [signWebhook('push', push, secret)], {
        concurrency: 1,
        timeLimitMs: 10_000,
      });
    } finally {
      await server.stop();
    }
  }

  it('serves the real app: a signed push to a topic branch is judged through the API and gets its check', async () => {
    const result = await deliver('real', SECRET);
    expect(result).toMatchObject({ processed: 1, failures: [] });
    expect(github.counts()).toEqual({
      'POST /app/installations/{id}/access_tokens': 1,
      // Who the app is, and the readiness probe's question at start.
      'GET /app': 2,
      'GET /repos/{owner}/{repo}/compare/{basehead}': 1,
      'POST /graphql': 1,
      'POST /repos/{owner}/{repo}/check-runs': 1,
    });
    expect(github.checkRuns()).toEqual([
      { name: 'APT snapshots', headSha: push.after, conclusion: 'success', at: expect.any(Number) },
    ]);
    expect(github.unexpected()).toEqual([]);
  });

  it('serves the minimal app: one GraphQL read and one check run, nothing else', async () => {
    expect(await deliver('minimal', SECRET)).toMatchObject({ processed: 1, failures: [] });
    expect(github.counts()).toEqual({
      'POST /app/installations/{id}/access_tokens': 1,
      'POST /graphql': 1,
      'POST /repos/{owner}/{repo}/check-runs': 1,
    });
    expect(github.checkRuns()).toEqual([
      { name: 'APT snapshots', headSha: push.after, conclusion: 'success', at: expect.any(Number) },
    ]);
    expect(github.unexpected()).toEqual([]);
  });

  it('serves the bare app: the push is accepted and nothing is asked of GitHub', async () => {
    expect(await deliver('bare', SECRET)).toMatchObject({ processed: 1, failures: [] });
    expect(github.counts()).toEqual({});
  });

  it.each<BenchedApp>(['real', 'bare'])(
    '%s: a webhook signed with another secret is refused and costs nothing',
    async (app) => {
      const result = await deliver(app, 'another-secret');
      expect(result.processed).toBe(0);
      expect(result.failures).toEqual([expect.stringMatching(/: 400 /)]);
      // The real app's readiness probe asks who it is at start; the webhook itself costs nothing.
      expect(github.counts()).toEqual(app === 'real' ? { 'GET /app': 1 } : {});
    },
  );
});

describe('BenchOctokit, as Probot builds it', () => {
  let server: Server;
  let hits: string[];
  let baseUrl: string;
  beforeAll(async () => {
    hits = [];
    server = createServer((request, response) => {
      hits.push(`${request.method} ${request.url}`);
      if (request.url?.endsWith('/access_tokens')) {
        response
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token: 'ghs_t', expires_at: '2099-01-01T00:00:00Z' }));
      } else if (request.url === '/repos/tails/tails/issues/429') {
        response
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' })
          .end('{"message":"You have exceeded a secondary rate limit"}');
      } else {
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"boom"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['a 500 (the retry plugin would ask again)', 500],
    ['a 429 with Retry-After (the throttling plugin would ask again)', 429],
  ])('asks once on %s', async (_name, status) => {
    hits.length = 0;
    const probot = new Probot({
      appId: 1,
      privateKey: PRIVATE_KEY,
      Octokit: BenchOctokit,
      baseUrl,
      log: pino({ level: 'silent' }),
    });
    const octokit = await probot.auth(4242);
    await expect(
      octokit.request('GET /repos/{owner}/{repo}/issues/{n}', { owner: 'tails', repo: 'tails', n: status }),
    ).rejects.toMatchObject({ status });
    expect(hits.filter((hit) => !hit.endsWith('/access_tokens'))).toEqual([`GET /repos/tails/tails/issues/${status}`]);
  });
});
