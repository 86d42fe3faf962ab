import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import type { FakeCommit } from './fake-ref-graphql.js';
import { forkProbotServer, type BenchedApp, type ProbotServerOptions, type RunningServer } from './probot-server.js';
import { sendWebhooks, signWebhook, type LoadResult, type SignedWebhook } from './webhook-load.js';

const APP_ID = 1;
const APP_SLUG = 'apt-snapshots-bot';
const INSTALLATION_ID = 4242;
const REPOSITORY = { owner: 'tails', repo: 'tails' };

/** The push the request-budget test counts, so both figures are about the same event. */
const FIXTURE = resolve(process.cwd(), 'test', 'fixtures', 'webhooks', 'push-topic-branch.json');

/** Tails' layout, as test/helpers/snapshot.ts tailsTree writes it. */
function tailsFiles(baseBranch: string, main: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = {
    'config/base_branch': `${baseBranch}\n`,
    'debian/changelog':
      'tails (4.19~rc1) UNRELEASED; urgency=medium\n\n  * Dummy entry.\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n',
    'config/APT_overlays.d/.placeholder': '',
    'config/chroot_apt/preferences': 'Package: firefox\nPin: release o=Debian\nPin-Priority: 999\n',
    'config/APT_snapshots.d/.placeholder': '',
    'vagrant/definitions/tails-builder/config/APT_snapshots.d/.placeholder': '',
  };
  for (const [origin, serial] of Object.entries(main)) files[`config/APT_snapshots.d/${origin}/serial`] = `${serial}\n`;
  for (const origin of ['debian', 'debian-security', 'tails'])
    files[`vagrant/definitions/tails-builder/config/APT_snapshots.d/${origin}/serial`] = '2021042702\n';
  return files;
}

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const TESTING = tailsFiles('testing', FROZEN);
const TOPIC = tailsFiles('testing', { ...FROZEN, torproject: '2021051401' });

interface PushFixture {
  before: string;
  after: string;
  [key: string]: unknown;
}

/**
 * The repository behind the pushes: testing (frozen), the commit before
 * each push on it, and every other sha a topic branch that bumps one
 * serial. Each webhook pushes its own commit, as real pushes do, so no
 * two of them wait for each other on the app's per-commit lock.
 */
function commitOf(before: string): (rev: string) => FakeCommit | undefined {
  const commit = (sha: string, files: Record<string, string>): FakeCommit => ({
    sha,
    parents: [before],
    date: new Date('2021-05-13T10:00:00Z'),
    message: 'A commit',
    files,
  });
  return (rev) => {
    if (rev === 'refs/heads/testing') return commit('7e'.repeat(20), TESTING);
    if (rev === before) return commit(before, TESTING);
    return /^[0-9a-f]{40}$/.test(rev) ? commit(rev, TOPIC) : undefined;
  };
}

interface Credentials {
  privateKey: string;
  secret: string;
}

export interface ThroughputOptions {
  webhooks: number;
  concurrency: number;
  /** Webhooks sent first, untimed, to each server (JIT, token exchange, GET /app). */
  warmup: number;
  /** Per server. */
  timeLimitMs: number;
}

export interface ServerThroughput {
  processed: number;
  seconds: number;
  perSecond: number;
}

export interface AppThroughput {
  bare: ServerThroughput;
  real: ServerThroughput;
  /** real / bare webhooks per second. */
  ratio: number;
  /** Requests the fake GitHub answered during the timed run of the real app, per webhook, by route. */
  requestsPerWebhook: Record<string, number>;
  /** Requests answered during the warm-up that the timed run did not make again (cached by Probot or the app). */
  once: Record<string, number>;
  /** Check runs the real app created during the timed run, by conclusion. */
  conclusions: Record<string, number>;
}

function readFixture(): PushFixture {
  try {
    return JSON.parse(readFileSync(FIXTURE, 'utf8')) as PushFixture;
  } catch (error) {
    throw new Error(
      `the benchmark reads the webhook ${FIXTURE}, from the project root (npm run bench): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function pushes(fixture: PushFixture, count: number, credentials: Credentials, tag: string): SignedWebhook[] {
  return Array.from({ length: count }, (_, i) => {
    const after = `${tag}${i.toString(16).padStart(40 - tag.length, '0')}`;
    return signWebhook('push', { ...fixture, after }, credentials.secret);
  });
}

interface Measured {
  throughput: ServerThroughput;
  /** Requests the fake GitHub answered during the warm-up. */
  warmupRequests: Record<string, number>;
}

export type StartServer = (options: ProbotServerOptions) => Promise<RunningServer>;

interface Bench {
  credentials: Credentials;
  github: FakeGitHub;
  options: ThroughputOptions;
  fixture: PushFixture;
  start: StartServer;
}

async function measureServer(
  { credentials, github, options, fixture, start }: Bench,
  app: BenchedApp,
  tag: string,
): Promise<Measured> {
  github.reset();
  const warmupWebhooks = pushes(fixture, options.warmup, credentials, `${tag}0`);
  const timedWebhooks = pushes(fixture, options.webhooks, credentials, `${tag}1`);
  const server = await start({ app, appId: APP_ID, ...credentials, githubUrl: github.url });
  const check = (result: LoadResult) => {
    const failures =
      result.failures.length === 0 && result.processed === 0
        ? [`no webhook was processed within ${options.timeLimitMs} ms`]
        : result.failures;
    const refused = github.unexpected();
    if (failures.length > 0)
      throw new Error(
        `webhooks failed:\n${failures.join('\n')}\nthe fake GitHub refused: ${refused.join('; ') || 'nothing'}`,
      );
    if (refused.length > 0) throw new Error(`the fake GitHub refused: ${refused.join('; ')}`);
  };
  try {
    check(await sendWebhooks(server.webhooksUrl, warmupWebhooks, options));
    const warmupRequests = github.counts();
    github.reset();
    const run = await sendWebhooks(server.webhooksUrl, timedWebhooks, options);
    check(run);
    return {
      throughput: { processed: run.processed, seconds: run.seconds, perSecond: run.processed / run.seconds },
      warmupRequests,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Webhooks per second through Probot's real HTTP server, signed as GitHub
 * signs them: the bare Probot app (a handler that does nothing for the
 * events the app handles: the ceiling) and the app itself, with the GitHub
 * API a local fake and the snapshot server left out (offline), so the
 * figure is the app's own work. Each server runs in a process of its own
 * unless `start` says otherwise.
 */
export async function benchAppThroughput(
  options: ThroughputOptions,
  start: StartServer = forkProbotServer,
): Promise<AppThroughput> {
  const fixture = readFixture();
  const credentials: Credentials = {
    privateKey: generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey,
    secret: randomBytes(24).toString('hex'),
  };
  const github = await startFakeGitHub({
    appId: APP_ID,
    appSlug: APP_SLUG,
    installationId: INSTALLATION_ID,
    repository: REPOSITORY,
    commitOf: commitOf(fixture.before),
  });
  try {
    const bench: Bench = { credentials, github, options, fixture, start };
    const { throughput: bare } = await measureServer(bench, 'bare', 'ba');
    const { throughput: real, warmupRequests } = await measureServer(bench, 'real', 'a1');
    const timed = github.counts();
    const requestsPerWebhook = Object.fromEntries(
      Object.entries(timed).map(([route, n]) => [route, n / real.processed]),
    );
    const once = Object.fromEntries(Object.entries(warmupRequests).filter(([route]) => !(route in timed)));
    const conclusions: Record<string, number> = {};
    for (const run of github.checkRuns()) conclusions[run.conclusion] = (conclusions[run.conclusion] ?? 0) + 1;
    return { bare, real, ratio: real.perSecond / bare.perSecond, requestsPerWebhook, once, conclusions };
  } finally {
    await github.close();
  }
}

export function formatThroughput(result: AppThroughput, options: ThroughputOptions): string {
  const line = (name: string, t: ServerThroughput) =>
    `  ${name.padEnd(44)} ${t.perSecond.toFixed(1).padStart(8)} webhooks/s  (${t.processed} in ${t.seconds.toFixed(2)} s)`;
  const routes = Object.entries(result.requestsPerWebhook).sort(([a], [b]) => (a < b ? -1 : 1));
  const total = routes.reduce((sum, [, n]) => sum + n, 0);
  return [
    `push to a topic branch, ${options.webhooks} signed webhooks over HTTP, ${options.concurrency} at a time, after ${options.warmup} to warm up:`,
    line('bare Probot app (handlers do nothing)', result.bare),
    line('apt-snapshots-bot (GitHub API on 127.0.0.1)', result.real),
    `  ratio: ${result.ratio.toFixed(2)} of the bare app (target ≥ 0.50)`,
    `API requests the fake GitHub answered per webhook in that run: ${total.toFixed(2)}`,
    ...routes.map(([route, n]) => `  ${route.padEnd(52)} ${n.toFixed(2)}`),
    `  once, during the warm-up: ${
      Object.entries(result.once)
        .map(([route, n]) => `${route} (${n})`)
        .join(', ') || 'nothing'
    }`,
    `check runs created: ${
      Object.entries(result.conclusions)
        .map(([conclusion, n]) => `${n} ${conclusion}`)
        .join(', ') || 'none'
    }`,
  ].join('\n');
}
