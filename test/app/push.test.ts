import { guardNock } from '../helpers/nock-guard.js';
import { apiRequests, deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { tailsTree } from '../helpers/snapshot.js';
import { BUMPED, FROZEN, githubApi, rev, SHA, topicPushApi, TREES, ZERO } from './scenario.js';

guardNock();

const CHECK = 'APT snapshots';
const COMPARE = `GET /repos/tails/tails/compare/testing...${SHA.topicAfter}?per_page=1`;

interface CheckBody {
  name: string;
  head_sha: string;
  conclusion: string;
  output: { title: string; summary: string; annotations?: { path: string; annotation_level: string }[] };
  actions: { identifier: string }[];
}

describe('push to a topic branch forked from testing before testing was bumped', () => {
  const bumpedTesting = tailsTree({ baseBranch: 'testing', main: BUMPED });
  const forkedFrozen = tailsTree({ baseBranch: 'testing', main: FROZEN });
  const regressions = (body: CheckBody) =>
    (body.output.annotations ?? []).filter((a) => /serial-regression/.test(JSON.stringify(a)));

  it.each([
    // The serials differ from testing's, so the fork point is asked for, and read: the branch kept the serial it forked with.
    {
      fork: SHA.topicFork,
      conclusion: 'success',
      regressions: 0,
      reads: [
        [SHA.topicAfter, SHA.topicBefore, 'refs/heads/stable', 'refs/heads/testing', 'refs/heads/devel'],
        [SHA.topicFork],
      ],
      requests: ['POST /graphql', COMPARE, 'POST /graphql', 'POST /repos/tails/tails/check-runs'],
    },
    // Without it (no merge base, or GitHub failing) the branch is blamed for testing's bump, as before.
    {
      fork: 404,
      conclusion: 'failure',
      regressions: 1,
      reads: [[SHA.topicAfter, SHA.topicBefore, 'refs/heads/stable', 'refs/heads/testing', 'refs/heads/devel']],
      requests: ['POST /graphql', COMPARE, 'POST /repos/tails/tails/check-runs'],
    },
    {
      fork: 500,
      conclusion: 'failure',
      regressions: 1,
      reads: [[SHA.topicAfter, SHA.topicBefore, 'refs/heads/stable', 'refs/heads/testing', 'refs/heads/devel']],
      requests: ['POST /graphql', COMPARE, 'POST /repos/tails/tails/check-runs'],
    },
  ])(
    'compare answering $fork: $conclusion, $regressions serial-regression, in $requests.length requests',
    async ({ fork, conclusion, regressions: count, reads, requests }) => {
      const api = githubApi(
        {
          [SHA.topicAfter]: rev(forkedFrozen, SHA.topicAfter),
          [SHA.topicBefore]: rev(forkedFrozen, SHA.topicBefore),
          [SHA.topicFork]: rev(forkedFrozen, SHA.topicFork),
          'refs/heads/testing': rev(bumpedTesting, SHA.testingTip),
        },
        { forks: { [SHA.topicAfter]: fork } },
      );
      reads.forEach(() => api.read());
      const written = api.check(SHA.topicAfter, CHECK);

      await deliver(await testProbot(), 'push', fixture('push-topic-branch'));

      expect(api.revisionsRead()).toEqual(reads);
      expect(apiRequests(api.log)).toEqual(requests);
      const body = written[0] as unknown as CheckBody;
      expect(body).toMatchObject({ name: CHECK, head_sha: SHA.topicAfter, conclusion });
      expect(regressions(body)).toHaveLength(count);
    },
  );
});

describe('push to a topic branch', () => {
  it('reports one check on after, compared with its base branch and before the push, in 3 requests', async () => {
    const api = topicPushApi();
    api.read();
    const written = api.check(SHA.topicAfter, CHECK);

    await deliver(await testProbot(), 'push', fixture('push-topic-branch'));

    // One read of after, before and every base branch of the defaults (stable and devel do not exist here).
    expect(api.revisionsRead()).toEqual([
      [SHA.topicAfter, SHA.topicBefore, 'refs/heads/stable', 'refs/heads/testing', 'refs/heads/devel'],
    ]);
    // The first read also brought after's check runs: none, so the check is created without a lookup.
    // The serials differ from testing's, so the fork point is asked for: none (404), judged against the base alone.
    expect(apiRequests(api.log)).toEqual(['POST /graphql', COMPARE, 'POST /repos/tails/tails/check-runs']);
    const body = written[0] as unknown as CheckBody;
    expect(body).toMatchObject({
      name: CHECK,
      head_sha: SHA.topicAfter,
      status: 'completed',
      conclusion: 'success',
      actions: [],
    });
    expect(body.output.title).toBe('All snapshot rules pass (1 notice)');
    expect(body.output.summary).toContain(
      '| origin | this branch (`feature/1234-foo`) | base branch (`testing` at `7e7e7e7`) | before the push (`b0b0b0b`) |',
    );
    expect(body.output.summary).toContain('| `torproject` | **`2021051401`** | `2021051301` | `2021051301` |');
    expect(body.output.annotations).toEqual([
      expect.objectContaining({
        path: 'config/APT_snapshots.d/torproject/serial',
        start_line: 1,
        end_line: 1,
        annotation_level: 'notice',
        title: 'notice: diverges-from-base',
      }),
    ]);
  });

  it('costs 2 requests when the branch pins what its base pins: no fork point can matter', async () => {
    const api = githubApi({
      [SHA.topicAfter]: rev(TREES.testing, SHA.topicAfter),
      [SHA.topicBefore]: rev(TREES.testing, SHA.topicBefore),
      'refs/heads/testing': rev(TREES.testing, SHA.testingTip),
    });
    api.read();
    const written = api.check(SHA.topicAfter, CHECK);

    await deliver(await testProbot(), 'push', fixture('push-topic-branch'));

    expect(apiRequests(api.log)).toEqual(['POST /graphql', 'POST /repos/tails/tails/check-runs']);
    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('success');
    expect(body.output.summary).toContain(
      '**Rules:** the defaults; there is no `.github/apt-snapshots.yml` at `7e7e7e7` (the base branch).',
    );
  });

  it('judges a push to devel that relaxes the rules under the rules before it, and shows the change', async () => {
    const relaxed = { ...TREES.develFrozen, '.github/apt-snapshots.yml': 'branches:\n  development: []\n' };
    const api = githubApi({
      [SHA.develAfter]: rev(relaxed, SHA.develAfter),
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
      'refs/heads/devel': rev(TREES.develThawed, SHA.develBefore),
    });
    api.read();
    // devel moved on since: the thaw pull request is left to the tip's push.
    api.read();
    const written = api.check(SHA.develAfter, CHECK);

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('failure');
    expect(body.output.title).toMatch(/^2 errors: devel was left frozen/);
    expect(body.output.summary).toContain('### ⚠️ This change edits the rules, `.github/apt-snapshots.yml`');
    expect(body.output.summary).toContain('- branches.development: \\["devel"\\] → \\[\\]');
    expect(body.output.summary).toContain('at `d0d0d0d` (the commit before the push)');
    expect(body.output.annotations).toContainEqual(
      expect.objectContaining({ path: '.github/apt-snapshots.yml', annotation_level: 'notice' }),
    );
  });

  it('judges a new branch (before all zeros) alone, in one read of one revision', async () => {
    const api = githubApi({
      [SHA.topicAfter]: rev(TREES.topicBumped, SHA.topicAfter),
      'refs/heads/testing': rev(TREES.testing, SHA.testingTip),
    });
    api.read();
    const written = api.check(SHA.topicAfter, CHECK);

    await deliver(await testProbot(), 'push', fixture('push-new-branch'));

    expect(api.revisionsRead()).toEqual([
      [SHA.topicAfter, 'refs/heads/stable', 'refs/heads/testing', 'refs/heads/devel'],
    ]);
    const body = written[0] as unknown as CheckBody;
    expect(body.output.summary).toContain('`feature/1234-foo` at `a1a1a1a`, a new branch.');
    expect(body.output.summary).not.toContain('before the push');
  });

  it('does not compare a force-pushed topic branch with its rewritten past', async () => {
    const api = githubApi({
      [SHA.topicAfter]: rev(TREES.testing, SHA.topicAfter),
      'refs/heads/testing': rev(TREES.testing, SHA.testingTip),
    });
    api.read();
    const written = api.check(SHA.topicAfter, CHECK);

    await deliver(await testProbot(), 'push', fixture('push-force'));

    // before is asked for in the same read (it may be gone, as here): only a base branch would be compared with it.
    expect(api.revisionsRead()).toEqual([
      [SHA.topicAfter, SHA.topicBefore, 'refs/heads/stable', 'refs/heads/testing', 'refs/heads/devel'],
    ]);
    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('success');
    expect(body.output.summary).not.toContain('before the push');
  });

  it('compares a force-pushed base branch with what it held, and fails it for going back in time', async () => {
    const payload = fixture<{ ref: string; before: string; after: string }>('push-force');
    payload.ref = 'refs/heads/stable';
    const api = githubApi({
      [SHA.topicAfter]: rev(TREES.stable, SHA.topicAfter),
      [SHA.topicBefore]: rev(
        { ...TREES.stable, 'config/APT_snapshots.d/debian/serial': '2021060101\n' },
        SHA.topicBefore,
      ),
    });
    api.read();
    const written = api.check(SHA.topicAfter, CHECK);

    await deliver(await testProbot(), 'push', payload);

    // devel, the default branch, in the same read: its rules say whether stable is a base branch.
    expect(api.revisionsRead()).toEqual([[SHA.topicAfter, SHA.topicBefore, 'refs/heads/devel']]);
    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('failure');
    expect(body.output.title).toMatch(/^1 error: debian in the main set .* goes back in time on stable/);
  });

  it("names its check from the app's own configuration, so a branch cannot write the pull request's check under its own rules", async () => {
    const renamed = 'bot:\n  check_name: APT snapshots (pull request)\n';
    const api = githubApi({
      [SHA.topicAfter]: rev({ ...TREES.topicBumped, '.github/apt-snapshots.yml': renamed }, SHA.topicAfter),
      [SHA.topicBefore]: rev(TREES.testing, SHA.topicBefore),
      // Even rules that have landed on the base cannot name the check.
      'refs/heads/testing': rev({ ...TREES.testing, '.github/apt-snapshots.yml': renamed }, SHA.testingTip),
    });
    api.read();
    const written = api.check(SHA.topicAfter, CHECK);

    await deliver(await testProbot(), 'push', fixture('push-topic-branch'));

    expect((written[0] as unknown as CheckBody).name).toBe(CHECK);
  });

  it.each([
    ['a deleted branch', fixture('push-deleted-branch')],
    // Release tags are the release flow's (test/app/release-tags.test.ts).
    ['a tag that is not a release', { ...fixture<Record<string, unknown>>('push-tag'), ref: 'refs/tags/fe-1234' }],
  ])('ignores %s without a single request', async (_name, payload) => {
    await deliver(await testProbot(), 'push', payload);
  });

  it('ignores pushes by bots, its own included', async () => {
    const payload = fixture<{ sender: { login: string; type: string } }>('push-topic-branch');
    payload.sender = { login: 'apt-snapshots-bot[bot]', type: 'Bot' };
    await deliver(await testProbot(), 'push', payload);
  });

  it('refuses a push whose after is all zeros even without the deleted flag', async () => {
    const payload = fixture<{ after: string; deleted: boolean }>('push-deleted-branch');
    payload.deleted = false;
    expect(payload.after).toBe(ZERO);
    await deliver(await testProbot(), 'push', payload);
  });
});
