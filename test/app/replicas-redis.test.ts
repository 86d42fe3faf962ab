import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeGitHub, type FakeGitHub } from '../../bench/fake-github.js';
import type { FakeCommit } from '../../bench/fake-ref-graphql.js';
import { forkProbotServer, type RunningServer } from '../../bench/probot-server.js';
import { sendWebhooks, signWebhook } from '../../bench/webhook-load.js';
import { fixture, testPrivateKey } from '../helpers/probot-app.js';
import { describeWithRedis, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { tailsTree } from '../helpers/snapshot.js';

/**
 * Two copies of the app, each a process of its own, sharing one real
 * redis-server, as replicas behind a load balancer run: the same webhooks
 * delivered to both at once must leave GitHub as one copy would. They run
 * the compiled app, which `npm test` builds first.
 */
const SERVE_APP = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bench', 'serve-app.js');
const SECRET = 'redis-replicas-secret-5e0c';
const PRIVATE_KEY = testPrivateKey();

const S = '2021051301';
const FROZEN = { debian: S, 'debian-security': 'latest', torproject: S };
const THAWED = { debian: 'latest', 'debian-security': 'latest', torproject: 'latest' };
const TESTING = tailsTree({ baseBranch: 'testing', main: FROZEN }) as Record<string, string>;
const TOPIC = tailsTree({ baseBranch: 'testing', main: { ...FROZEN, torproject: '2021051401' } }) as Record<
  string,
  string
>;
const DEVEL_FROZEN = tailsTree({ baseBranch: 'devel', main: FROZEN }) as Record<string, string>;
const DEVEL_THAWED = tailsTree({ baseBranch: 'devel', main: THAWED }) as Record<string, string>;

const topicPush = fixture<{ before: string; after: string }>('push-topic-branch');
const develPush = fixture<{ before: string; after: string }>('push-devel-left-frozen');

const commit = (sha: string, files: Record<string, string>, parents: string[] = []): FakeCommit => ({
  sha,
  parents,
  date: new Date('2021-05-13T10:00:00Z'),
  message: 'c',
  files,
});

/** Topic commits pushed one after the other: each a fresh race between the replicas for its first check run. */
const TOPIC_SHAS = [0, 1, 2, 3, 4, 5].map((i) => `c${i}`.repeat(20));

const COMMITS: Record<string, FakeCommit> = {
  ...Object.fromEntries(TOPIC_SHAS.map((sha) => [sha, commit(sha, TOPIC)])),
  [topicPush.before]: commit(topicPush.before, TESTING),
  'refs/heads/testing': commit('7e'.repeat(20), TESTING),
  [develPush.before]: commit(develPush.before, DEVEL_THAWED),
  [develPush.after]: commit(develPush.after, DEVEL_FROZEN, [develPush.before]),
  'refs/heads/devel': commit(develPush.after, DEVEL_FROZEN, [develPush.before]),
};

async function replicas(github: FakeGitHub, env: Record<string, string>): Promise<RunningServer[]> {
  const options = {
    app: 'real' as const,
    appId: 1,
    privateKey: PRIVATE_KEY,
    secret: SECRET,
    githubUrl: github.url,
    env,
  };
  return Promise.all([forkProbotServer(options, SERVE_APP), forkProbotServer(options, SERVE_APP)]);
}

async function deliverToBoth(servers: RunningServer[], event: string, payload: unknown): Promise<void> {
  const webhook = signWebhook(event, payload, SECRET);
  const results = await Promise.all(
    servers.map((s) => sendWebhooks(s.webhooksUrl, [webhook], { concurrency: 1, timeLimitMs: 30_000 })),
  );
  for (const result of results) expect(result.failures).toEqual([]);
}

describeWithRedis('two app processes sharing Redis, given the same webhooks at once', () => {
  let github: FakeGitHub;
  let redis: RedisServer;
  let servers: RunningServer[] = [];

  beforeAll(async () => {
    if (!existsSync(SERVE_APP)) throw new Error(`${SERVE_APP} is missing: npm test builds it (npm run build)`);
    redis = await startRedisServer();
    github = await startFakeGitHub({
      appId: 1,
      appSlug: 'apt-snapshots-bot',
      installationId: 4242,
      repository: { owner: 'tails', repo: 'tails' },
      commitOf: (rev) => COMMITS[rev],
    });
    servers = await replicas(github, { REDIS_URL: redis.url, APT_SNAPSHOTS_SERVER: 'offline' });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await github.close();
    await redis.stop();
  });
  beforeEach(() => github.reset());

  it('create one check run per commit and name, however often each push is delivered', async () => {
    for (const sha of TOPIC_SHAS) {
      const push = {
        ...topicPush,
        after: sha,
        head_commit: { ...(topicPush as { head_commit?: object }).head_commit, id: sha },
      };
      await deliverToBoth(servers, 'push', push);
      await deliverToBoth(servers, 'push', push);
    }
    expect(github.checkRuns().map((run) => [run.headSha, run.name, run.conclusion])).toEqual(
      TOPIC_SHAS.map((sha) => [sha, 'APT snapshots', 'success']),
    );
    expect(github.unexpected()).toEqual([]);
  });

  it('open one thaw pull request, with one check run, for devel left frozen', async () => {
    await deliverToBoth(servers, 'push', develPush);
    expect(github.checkRuns()).toEqual([
      { name: 'APT snapshots', headSha: develPush.after, conclusion: 'failure', at: expect.any(Number) },
    ]);
    expect(github.counts()['POST /repos/{owner}/{repo}/pulls']).toBe(1);
    expect(github.unexpected()).toEqual([]);
  });
});
