import { guardNock } from '../helpers/nock-guard.js';
import { apiRequests, deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { tailsTree } from '../helpers/snapshot.js';
import { BUMPED, FROZEN, githubApi, rev, SHA, TREES } from './scenario.js';

guardNock();

const CHECK = 'APT snapshots (pull request)';
const CONFIG = '.github/apt-snapshots.yml';
const COMPARE = `GET /repos/tails/tails/compare/${SHA.prBase}...${SHA.prHead}?per_page=1`;
const PINNED_ON_DEVEL = tailsTree({
  baseBranch: 'devel',
  main: { debian: 'latest', 'debian-security': 'latest', torproject: '2021051401' },
});

interface CheckBody {
  name: string;
  head_sha: string;
  conclusion: string;
  output: { title: string; summary: string };
  actions: { identifier: string }[];
}

describe('pull_request', () => {
  it.each([
    // The serials differ from the base's, so the fork point is asked for, and read: the head kept the serial it forked with.
    {
      fork: SHA.topicFork,
      regressions: 0,
      reads: [[SHA.prHead, SHA.prBase], [SHA.topicFork]],
      requests: ['POST /graphql', COMPARE, 'POST /graphql', 'POST /repos/tails/tails/check-runs'],
    },
    // Without it the head is blamed for its base's bump, as before; the check is written all the same.
    {
      fork: 404,
      regressions: 1,
      reads: [[SHA.prHead, SHA.prBase]],
      requests: ['POST /graphql', COMPARE, 'POST /repos/tails/tails/check-runs'],
    },
    {
      fork: 502,
      regressions: 1,
      reads: [[SHA.prHead, SHA.prBase]],
      requests: ['POST /graphql', COMPARE, 'POST /repos/tails/tails/check-runs'],
    },
  ])(
    'a head forked before its base was bumped, compare answering $fork: $regressions serial-regression',
    async ({ fork, regressions, reads, requests }) => {
      const forked = tailsTree({ baseBranch: 'devel', main: FROZEN });
      const api = githubApi(
        {
          [SHA.prHead]: rev(forked, SHA.prHead),
          [SHA.prBase]: rev(tailsTree({ baseBranch: 'devel', main: BUMPED }), SHA.prBase),
          [SHA.topicFork]: rev(forked, SHA.topicFork),
        },
        { forks: { [SHA.prHead]: fork } },
      );
      reads.forEach(() => api.read());
      const written = api.check(SHA.prHead, CHECK);

      await deliver(await testProbot(), 'pull_request', fixture('pull-request-synchronize'));

      expect(api.revisionsRead()).toEqual(reads);
      expect(apiRequests(api.log)).toEqual(requests);
      const body = written[0] as unknown as CheckBody & { output: { annotations?: unknown[] } };
      expect(body.head_sha).toBe(SHA.prHead);
      expect((body.output.annotations ?? []).filter((a) => /serial-regression/.test(JSON.stringify(a)))).toHaveLength(
        regressions,
      );
    },
  );

  it.each(['pull-request-opened', 'pull-request-synchronize', 'pull-request-reopened'])(
    '%s: checks the head against the base, under the base rules, in 3 requests when the serials differ',
    async (name) => {
      const api = githubApi({
        [SHA.prHead]: rev(PINNED_ON_DEVEL, SHA.prHead),
        [SHA.prBase]: rev(TREES.develThawed, SHA.prBase),
      });
      api.read();
      const written = api.check(SHA.prHead, CHECK);

      await deliver(await testProbot(), 'pull_request', fixture(name));

      expect(api.revisionsRead()).toEqual([[SHA.prHead, SHA.prBase]]);
      // The head pins what the base does not, so the fork point is asked for; here there is none (404).
      expect(apiRequests(api.log)).toEqual(['POST /graphql', COMPARE, 'POST /repos/tails/tails/check-runs']);
      const body = written[0] as unknown as CheckBody;
      expect(body).toMatchObject({ name: CHECK, head_sha: SHA.prHead, conclusion: 'success' });
      expect(body.output.title).toMatch(
        /^1 warning: feature\/1234-foo pins torproject in the main set \(config\/APT_snapshots.d\) to 2021051401 where/,
      );
      expect(body.output.summary).toContain(
        'pull request #12: `feature/1234-foo` at `c1c1c1c` into `devel` at `dededed`',
      );
      expect(body.output.summary).toContain('| `torproject` | **`2021051401`** | `latest` |');
      expect(body.output.summary).toContain(
        "at `dededed` (the pull request's base). A change never judges itself under rules it brings.",
      );
    },
  );

  it('costs 2 requests when the head pins what the base pins', async () => {
    const api = githubApi({
      [SHA.prHead]: rev(TREES.develThawed, SHA.prHead),
      [SHA.prBase]: rev(TREES.develThawed, SHA.prBase),
    });
    api.read();
    const written = api.check(SHA.prHead, CHECK);

    await deliver(await testProbot(), 'pull_request', fixture('pull-request-opened'));

    expect(apiRequests(api.log)).toEqual(['POST /graphql', 'POST /repos/tails/tails/check-runs']);
    expect((written[0] as unknown as CheckBody).conclusion).toBe('success');
  });

  it('judges again against the new base when the base branch changed', async () => {
    const api = githubApi({
      [SHA.prHead]: rev(TREES.topicBumped, SHA.prHead),
      [SHA.testingTip]: rev(TREES.testing, SHA.testingTip),
    });
    api.read();
    const written = api.check(SHA.prHead, CHECK);

    await deliver(await testProbot(), 'pull_request', fixture('pull-request-edited-base'));

    expect(api.revisionsRead()).toEqual([[SHA.prHead, SHA.testingTip]]);
    expect((written[0] as unknown as CheckBody).output.summary).toContain('into `testing` at `7e7e7e7`');
  });

  it('ignores an edit of the title, without a request', async () => {
    await deliver(await testProbot(), 'pull_request', fixture('pull-request-edited-title'));
  });

  it('keeps the base rules when the pull request relaxes them, and shows the change', async () => {
    // Without freeze exceptions, pinning debian-security would pass.
    const relaxed = [
      'snapshot_sets:',
      '  - { name: main, dir: config/APT_snapshots.d, freeze_exceptions: [], thaws: true }',
      '  - { name: builder, dir: vagrant/definitions/tails-builder/config/APT_snapshots.d, freeze_exceptions: [], thaws: false }',
      '',
    ].join('\n');
    const api = githubApi({
      [SHA.prHead]: rev(
        {
          ...tailsTree({
            baseBranch: 'devel',
            main: { debian: 'latest', 'debian-security': '2021051301', torproject: 'latest' },
          }),
          [CONFIG]: relaxed,
        },
        SHA.prHead,
      ),
      [SHA.prBase]: rev(TREES.develThawed, SHA.prBase),
    });
    api.read();
    const written = api.check(SHA.prHead, CHECK);

    await deliver(await testProbot(), 'pull_request', fixture('pull-request-opened'));

    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('failure');
    expect(body.output.summary).toContain('`freeze-exception` in');
    expect(body.output.summary).toContain(
      "**Rules:** the defaults; there is no `.github/apt-snapshots.yml` at `dededed` (the pull request's base).",
    );
    expect(body.output.summary).toContain('### ⚠️ This change edits the rules, `.github/apt-snapshots.yml`');
    expect(body.output.summary).toContain(
      '```diff\n+snapshot_sets:\n+  - { name: main, dir: config/APT_snapshots.d, freeze_exceptions: [], thaws: true }\n',
    );
  });

  it('does not blame a head for rules its base changed after it forked', async () => {
    const old = 'snapshot_server:\n  expiry_warning_days: 14\n';
    const forked = { ...TREES.develThawed, [CONFIG]: old };
    const api = githubApi(
      {
        [SHA.prHead]: rev(forked, SHA.prHead),
        [SHA.prBase]: rev(
          { ...TREES.develThawed, [CONFIG]: 'snapshot_server:\n  expiry_warning_days: 21\n' },
          SHA.prBase,
        ),
        [SHA.topicFork]: rev(forked, SHA.topicFork),
      },
      { forks: { [SHA.prHead]: SHA.topicFork } },
    );
    api.read();
    api.read();
    const written = api.check(SHA.prHead, CHECK);

    await deliver(await testProbot(), 'pull_request', fixture('pull-request-opened'));

    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('success');
    expect(body.output.summary).not.toContain('This change edits the rules');
  });

  it('names the problems of an invalid configuration the pull request proposes', async () => {
    const api = githubApi({
      [SHA.prHead]: rev({ ...TREES.develThawed, [CONFIG]: 'bot:\n  branch_prefix: nope\n' }, SHA.prHead),
      [SHA.prBase]: rev({ ...TREES.develThawed, [CONFIG]: 'bot:\n  check_name: APT snapshots\n' }, SHA.prBase),
    });
    api.read();
    const written = api.check(SHA.prHead, CHECK);

    await deliver(await testProbot(), 'pull_request', fixture('pull-request-opened'));

    const summary = (written[0] as unknown as CheckBody).output.summary;
    expect(summary).toContain('```diff\n bot:\n-  check_name: APT snapshots\n+  branch_prefix: nope\n```');
    expect(summary).toContain(
      '**The new file is invalid:**\n\n- .github/apt-snapshots.yml: bot.branch\\_prefix: must be a branch name prefix ending in "/"',
    );
  });

  it("checks the bot's own pull request, without offering to fix it", async () => {
    const api = githubApi({
      [SHA.botThaw]: rev(TREES.develFrozen, SHA.botThaw),
      [SHA.develAfter]: rev(TREES.develThawed, SHA.develAfter),
    });
    api.read();
    const written = api.check(SHA.botThaw, CHECK);

    await deliver(await testProbot(), 'pull_request', fixture('pull-request-opened-by-bot'));

    expect(written[0]).toMatchObject({ head_sha: SHA.botThaw, actions: [] });
  });

  it("ignores other bots' pull requests", async () => {
    await deliver(await testProbot(), 'pull_request', fixture('pull-request-opened-by-other-bot'));
  });

  // Were the head judged as the base branch it is named after, it would not be compared with what it lands on.
  it("compares a fork's stable with the stable it would land on: a serial going back in time fails", async () => {
    const head = 'f1'.repeat(20);
    const api = githubApi({
      [head]: rev(tailsTree({ baseBranch: 'stable', main: { ...FROZEN, debian: '2021010101' } }), head),
      [SHA.prBase]: rev(TREES.stable, SHA.prBase),
    });
    api.read();
    const written = api.check(head, CHECK);
    const payload = fixture<{ pull_request: { head: { ref: string }; base: { ref: string } } }>(
      'pull-request-opened-from-fork',
    );
    payload.pull_request.head.ref = 'stable';
    payload.pull_request.base.ref = 'stable';

    await deliver(await testProbot(), 'pull_request', payload);

    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('failure');
    expect(body.output.title).toMatch(/^1 error: debian in the main set .* goes back in time on stable/);
    expect(body.output.summary).toContain('2021010101 is older than 2021051301 on its base branch stable');
  });

  it("checks a fork's pull request but offers no fix: the bot cannot push there", async () => {
    const api = githubApi({
      [SHA.prHead.replace(/c1/g, 'f1')]: rev(TREES.develFrozen, 'f1'.repeat(20)),
      [SHA.prBase]: rev(TREES.develThawed, SHA.prBase),
    });
    api.read();
    const written = api.check('f1'.repeat(20), CHECK);

    await deliver(await testProbot(), 'pull_request', fixture('pull-request-opened-from-fork'));

    expect(written[0]).toMatchObject({ conclusion: 'failure', actions: [] });
    expect((written[0] as unknown as CheckBody).output.summary).toContain(
      'This pull request comes from a fork, which the bot never pushes to',
    );
  });
});
