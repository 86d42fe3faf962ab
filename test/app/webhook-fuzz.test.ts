import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Probot, Server } from 'probot';
import { startFakeGitHub, type FakeGitHub } from '../../bench/fake-github.js';
import type { FakeCommit } from '../../bench/fake-ref-graphql.js';
import { APP_EVENTS } from '../../bench/probot-server.js';
import { signWebhook } from '../../bench/webhook-load.js';
import { appOctokit } from '../../src/adapters/github/app-octokit.js';
import { createApp } from '../../src/app.js';
import { FakeTimers } from '../helpers/fake-timers.js';
import { SkippingClock } from '../helpers/manual-clock.js';
import { mutatePayload, seededRandom, type Path } from '../helpers/payload-fuzz.js';
import { APP_ID, captureLog, fixture, NOW, testPrivateKey } from '../helpers/probot-app.js';
import { SHA, TREES } from './scenario.js';
import { tailsTree } from '../helpers/snapshot.js';
import { freePort } from '../helpers/free-port.js';

const SEED = 20210514;
const MUTATED = 300;
const SECRET = 'fuzz-webhook-secret-0c41e7';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'webhooks');
const SEEDS = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

const EVENT_OF: [string, string][] = [
  ['push-', 'push'],
  ['pull-request-', 'pull_request'],
  ['check-run-', 'check_run'],
  ['issue-comment-', 'issue_comment'],
];
const eventOf = (seed: string) => EVENT_OF.find(([prefix]) => seed.startsWith(prefix))?.[1] ?? 'unknown';

/** The fields the handlers read, which half the mutations aim at. */
const COMMON: Path[] = [
  ['installation'],
  ['installation', 'id'],
  ['repository'],
  ['repository', 'name'],
  ['repository', 'owner', 'login'],
  ['repository', 'html_url'],
  ['repository', 'node_id'],
  ['sender'],
  ['sender', 'login'],
  ['sender', 'type'],
  ['action'],
];
const TARGETS: Record<string, Path[]> = {
  push: [...COMMON, ['ref'], ['before'], ['after'], ['created'], ['deleted'], ['forced']],
  pull_request: [
    ...COMMON,
    ['number'],
    ['pull_request'],
    ['pull_request', 'state'],
    ['pull_request', 'head'],
    ['pull_request', 'head', 'ref'],
    ['pull_request', 'head', 'sha'],
    ['pull_request', 'head', 'repo'],
    ['pull_request', 'base', 'ref'],
    ['pull_request', 'base', 'sha'],
    ['pull_request', 'base', 'repo', 'full_name'],
  ],
  check_run: [
    ...COMMON,
    ['check_run'],
    ['check_run', 'head_sha'],
    ['check_run', 'output'],
    ['check_run', 'output', 'summary'],
    ['requested_action'],
    ['requested_action', 'identifier'],
  ],
  issue_comment: [...COMMON, ['comment'], ['comment', 'id'], ['comment', 'body'], ['issue', 'number'], ['issue']],
};

const text = (files: Record<string, unknown>) => files as Record<string, string>;
const commit = (sha: string, files: Record<string, unknown>, parent?: string): FakeCommit => ({
  sha,
  parents: parent ? [parent] : [],
  date: new Date('2021-05-13T10:00:00Z'),
  message: 'A commit',
  files: text(files),
});

/** tails/tails as the fixtures describe it: the commits they name, devel left frozen, pull requests 12 to 15. */
function repository(): Map<string, FakeCommit> {
  const commits = [
    commit(SHA.topicAfter, TREES.topicBumped, SHA.topicBefore),
    commit(SHA.topicBefore, TREES.testing, SHA.testingTip),
    commit(SHA.testingTip, TREES.testing),
    commit(SHA.stableTip, TREES.stable),
    commit(SHA.develAfter, TREES.develFrozen, SHA.develBefore),
    commit(SHA.develBefore, TREES.develThawed),
    commit(SHA.prHead, tailsTree({ baseBranch: 'devel' }), SHA.prBase),
    commit('c0'.repeat(20), tailsTree({ baseBranch: 'devel' }), SHA.prBase),
    commit(SHA.prBase, TREES.develThawed),
    commit('f1'.repeat(20), TREES.develThawed, SHA.prBase),
    commit(SHA.botThaw, TREES.develThawed, SHA.develAfter),
    commit('bd'.repeat(20), TREES.develThawed, SHA.prBase),
    commit('7a'.repeat(20), TREES.testing),
  ];
  const byRev = new Map(commits.map((c) => [c.sha, c]));
  const branches: Record<string, string> = {
    devel: SHA.develAfter,
    testing: SHA.testingTip,
    stable: SHA.stableTip,
    'feature/1234-foo': SHA.topicAfter,
  };
  for (const [branch, sha] of Object.entries(branches)) byRev.set(`refs/heads/${branch}`, byRev.get(sha) as FakeCommit);
  return byRev;
}

interface Outcome {
  seed: string;
  mutations: string[];
  status: number;
  /** Lines logged with the delivery's id, as "LEVEL message". */
  lines: string[];
  /** Requests that changed something on GitHub. */
  writes: number;
  /** Requests to the installation's API, writes included. */
  requests: number;
  /** Answers that said GitHub has no such repository, commit, issue… */
  notFound: number;
  subscribed: boolean;
  unexpected: string[];
}

describe('signed webhooks, fuzzed, through the real server', () => {
  const log = captureLog();
  let github: FakeGitHub;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const commits = repository();
    github = await startFakeGitHub({
      appId: APP_ID,
      appSlug: 'apt-snapshots-bot',
      installationId: 4242,
      repository: { owner: 'tails', repo: 'tails' },
      commitOf: (rev) => commits.get(rev),
      issues: [30, 31, 32, 33],
      pullRequests: {
        12: { head: 'feature/1234-foo', headSha: SHA.prHead, base: 'devel', baseSha: SHA.prBase },
        13: { head: 'apt-snapshots-bot/thaw-devel', headSha: SHA.botThaw, base: 'devel', baseSha: SHA.develAfter },
        14: { head: 'dependabot/x', headSha: 'bd'.repeat(20), base: 'devel', baseSha: SHA.prBase },
        15: { head: 'devel', headSha: 'f1'.repeat(20), base: 'devel', baseSha: SHA.prBase, fork: true },
      },
      collaborators: { intrigeri: 'admin', 'curious-reader': 'read' },
    });
    const port = await freePort();
    // plugin-retry's waits shrunk: a 5xx from the stand-in is a finding, not a reason to wait 14 s.
    const Octokit = appOctokit({ clock: new SkippingClock() }).defaults((options: { retry?: object }) => ({
      ...options,
      retry: { ...options.retry, retryAfterBaseValue: 1 },
    }));
    server = new Server({
      host: '127.0.0.1',
      port,
      log: log.logger,
      Probot: Probot.defaults({
        appId: APP_ID,
        privateKey: testPrivateKey(),
        secret: SECRET,
        Octokit,
        log: log.logger,
        baseUrl: github.url,
      }),
    });
    await server.load(createApp({ snapshotServer: null, now: () => NOW, timers: new FakeTimers(), env: {} }));
    await server.start();
    url = `http://127.0.0.1:${port}/api/github/webhooks`;
  });

  afterAll(async () => {
    await server.stop();
    await github.close();
  });

  async function send(seed: string, payload: unknown, mutations: string[]): Promise<Outcome> {
    const event = eventOf(seed);
    const webhook = signWebhook(event, payload, SECRET);
    github.reset();
    const before = log.text().length;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': webhook.delivery,
        'x-hub-signature-256': webhook.signature,
      },
      body: webhook.body,
    });
    await response.text();
    const lines = log
      .text()
      .slice(before)
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { id?: string; level: number; msg?: string })
      .filter((line) => line.id === webhook.delivery)
      .map((line) => `${line.level} ${String(line.msg).slice(0, 300)}`);
    const answered = Object.entries(github.counts()).filter(
      ([route]) => !route.startsWith('POST /app/') && route !== 'GET /app',
    );
    const total = (routes: [string, number][]) => routes.reduce((sum, [, n]) => sum + n, 0);
    const writes = total(
      answered.filter(([route]) => /^(POST|PATCH|PUT|DELETE) /.test(route) && route !== 'POST /graphql'),
    );
    const requests = total(answered);
    const action = (payload as { action?: unknown } | null)?.action;
    // Probot names the event after a string action; a handler listens for one.
    const name =
      action === undefined ? event : `${event}.${typeof action === 'string' ? action : JSON.stringify(action)}`;
    const subscribed = (APP_EVENTS as readonly string[]).includes(name);
    return {
      seed,
      mutations,
      status: response.status,
      lines,
      writes,
      requests,
      notFound: github.notFound(),
      subscribed,
      unexpected: github.unexpected(),
    };
  }

  /**
   * Whether the app could not act on a delivery: it asked GitHub nothing
   * (the payload was unusable, or not for it), or it wrote nothing and
   * GitHub told it something was not there. A delivery that only read,
   * and found its work already done (a redelivered command whose reply
   * stands), is neither.
   */
  const leftAlone = (o: Outcome) => o.subscribed && o.writes === 0 && (o.requests === 0 || o.notFound > 0);

  /** What a delivery must end in: a 2xx; and when the app could not act on it, exactly one line saying why. */
  function problems(o: Outcome): string[] {
    const found: string[] = [];
    if (o.status < 200 || o.status >= 300) found.push(`answered ${o.status}`);
    if (o.unexpected.length > 0) found.push(`the stand-in did not know ${o.unexpected.join('; ')}`);
    if (!o.subscribed && (o.lines.length > 0 || o.requests > 0))
      found.push(`an event the app does not handle was acted on: ${o.lines.join(' | ')}`);
    const warnings = o.lines.filter((line) => Number(line.split(' ')[0]) >= 40);
    // Nothing asked of GitHub: the one line that says why, whatever its level (a bot's webhook is no fault).
    if (leftAlone(o) && o.requests === 0 && o.lines.length !== 1)
      found.push(`ignored with ${o.lines.length} log lines: ${o.lines.join(' | ')}`);
    // GitHub said it is gone: one warning, beside what judging said at lower levels on the way.
    if (leftAlone(o) && o.requests > 0 && warnings.length !== 1)
      found.push(`left with ${warnings.length} warnings: ${o.lines.join(' | ')}`);
    if (o.lines.some((line) => Number(line.split(' ')[0]) >= 50)) found.push(`logged an error: ${o.lines.join(' | ')}`);
    return found.map((p) => `${o.seed} [${o.mutations.join('; ') || 'as is'}]: ${p}`);
  }

  it('handles every fixture as it is, the stand-in answering all it asks', async () => {
    const outcomes: Outcome[] = [];
    for (const seed of SEEDS) outcomes.push(await send(seed, fixture(seed), []));

    expect(outcomes.flatMap(problems)).toEqual([]);
    expect(outcomes.filter((o) => o.writes > 0).length).toBeGreaterThanOrEqual(15);
  });

  it(`answers ${MUTATED} mutated ones 2xx, and each it cannot act on with exactly one log line`, async () => {
    const random = seededRandom(SEED);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < MUTATED; i += 1) {
      const seed = SEEDS[i % SEEDS.length] as string;
      const payload = fixture(seed);
      const mutations = mutatePayload(payload as never, TARGETS[eventOf(seed)] ?? COMMON, random);
      outcomes.push(await send(seed, payload, mutations));
    }

    expect(outcomes.flatMap(problems)).toEqual([]);
    // Not vacuous: many were left alone, many still acted on.
    const counted = {
      leftAlone: outcomes.filter(leftAlone).length,
      actedOn: outcomes.filter((o) => o.writes > 0).length,
    };
    expect({ leftAlone: counted.leftAlone >= 100, actedOn: counted.actedOn >= 40 }).toEqual({
      leftAlone: true,
      actedOn: true,
    });
  });
});
