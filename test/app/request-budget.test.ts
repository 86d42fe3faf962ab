import { writeFileSync } from 'node:fs';
import { guardNock } from '../helpers/nock-guard.js';
import {
  mockCreateBranch,
  mockFindPullRequest,
  mockNewComment,
  mockOpenPullRequest,
  mockPermission,
} from '../helpers/github-rest.js';
import { apiRequests, deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { githubApi, rev, SHA, TREES, type Api } from './scenario.js';

guardNock();

/**
 * API requests per event type, token exchange excluded, with the budget each
 * must stay within: what it costs now (a topic push that changes no serial
 * is at the floor, one read and one check run), so that any extra request
 * is noticed.
 * `APT_SNAPSHOTS_REQUEST_COUNTS=FILE` writes the counts as JSON for
 * `npm run bench`.
 */
interface Scenario {
  event: string;
  fixture: string;
  budget: number;
  mock(): Api;
}

/** The common push: a topic branch that changes no serial, read with its base in one request. */
const topicPush = (): Api => {
  const api = githubApi({
    [SHA.topicAfter]: rev(TREES.testing, SHA.topicAfter),
    [SHA.topicBefore]: rev(TREES.testing, SHA.topicBefore),
    'refs/heads/testing': rev(TREES.testing, SHA.testingTip),
  });
  api.read();
  api.check(SHA.topicAfter, 'APT snapshots');
  return api;
};

const topicBump = (): Api => {
  // Forked where no other read goes: the fork point, asked of compare, is read in a second query.
  const api = githubApi(
    {
      [SHA.topicAfter]: rev(TREES.topicBumped, SHA.topicAfter),
      [SHA.topicBefore]: rev(TREES.testing, SHA.topicBefore),
      [SHA.topicFork]: rev(TREES.testing, SHA.topicFork),
      'refs/heads/testing': rev(TREES.testing, SHA.testingTip),
    },
    { forks: { [SHA.topicAfter]: SHA.topicFork } },
  );
  api.read();
  api.read();
  api.check(SHA.topicAfter, 'APT snapshots');
  return api;
};

const SCENARIOS: Record<string, Scenario> = {
  'push to a topic branch': { event: 'push', fixture: 'push-topic-branch', budget: 2, mock: topicPush },
  'push to a topic branch that bumps a serial': {
    event: 'push',
    fixture: 'push-topic-branch',
    budget: 4,
    mock: topicBump,
  },
  'push to devel, thawed': {
    event: 'push',
    fixture: 'push-devel-left-frozen',
    budget: 3,
    mock: () => {
      const api = githubApi({
        [SHA.develAfter]: rev(TREES.develThawed, SHA.develAfter),
        [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
      });
      api.read();
      api.check(SHA.develAfter, 'APT snapshots');
      mockFindPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel');
      return api;
    },
  },
  'push to devel left frozen (opens the thaw pull request)': {
    event: 'push',
    fixture: 'push-devel-left-frozen',
    budget: 10,
    mock: () => {
      const frozen = rev(TREES.develFrozen, SHA.develAfter);
      const api = githubApi({
        [SHA.develAfter]: frozen,
        [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
        'refs/heads/devel': frozen,
      });
      api.read();
      api.check(SHA.develAfter, 'APT snapshots');
      // devel's tip, read before the pull request is touched.
      api.read();
      mockCreateBranch(api.scope, 'apt-snapshots-bot/thaw-devel', SHA.develAfter);
      mockOpenPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel', 40);
      return api;
    },
  },
  'pull_request opened or synchronized': {
    event: 'pull_request',
    fixture: 'pull-request-synchronize',
    budget: 3,
    mock: () => {
      const api = githubApi({
        [SHA.prHead]: rev(TREES.develThawed, SHA.prHead),
        [SHA.prBase]: rev(TREES.develThawed, SHA.prBase),
      });
      api.read();
      api.check(SHA.prHead, 'APT snapshots (pull request)');
      return api;
    },
  },
  'check_run rerequested (a pull request)': {
    event: 'check_run',
    fixture: 'check-run-rerequested-pull-request',
    budget: 3,
    mock: () => {
      const api = githubApi({
        [SHA.prHead]: rev(TREES.develThawed, SHA.prHead),
        'refs/heads/devel': rev(TREES.develThawed, SHA.develTip),
      });
      api.read();
      api.check(SHA.prHead, 'APT snapshots (pull request)', {
        existing: { id: 6001, annotationsCount: 0 },
      });
      return api;
    },
  },
  'issue_comment /apt-snapshots check BRANCH': {
    event: 'issue_comment',
    fixture: 'issue-comment-check-branch',
    budget: 5,
    mock: () => {
      const api = githubApi({ 'refs/heads/devel': rev(TREES.develThawed, SHA.develTip) });
      mockPermission(api.scope, 'intrigeri', 'write');
      api.read();
      api.check(SHA.develTip, 'APT snapshots');
      mockNewComment(api.scope, 33);
      return api;
    },
  },
  'issue_comment from a user without write access': {
    event: 'issue_comment',
    fixture: 'issue-comment-no-write-access',
    budget: 3,
    mock: () => {
      const api = githubApi({});
      mockPermission(api.scope, 'curious-reader', 'read');
      mockNewComment(api.scope, 12);
      return api;
    },
  },
};

const counts: Record<string, number> = {};

afterAll(() => {
  const file = process.env.APT_SNAPSHOTS_REQUEST_COUNTS;
  if (file) writeFileSync(file, `${JSON.stringify(counts, null, 2)}\n`);
});

describe('API requests per event type', () => {
  it.each(Object.entries(SCENARIOS))('%s', async (name, scenario) => {
    const api = scenario.mock();
    await deliver(await testProbot(), scenario.event, fixture(scenario.fixture));
    const requests = apiRequests(api.log);
    counts[name] = requests.length;
    expect(requests.length).toBeLessThanOrEqual(scenario.budget);
  });

  it("reading a ref's whole state costs one request, whatever the number of origins", async () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`origin-${i}`, '2021051301']));
    const trees = { ...TREES.develThawed };
    for (const [origin, serial] of Object.entries(many))
      trees[`config/APT_snapshots.d/${origin}/serial`] = `${serial}\n`;
    const api = githubApi({
      [SHA.develAfter]: rev(trees, SHA.develAfter),
      [SHA.develBefore]: rev(trees, SHA.develBefore),
      'refs/heads/devel': rev(trees, SHA.develAfter),
    });
    api.read();
    api.check(SHA.develAfter, 'APT snapshots');
    api.read();
    mockCreateBranch(api.scope, 'apt-snapshots-bot/thaw-devel', SHA.develAfter);
    mockOpenPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel', 40);

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    // The second query reads only devel's tip, before the thaw pull request is touched.
    expect(api.revisionsRead()).toEqual([[SHA.develAfter, SHA.develBefore], ['refs/heads/devel']]);
    const stateReads = api.revisionsRead().filter((revs) => revs.includes(SHA.develAfter));
    counts["reading a ref's whole state (30 origins, with the state before the push)"] = stateReads.length;
    expect(stateReads).toHaveLength(1);
  });
});
