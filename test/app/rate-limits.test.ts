import { appOctokit } from '../../src/adapters/github/app-octokit.js';
import { mockCreateBranch, mockFindPullRequest, REPO } from '../helpers/github-rest.js';
import { SkippingClock } from '../helpers/manual-clock.js';
import { guardNock } from '../helpers/nock-guard.js';
import { deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { githubApi, rev, SHA, TREES } from './scenario.js';

guardNock();

const BOT_BRANCH = 'apt-snapshots-bot/thaw-devel';
const SECONDARY = {
  message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
  documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
};

describe('the app with the Octokit npm start runs it with', () => {
  it('opens the thaw pull request after GitHub asked it to wait: a secondary limit on POST /pulls is retried', async () => {
    const frozen = rev(TREES.develFrozen, SHA.develAfter);
    const api = githubApi({
      [SHA.develAfter]: frozen,
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
      'refs/heads/devel': frozen,
    });
    api.read();
    const check = api.check(SHA.develAfter, 'APT snapshots');
    api.read();
    mockCreateBranch(api.scope, BOT_BRANCH, SHA.develAfter);
    mockFindPullRequest(api.scope, BOT_BRANCH, 'devel');
    api.scope.post(`${REPO}/pulls`).reply(403, SECONDARY, { 'retry-after': '2' });
    const opened: unknown[] = [];
    api.scope.post(`${REPO}/pulls`).reply(201, (_uri, body) => {
      opened.push(body);
      return {
        number: 40,
        html_url: 'https://github.com/tails/tails/pull/40',
        state: 'open',
        head: { ref: BOT_BRANCH },
        base: { ref: 'devel' },
      };
    });
    const clock = new SkippingClock();

    await deliver(await testProbot({ Octokit: appOctokit({ clock }) }), 'push', fixture('push-devel-left-frozen'));

    expect(check[0]).toMatchObject({ conclusion: 'failure' });
    expect(opened).toEqual([
      expect.objectContaining({ head: BOT_BRANCH, base: 'devel', title: 'Thaw APT snapshots.' }),
    ]);
    expect(api.log.filter((l) => l === `POST ${REPO}/pulls`)).toHaveLength(2);
    // The two seconds GitHub asked for, and no pacing: the check run, tree, commit, branch and first try went out in the burst.
    expect(clock.slept).toEqual([2000]);
  });
});
