import { guardNock } from '../helpers/nock-guard.js';
import {
  type Captured,
  type ExistingRun,
  mockCheck,
  mockClosePullRequest,
  mockCreateBranch,
  mockFindPullRequest,
  mockForeignBranch,
  mockNewComment,
  mockOpenPullRequest,
  mockUpdateBranch,
  mockUpdatePullRequest,
  refPath,
} from '../helpers/github-rest.js';
import { apiRequests, deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { githubApi, rev, SHA, TREES } from './scenario.js';

guardNock();

const CHECK = 'APT snapshots';
const BOT_BRANCH = 'apt-snapshots-bot/thaw-devel';
const FREEZE_EXCEPTION =
  'Explanation: freeze exception for tor (#18123)\nPackage: tor\nPin: release o=TorProject\nPin-Priority: 999\n';

/** devel left frozen at the pushed commit, still its tip: the judging read, then the read of the tip before the pull request is touched. */
function frozenDevel(): ReturnType<typeof githubApi> {
  const frozen = rev(
    { ...TREES.develFrozen, 'config/chroot_apt/preferences': FREEZE_EXCEPTION },
    SHA.develAfter,
    "Merge branch 'stable' into devel",
  );
  const api = githubApi({
    [SHA.develAfter]: frozen,
    [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
    'refs/heads/devel': frozen,
  });
  api.read();
  api.read();
  return api;
}

type Tree = { base_tree: string; tree: { path: string; content: string }[] };

/** The check run as GitHub holds it after the app's first write, which `written` captured. */
function asWritten(written: Captured): ExistingRun {
  const body = written[0] as { external_id: string; output: { annotations?: unknown[] } };
  return { id: 6001, externalId: body.external_id, annotationsCount: body.output.annotations?.length ?? 0 };
}

describe('devel left frozen', () => {
  it('fails the check with a thaw button and opens one thaw pull request linking it', async () => {
    const api = frozenDevel();
    const check = api.check(SHA.develAfter, CHECK);
    const trees = mockCreateBranch(api.scope, BOT_BRANCH, SHA.develAfter);
    const prs = mockOpenPullRequest(api.scope, BOT_BRANCH, 'devel', 40);

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    expect(check[0]).toMatchObject({
      conclusion: 'failure',
      actions: [{ identifier: 'fix-thaw', label: 'Fix it: thaw', description: 'Open a pull request that thaws it' }],
    });
    expect((trees[0] as Tree).tree.map((t) => [t.path, t.content])).toEqual([
      ['config/APT_snapshots.d/debian/serial', 'latest\n'],
      ['config/APT_snapshots.d/torproject/serial', 'latest\n'],
      ['config/chroot_apt/preferences', FREEZE_EXCEPTION.replace('Pin-Priority: 999', 'Pin-Priority: -1')],
    ]);
    const pr = prs[0] as { head: string; base: string; title: string; body: string };
    expect(pr).toMatchObject({ head: BOT_BRANCH, base: 'devel', title: 'Thaw APT snapshots.' });
    expect(pr.body).toContain("`devel` at `d1d1d1d` (“Merge branch 'stable' into devel”) was left frozen");
    expect(pr.body).toContain('The check [APT snapshots](https://github.com/tails/tails/runs/6001) found:');
    expect(pr.body).toContain('- `config/APT_snapshots.d/debian/serial`: devel was left frozen');
    expect(pr.body).toContain('## Snapshots thawed');
    expect(pr.body).toContain('If you push to `apt-snapshots-bot/thaw-devel`, the bot leaves that branch alone');
    expect(api.revisionsRead()).toEqual([[SHA.develAfter, SHA.develBefore], ['refs/heads/devel']]);
    expect(apiRequests(api.log)).toHaveLength(10);
  });

  it('recomputes the same pull request when devel moves, never opening a second one', async () => {
    const api = frozenDevel();
    api.check(SHA.develAfter, CHECK);
    const trees = mockUpdateBranch(api.scope, BOT_BRANCH, SHA.develAfter, SHA.botThaw);
    const updates = mockUpdatePullRequest(api.scope, BOT_BRANCH, 'devel', 40);

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    expect((trees[0] as Tree).base_tree).toBe('e1'.repeat(20));
    expect(updates[0]).toMatchObject({ title: 'Thaw APT snapshots.' });
    expect(api.log.filter((l) => l === 'POST /repos/tails/tails/pulls')).toEqual([]);
  });

  it('leaves the branch alone and says so once on the pull request when someone pushed to it', async () => {
    const api = frozenDevel();
    api.check(SHA.develAfter, CHECK);
    mockForeignBranch(api.scope, BOT_BRANCH, SHA.develAfter, SHA.botThaw);
    mockFindPullRequest(api.scope, BOT_BRANCH, 'devel', [{ number: 40 }]);
    const comments = mockNewComment(api.scope, 40);

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    const body = (comments[0] as { body: string }).body;
    expect(body.split('\n')[0]).toBe('<!-- apt-snapshots-bot:foreign-commits -->');
    expect(body).toContain(
      'Did not touch `apt-snapshots-bot/thaw-devel` (pull request #40, https://github.com/tails/tails/pull/40): it has commits by `someone`',
    );
  });

  it('closes its pull request with a comment once devel was thawed by hand', async () => {
    const payload = fixture<{ before: string; after: string }>('push-devel-left-frozen');
    const thawed = rev(TREES.develThawed, SHA.develAfter, 'Thaw APT snapshots.');
    const api = githubApi({
      [SHA.develAfter]: thawed,
      [SHA.develBefore]: rev(TREES.develFrozen, SHA.develBefore),
      'refs/heads/devel': thawed,
    });
    api.read();
    const check = api.check(SHA.develAfter, CHECK);
    mockFindPullRequest(api.scope, BOT_BRANCH, 'devel', [{ number: 40 }]);
    api.read();
    const comments = mockClosePullRequest(api.scope, 40);

    await deliver(await testProbot(), 'push', payload);

    expect(check[0]).toMatchObject({ conclusion: 'success', actions: [] });
    expect((comments[0] as { body: string }).body).toBe(
      '<!-- apt-snapshots-bot:closing -->\n`devel` no longer needs thawing as of `d1d1d1d` (“Thaw APT snapshots.”): someone thawed it already, so this pull request is not needed any more. Closing it.',
    );
  });

  it('only looks for its pull request when devel is fine and none is open', async () => {
    const api = githubApi({
      [SHA.develAfter]: rev(TREES.develThawed, SHA.develAfter),
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
    });
    api.read();
    api.check(SHA.develAfter, CHECK);
    mockFindPullRequest(api.scope, BOT_BRANCH, 'devel');

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    expect(apiRequests(api.log)).toHaveLength(3);
  });

  it.each([
    ['a redelivered push', 'push', 'push-devel-left-frozen'],
    ['a re-run of its check', 'check_run', 'check-run-rerequested'],
  ])(
    'leaves the thaw pull request alone when %s is about a commit devel has moved past',
    async (_what, event, name) => {
      const api = githubApi({
        [SHA.develAfter]: rev(TREES.develFrozen, SHA.develAfter),
        [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
        'refs/heads/devel': rev(TREES.develThawed, SHA.develTip, 'Thaw APT snapshots.'),
      });
      api.read();
      const check = api.check(SHA.develAfter, CHECK);
      api.read();

      await deliver(await testProbot(), event, fixture(name));

      expect(check[0]).toMatchObject({ conclusion: 'failure' });
      expect(api.revisionsRead()).toEqual([[SHA.develAfter, SHA.develBefore], ['refs/heads/devel']]);
    },
  );

  it('two pushes a second apart: only the later one, the tip, writes the thaw pull request, based on it', async () => {
    const later = fixture<{ before: string; after: string }>('push-devel-left-frozen');
    Object.assign(later, { before: SHA.develAfter, after: SHA.develTip });
    const tip = rev({ ...TREES.develFrozen, 'config/chroot_apt/preferences': FREEZE_EXCEPTION }, SHA.develTip);
    const api = githubApi({
      [SHA.develAfter]: rev(TREES.develFrozen, SHA.develAfter),
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
      [SHA.develTip]: tip,
      'refs/heads/devel': tip,
    });
    for (let i = 0; i < 4; i += 1) api.read();
    api.check(SHA.develAfter, CHECK);
    api.check(SHA.develTip, CHECK, { id: 6002 });
    const trees = mockCreateBranch(api.scope, BOT_BRANCH, SHA.develTip);
    mockOpenPullRequest(api.scope, BOT_BRANCH, 'devel', 40);

    const probot = await testProbot();
    await Promise.all([deliver(probot, 'push', fixture('push-devel-left-frozen')), deliver(probot, 'push', later)]);

    expect((trees[0] as Tree).tree.map((t) => t.path)).toContain('config/chroot_apt/preferences');
  });

  it('does not close the thaw pull request a newer frozen tip needs when an older thawed push is redelivered', async () => {
    const api = githubApi({
      [SHA.develAfter]: rev(TREES.develThawed, SHA.develAfter),
      [SHA.develBefore]: rev(TREES.develFrozen, SHA.develBefore),
      'refs/heads/devel': rev(TREES.develFrozen, SHA.develTip),
    });
    api.read();
    api.check(SHA.develAfter, CHECK);
    mockFindPullRequest(api.scope, BOT_BRANCH, 'devel', [{ number: 40 }]);
    api.read();

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    expect(api.log.filter((l) => l.includes('/pulls/40') || l.includes('/issues/40'))).toEqual([]);
  });

  it('says on the check when someone took over the bot branch and no pull request is open to say it on', async () => {
    const api = frozenDevel();
    const first = api.check(SHA.develAfter, CHECK);
    mockForeignBranch(api.scope, BOT_BRANCH, SHA.develAfter, SHA.botThaw);
    mockFindPullRequest(api.scope, BOT_BRANCH, 'devel');
    const second = mockCheck(api.scope, SHA.develAfter, CHECK, { existing: () => asWritten(first) });

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    const summary = (second[0] as { output: { summary: string } }).output.summary;
    expect(summary).toContain(
      "⚠️ **No thaw pull request:** Did not touch `apt-snapshots-bot/thaw-devel`: it has commits by `someone`, and the bot never overwrites other people's work. Merge or close it, or delete the branch so the bot can start afresh.",
    );
  });

  it('says on the check when the pull request could not be opened', async () => {
    const api = frozenDevel();
    const first = api.check(SHA.develAfter, CHECK);
    api.scope.get(`/repos/tails/tails/git/ref/${refPath(BOT_BRANCH)}`).reply(500, { message: 'Server Error' });
    const second = mockCheck(api.scope, SHA.develAfter, CHECK, { existing: () => asWritten(first) });

    await deliver(await testProbot(), 'push', fixture('push-devel-left-frozen'));

    const summary = (second[0] as { output: { summary: string } }).output.summary;
    expect(summary).toContain('⚠️ **The thaw pull request could not be opened or updated** (GitHub API error 500).');
  });
});
