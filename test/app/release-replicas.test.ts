import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeGitHub, type FakeGitHub } from '../../bench/fake-github.js';
import type { FakeCommit } from '../../bench/fake-ref-graphql.js';
import { forkProbotServer, type RunningServer } from '../../bench/probot-server.js';
import { sendWebhooks, signWebhook } from '../../bench/webhook-load.js';
import { startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { fixture } from '../helpers/probot-app.js';
import { redisServerPath, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { tailsTree } from '../helpers/snapshot.js';

/**
 * Two copies of the app, each a process of its own as a deployment runs
 * them, receive the same tag at once: the claims on GitHub let one start
 * each job, whether or not the copies share their locks through Redis. They run the compiled app, which `npm test` builds first.
 */
const SERVE_APP = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bench', 'serve-app.js');
const SECRET = 'replica-test-secret-2b8f';
const PRIVATE_KEY = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const S = '2021051301';
const TAGGED = 'aa'.repeat(20);
const PARENT = 'ab'.repeat(20);
const TREE = tailsTree({
  baseBranch: 'testing',
  main: { debian: S, 'debian-security': 'latest', torproject: S },
  builder: { debian: S, 'debian-security': S, tails: S },
  changelog:
    'tails (4.19~rc1) unstable; urgency=medium\n\n  * Release.\n\n -- Tails developers <tails@boum.org>  Thu, 13 May 2021 12:18:48 +0200\n',
}) as Record<string, string>;
const commit = (sha: string, parents: string[]): FakeCommit => ({
  sha,
  parents,
  date: new Date('2021-05-13T10:18:48Z'),
  message: 'Mark Tails 4.19~rc1 as released.',
  files: TREE,
});

const sharing = [['on their own', false]] as [string, boolean][];
if (redisServerPath) sharing.push(['sharing Redis', true]);
else console.warn('skipping the replicas sharing Redis: redis-server is not on PATH (.ci/run installs it)');

describe.each(sharing)('two app processes %s receiving the same tag at once', (_name, withRedis) => {
  let github: FakeGitHub;
  let ci: LocalHttpServer;
  let dir: string;
  let redis: RedisServer | undefined;
  let replicas: RunningServer[] = [];

  beforeAll(async () => {
    if (withRedis) redis = await startRedisServer();
    if (!existsSync(SERVE_APP)) throw new Error(`${SERVE_APP} is missing: npm test builds it (npm run build)`);
    dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-replicas-'));
    github = await startFakeGitHub({
      appId: 1,
      appSlug: 'apt-snapshots-bot',
      installationId: 4242,
      repository: { owner: 'tails', repo: 'tails' },
      commitOf: (rev) => (rev === TAGGED ? commit(TAGGED, [PARENT]) : rev === PARENT ? commit(PARENT, []) : undefined),
      tags: new Map([
        ['4.19-rc1', TAGGED],
        ['4.18', TAGGED],
      ]),
      issues: [12],
      collaborators: { intrigeri: 'write' },
    });
    // The CI answers slowly, so that both processes are at work on the tag at once.
    ci = await startHttpServer({
      'POST /ci/tag': { status: 200, body: '{}', delayMs: 200 },
      'POST /ci/iuks': { status: 200, body: '{}', delayMs: 200 },
      '/manifests/4.19-rc1.build-manifest': {
        body: `origin_references:\n  - { origin: debian, reference: '${S}' }\n  - { origin: debian-security, reference: '2021051302' }\n  - { origin: torproject, reference: '${S}' }\npackages: { binary: [], source: [] }\n`,
      },
    });
    const config = join(dir, 'deployment.yml');
    await writeFile(
      config,
      `jobs:
  tag-apt-snapshots:
    trigger: { type: webhook, url: '${ci.url}/ci/tag', secret_env: CI_SECRET, timeout_ms: 5000 }
    manifest_url: '${ci.url}/manifests/{tag}.build-manifest'
  build_IUKs:
    trigger: { type: webhook, url: '${ci.url}/ci/iuks', secret_env: CI_SECRET, timeout_ms: 5000 }
`,
    );
    const options = {
      app: 'real' as const,
      appId: 1,
      privateKey: PRIVATE_KEY,
      secret: SECRET,
      githubUrl: github.url,
      env: { APT_SNAPSHOTS_BOT_CONFIG: config, CI_SECRET: 'ci-key-9e3d', ...(redis ? { REDIS_URL: redis.url } : {}) },
    };
    replicas = await Promise.all([forkProbotServer(options, SERVE_APP), forkProbotServer(options, SERVE_APP)]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await ci.close();
    await github.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const deliverToBoth = async (event: string, payload: unknown) => {
    const webhook = signWebhook(event, payload, SECRET);
    const results = await Promise.all(
      replicas.map((r) => sendWebhooks(r.webhooksUrl, [webhook], { concurrency: 1, timeLimitMs: 20_000 })),
    );
    for (const result of results) expect(result.failures).toEqual([]);
  };

  it('starts tag-apt-snapshots once, and build_IUKs once when both are told to start it', async () => {
    await deliverToBoth('push', { ...fixture<Record<string, unknown>>('push-tag'), after: TAGGED, created: true });
    expect(ci.requestsTo('/ci/tag')).toHaveLength(1);
    expect(ci.requestsTo('/ci/iuks')).toHaveLength(0);

    await deliverToBoth('issue_comment', {
      ...fixture<Record<string, unknown>>('issue-comment-check'),
      comment: { id: 91, body: '/apt-snapshots build-iuks 4.19-rc1' },
    });
    expect(ci.requestsTo('/ci/iuks')).toHaveLength(1);
    expect(github.unexpected()).toEqual([]);
  });
});
