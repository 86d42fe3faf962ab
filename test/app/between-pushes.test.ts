import nock from 'nock';
import { REFRESH_DELAY_MS } from '../../src/app/refresh-timing.js';
import { MemoryRunOnce } from '../../src/app/run-once-memory.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { DASHBOARD_MARKER } from '../../src/report/dashboard.js';
import { mockFindIssue, mockNewComment, mockPermission, mockUpdateIssue } from '../helpers/github-rest.js';
import { FakeTimers } from '../helpers/fake-timers.js';
import { githubApi, rev, SHA, TREES } from './scenario.js';
import { GITHUB_API, guardNock } from '../helpers/nock-guard.js';
import {
  BOT_LOGIN,
  captureLog,
  deliver,
  fixture,
  INSTALLATION_ID,
  mockTokenExchange,
  testProbot,
} from '../helpers/probot-app.js';

const guard = guardNock();

afterEach(() => {
  expect(guard.unexpected).toEqual([]);
  nock.cleanAll();
});

const HOUR = 60 * 60 * 1000;
const REPOSITORY = {
  name: 'tails',
  owner: { login: 'tails' },
  node_id: 'R_kgDOtails',
  html_url: 'https://github.com/tails/tails',
  default_branch: 'devel',
};

/** The listing a scheduled round starts with: one installation, one live repository and one archived. */
function mockListing(scope: nock.Scope): nock.Scope {
  scope
    .get('/app/installations')
    .query({ per_page: '100' })
    .reply(200, [{ id: INSTALLATION_ID }]);
  mockTokenExchange(scope);
  return scope
    .get('/installation/repositories')
    .query({ per_page: '100' })
    .reply(200, {
      total_count: 2,
      repositories: [REPOSITORY, { ...REPOSITORY, name: 'old', archived: true }],
    });
}

/** The check that says the read failed: looked up, then written. */
function mockFailureChecks(scope: nock.Scope, times: number): void {
  scope
    .get(/^\/repos\/tails\/tails\/commits\/[0-9a-f]{40}\/check-runs/)
    .query(true)
    .times(times)
    .reply(200, { total_count: 0, check_runs: [] });
  scope
    .post('/repos/tails/tails/check-runs')
    .times(times)
    .reply(201, { id: 1, html_url: 'https://github.com/tails/tails/runs/1' });
}

async function replica(runOnce: MemoryRunOnce, timers: FakeTimers, log = captureLog()) {
  const defaults = { ...defaultConfig(), schedule: { interval_hours: 6 } };
  await testProbot({ log: log.logger, app: { defaults, timers, schedule: { runOnce, timers } } });
  return log;
}

describe('the schedule, as the app runs it', () => {
  it('visits every live repository of every installation once a round, and the other replicas skip the round', async () => {
    const runOnce = new MemoryRunOnce();
    const first = new FakeTimers();
    const log = await replica(runOnce, first);
    expect(first.pending).toEqual([60_000]);

    const scope = mockListing(nock(GITHUB_API));
    // The round's first read: the default branch's rules. It fails here, so the round ends for this repository.
    scope.post('/graphql').reply(502, 'Bad Gateway');
    await first.fire();
    expect(scope.isDone()).toBe(true);
    expect(log.text()).toContain('scheduled refresh: tails/tails skipped this round');
    expect(first.pending).toEqual([6 * HOUR]);

    const second = new FakeTimers();
    await replica(runOnce, second);
    const listing = mockListing(nock(GITHUB_API));
    await second.fire();
    // Listed, but the round of tails/tails was claimed: no read.
    expect(listing.isDone()).toBe(true);
  });

  it('does not run on a timer when the interval is 0', async () => {
    const timers = new FakeTimers();
    const defaults = { ...defaultConfig(), schedule: { interval_hours: 0 } };
    await testProbot({ app: { defaults, timers, schedule: { runOnce: new MemoryRunOnce(), timers } } });
    expect(timers.pending).toEqual([]);
  });
});

describe('a push to a base branch', () => {
  it('refreshes the repository once, a while after the last push of a burst', async () => {
    const later = new FakeTimers();
    const log = captureLog();
    // No timer for the rounds here: the only one left is the refresh.
    const defaults = { ...defaultConfig(), schedule: { interval_hours: 0 } };
    const probot = await testProbot({
      log: log.logger,
      app: { defaults, timers: new FakeTimers(), schedule: { runOnce: new MemoryRunOnce(), timers: later } },
    });
    const scope = nock(GITHUB_API);
    mockTokenExchange(scope);
    // The push's own read fails here, and its check says so; the refresh is planned all the same.
    scope.post('/graphql').times(2).reply(502, 'Bad Gateway');
    mockFailureChecks(scope, 2);
    const push = fixture('push-devel-left-frozen');
    await deliver(probot, 'push', push);
    await deliver(probot, 'push', push);
    expect(later.pending).toEqual([REFRESH_DELAY_MS]);

    // The refresh, as the push's installation (Probot has its token already): its first read fails here.
    const refresh = nock(GITHUB_API);
    refresh.post('/graphql').reply(502, 'Bad Gateway');
    await later.fire();
    expect(refresh.isDone()).toBe(true);
    expect(log.text()).toContain('refresh after a push failed');
    expect(later.pending).toEqual([]);
  });

  it('plans no refresh for a topic branch', async () => {
    const timers = new FakeTimers();
    const probot = await testProbot({ app: { timers, schedule: { runOnce: new MemoryRunOnce(), timers } } });
    const scope = nock(GITHUB_API);
    mockTokenExchange(scope);
    scope.post('/graphql').reply(502, 'Bad Gateway');
    mockFailureChecks(scope, 1);
    await deliver(probot, 'push', fixture('push-topic-branch'));
    expect(timers.pending).not.toContain(REFRESH_DELAY_MS);
  });
});

describe('a box ticked on the dashboard, through GitHub', () => {
  const BODY = [
    DASHBOARD_MARKER,
    '## APT snapshots of `tails/tails`',
    '- [x] <!-- apt-snapshots-request:freeze:testing --> Freeze `testing` to the newest snapshots',
    '<!-- apt-snapshots-dashboard:end -->',
  ].join('\n');

  function edited(sender: string) {
    const base = fixture<Record<string, unknown>>('issue-comment-no-write-access');
    return {
      action: 'edited',
      installation: base.installation,
      repository: base.repository,
      issue: {
        number: 7,
        title: 'APT snapshots dashboard',
        body: BODY,
        updated_at: '2021-05-14T10:00:00Z',
        user: { login: BOT_LOGIN, type: 'Bot' },
      },
      changes: { body: { from: BODY.replace('[x]', '[ ]') } },
      sender: { login: sender, type: 'User' },
    };
  }

  it('unticks the box of someone without write access and answers, in these requests', async () => {
    const probot = await testProbot();
    // The boxes are checked against the default branch's rules: one read of devel.
    const api = githubApi({ 'refs/heads/devel': rev(TREES.develThawed, SHA.develTip) });
    api.read();
    const scope = api.scope;
    mockFindIssue(scope, [{ number: 7, title: 'APT snapshots dashboard', body: BODY }]);
    const unticked = mockUpdateIssue(scope, 7);
    mockPermission(scope, 'curious-reader', 'read');
    const replies = mockNewComment(scope, 7);
    await deliver(probot, 'issues', edited('curious-reader'));
    expect(scope.isDone()).toBe(true);
    expect(unticked).toEqual([{ title: 'APT snapshots dashboard', body: BODY.replace('- [x]', '- [ ]') }]);
    expect((replies[0] as { body: string }).body).toMatch(
      /\n@curious-reader thanks, but only people with write access/,
    );
  });

  it('leaves an edit by a bot alone, its own unticking included', async () => {
    const probot = await testProbot();
    await deliver(probot, 'issues', { ...edited('x'), sender: { login: BOT_LOGIN, type: 'Bot' } });
    expect(guard.unexpected).toEqual([]);
  });
});
