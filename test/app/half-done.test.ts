import { fakeGitHub, mockRead } from '../helpers/github-graphql.js';
import {
  mockBranchAsWanted,
  mockCheck,
  mockCreateBranch,
  mockFindPullRequest,
  mockOpenPullRequest,
  mockUpdateBranch,
  REPO,
  type Captured,
  type ExistingRun,
} from '../helpers/github-rest.js';
import { FakeTimers } from '../helpers/fake-timers.js';
import { guardNock } from '../helpers/nock-guard.js';
import { APP_ID, deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { githubApi, rev, SHA, TREES, type Api } from './scenario.js';

guardNock();

const CHECK = 'APT snapshots';
const BOT_BRANCH = 'apt-snapshots-bot/thaw-devel';
const WARNING = '⚠️ **The thaw pull request could not be opened or updated** (GitHub API error 502).';

type CheckBody = { external_id: string; output: { summary: string; annotations?: unknown[] } };

/** The check run as GitHub holds it after the app's first write, which `written` captured. */
function asWritten(written: Captured, id = 6001): ExistingRun {
  const body = written[0] as CheckBody;
  return { id, externalId: body.external_id, annotationsCount: body.output.annotations?.length ?? 0 };
}

const summaryOf = (written: Captured) => (written[0] as CheckBody).output.summary;

const revisions = () => ({
  [SHA.develAfter]: rev(TREES.develFrozen, SHA.develAfter),
  [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
  'refs/heads/devel': rev(TREES.develFrozen, SHA.develAfter),
});

/**
 * The push that left devel frozen, delivered: the check, the bot's branch
 * pushed, and then GitHub failing the pull request (502); the check gets a
 * note about it. Returns the check as written.
 */
async function halfDone(api: Api, timers: FakeTimers) {
  api.read();
  const first = api.check(SHA.develAfter, CHECK);
  api.read();
  mockCreateBranch(api.scope, BOT_BRANCH, SHA.develAfter);
  mockFindPullRequest(api.scope, BOT_BRANCH, 'devel');
  api.scope.post(`${REPO}/pulls`).reply(502, { message: 'Bad Gateway' });
  const noted = mockCheck(api.scope, SHA.develAfter, CHECK, { existing: () => asWritten(first) });
  const probot = await testProbot({ app: { timers } });
  await deliver(probot, 'push', fixture('push-devel-left-frozen'));
  return { probot, first, noted };
}

describe('half-done work completes itself', () => {
  it('says on the check that the bot tries again, and its retry opens the pull request and clears the note', async () => {
    const timers = new FakeTimers();
    const api = githubApi(revisions());
    const { first, noted } = await halfDone(api, timers);

    expect(summaryOf(noted)).toContain(WARNING);
    expect(summaryOf(noted)).toContain('The bot tries again by itself in 1 minute.');
    expect(timers.pending).toEqual([60_000]);

    // The retry: judged again (the read brings the run back), the run updated in place, the branch already right.
    api.read();
    const again = api.check(SHA.develAfter, CHECK, { existing: asWritten(first) });
    api.read();
    mockBranchAsWanted(api.scope, BOT_BRANCH, SHA.develAfter);
    const opened = mockOpenPullRequest(api.scope, BOT_BRANCH, 'devel', 40);
    await timers.fire();

    expect(opened).toEqual([expect.objectContaining({ title: 'Thaw APT snapshots.' })]);
    expect(summaryOf(again)).not.toContain('⚠️');
    expect(api.log.filter((l) => l === `POST ${REPO}/check-runs`)).toHaveLength(1);
    expect(api.log.filter((l) => l === `POST ${REPO}/git/refs`)).toHaveLength(1);
    expect(timers.pending).toEqual([]);
  });

  it('the next push to devel does it, and the pending retry is dropped', async () => {
    const timers = new FakeTimers();
    const api = githubApi({
      ...revisions(),
      [SHA.develTip]: rev(TREES.develFrozen, SHA.develTip),
    });
    const { probot } = await halfDone(api, timers);
    expect(timers.pending).toEqual([60_000]);

    const later = fixture<{ before: string; after: string }>('push-devel-left-frozen');
    Object.assign(later, { before: SHA.develAfter, after: SHA.develTip });
    const moved = fakeGitHub({
      ...revisions(),
      [SHA.develTip]: rev(TREES.develFrozen, SHA.develTip),
      'refs/heads/devel': rev(TREES.develFrozen, SHA.develTip),
    });
    mockRead(api.scope, moved);
    api.check(SHA.develTip, CHECK, { id: 6002 });
    mockRead(api.scope, moved);
    mockUpdateBranch(api.scope, BOT_BRANCH, SHA.develTip, 'e3'.repeat(20));
    const opened = mockOpenPullRequest(api.scope, BOT_BRANCH, 'devel', 40);
    await deliver(probot, 'push', later);

    expect(opened).toHaveLength(1);
    expect(timers.pending).toEqual([]);
  });

  it('a retry about a commit devel has moved past changes nothing but its own check', async () => {
    const timers = new FakeTimers();
    const api = githubApi(revisions());
    const { first } = await halfDone(api, timers);

    const moved = fakeGitHub({ ...revisions(), 'refs/heads/devel': rev(TREES.develThawed, SHA.develTip) });
    moved.addCheckRun({ sha: SHA.develAfter, appId: APP_ID, name: CHECK, externalId: null, ...asWritten(first) });
    mockRead(api.scope, moved);
    const again = mockCheck(api.scope, SHA.develAfter, CHECK, { existing: asWritten(first), lookup: false });
    mockRead(api.scope, moved);
    await timers.fire();

    expect(again).toHaveLength(1);
    expect(api.log.filter((l) => /\/pulls|\/git\//.test(l) && !l.startsWith('GET'))).toEqual([
      `POST ${REPO}/git/trees`,
      `POST ${REPO}/git/commits`,
      `POST ${REPO}/git/refs`,
      `POST ${REPO}/pulls`,
    ]);
    expect(timers.pending).toEqual([]);
  });

  it('a retry that cannot even judge (GitHub down) reports that, and tries again later', async () => {
    const timers = new FakeTimers();
    const api = githubApi(revisions());
    const { first } = await halfDone(api, timers);

    api.scope.post('/graphql').reply(500, { message: 'Server Error' });
    // A failed check has no annotations: the run that carries some is replaced, not updated.
    const failed = mockCheck(api.scope, SHA.develAfter, CHECK, { existing: asWritten(first), update: false, id: 6002 });
    await timers.fire();

    expect(failed[0]).toMatchObject({
      conclusion: 'failure',
      output: { title: 'Could not judge: GitHub API error 500' },
    });
    expect(timers.pending).toEqual([120_000]);
  });

  it('tries four times, 1, 2, 4 and 8 minutes apart, then says to re-run the check', async () => {
    const timers = new FakeTimers();
    const api = githubApi(revisions());
    const { first } = await halfDone(api, timers);
    const delays: number[][] = [timers.pending];
    let last: Captured = [];

    for (let retry = 1; retry <= 4; retry += 1) {
      api.read();
      api.check(SHA.develAfter, CHECK, { existing: asWritten(first) });
      api.read();
      mockBranchAsWanted(api.scope, BOT_BRANCH, SHA.develAfter);
      mockFindPullRequest(api.scope, BOT_BRANCH, 'devel');
      api.scope.post(`${REPO}/pulls`).reply(502, { message: 'Bad Gateway' });
      last = mockCheck(api.scope, SHA.develAfter, CHECK, { existing: () => asWritten(first) });
      await timers.fire();
      delays.push(timers.pending);
    }

    expect(delays).toEqual([[60_000], [120_000], [240_000], [480_000], []]);
    expect(summaryOf(last)).toContain(WARNING);
    expect(summaryOf(last)).not.toContain('tries again');
    expect(api.log.filter((l) => l === `POST ${REPO}/check-runs`)).toHaveLength(1);
  });
});
