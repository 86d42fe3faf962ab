import { guardNock } from '../helpers/nock-guard.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { mockCreateBranch, mockNewComment, mockOpenPullRequest, mockPermission, REPO } from '../helpers/github-rest.js';
import { apiRequests, deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { githubApi, rev, SHA, TREES } from './scenario.js';

guardNock();

type Tree = { tree: { path: string; content: string }[] };
const bodyOf = (captured: Record<string, unknown>[]) => (captured[0] as { body: string }).body;

const NEWEST = { debian: '2021051402', torproject: '2021051403', 'debian-security': '2021051404', tails: '2021051405' };

describe('/apt-snapshots commands', () => {
  it('freeze BRANCH: opens the freeze pull request with the newest serials and replies with its link', async () => {
    const api = githubApi({
      'refs/heads/testing': rev({ ...TREES.develThawed, 'config/base_branch': 'testing\n' }, SHA.testingTip),
    });
    mockPermission(api.scope, 'intrigeri', 'admin');
    api.read();
    const trees = mockCreateBranch(api.scope, 'apt-snapshots-bot/freeze-testing', SHA.testingTip);
    const prs = mockOpenPullRequest(api.scope, 'apt-snapshots-bot/freeze-testing', 'testing', 50);
    const replies = mockNewComment(api.scope, 30);

    await deliver(
      await testProbot({ app: { snapshotServer: new FakeSnapshotServer({ latest: NEWEST }) } }),
      'issue_comment',
      fixture('issue-comment-freeze'),
    );

    expect((trees[0] as Tree).tree.map((t) => [t.path, t.content])).toEqual([
      ['config/APT_snapshots.d/debian/serial', '2021051402\n'],
      ['config/APT_snapshots.d/torproject/serial', '2021051403\n'],
      ['vagrant/definitions/tails-builder/config/APT_snapshots.d/debian-security/serial', '2021051404\n'],
      ['vagrant/definitions/tails-builder/config/APT_snapshots.d/debian/serial', '2021051402\n'],
      ['vagrant/definitions/tails-builder/config/APT_snapshots.d/tails/serial', '2021051405\n'],
    ]);
    expect(prs[0]).toMatchObject({
      head: 'apt-snapshots-bot/freeze-testing',
      base: 'testing',
      title: 'Freeze APT snapshots for 4.19~rc1.',
    });
    expect(bodyOf(prs)).toMatch(/^Requested by @intrigeri in #30\./);
    expect(bodyOf(replies)).toBe(
      '<!-- apt-snapshots-bot:reply:8001 -->\n@intrigeri Opened pull request #50 (https://github.com/tails/tails/pull/50) to freeze `testing`.',
    );
  });

  it('thaw BRANCH: opens the same thaw pull request the push would', async () => {
    const api = githubApi({ 'refs/heads/devel': rev(TREES.develFrozen, SHA.develAfter) });
    mockPermission(api.scope, 'intrigeri', 'maintain');
    api.read();
    mockCreateBranch(api.scope, 'apt-snapshots-bot/thaw-devel', SHA.develAfter);
    const prs = mockOpenPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel', 51);
    const replies = mockNewComment(api.scope, 31);

    await deliver(await testProbot(), 'issue_comment', fixture('issue-comment-thaw'));

    expect(prs[0]).toMatchObject({ title: 'Thaw APT snapshots.' });
    expect(bodyOf(replies)).toContain(
      '@intrigeri Opened pull request #51 (https://github.com/tails/tails/pull/51) to thaw `devel`.',
    );
  });

  it('bump BRANCH ORIGIN...: moves only the origins named', async () => {
    const api = githubApi({ 'refs/heads/stable': rev(TREES.stable, SHA.stableTip) });
    mockPermission(api.scope, 'intrigeri', 'write');
    api.read();
    const trees = mockCreateBranch(api.scope, 'apt-snapshots-bot/bump-stable', SHA.stableTip);
    mockOpenPullRequest(api.scope, 'apt-snapshots-bot/bump-stable', 'stable', 52);
    const replies = mockNewComment(api.scope, 32);

    await deliver(
      await testProbot({ app: { snapshotServer: new FakeSnapshotServer({ latest: NEWEST }) } }),
      'issue_comment',
      fixture('issue-comment-bump'),
    );

    // The builder set's debian moves too; its tails origin, not named, stays.
    expect((trees[0] as Tree).tree.map((t) => t.path)).toEqual([
      'config/APT_snapshots.d/debian/serial',
      'config/APT_snapshots.d/torproject/serial',
      'vagrant/definitions/tails-builder/config/APT_snapshots.d/debian/serial',
    ]);
    expect(bodyOf(replies)).toContain('Opened pull request #52');
  });

  it('check in a pull request: checks it and links the check', async () => {
    const api = githubApi({
      [SHA.prHead]: rev(TREES.develThawed, SHA.prHead),
      [SHA.prBase]: rev(TREES.develThawed, SHA.prBase),
    });
    mockPermission(api.scope, 'intrigeri', 'write');
    api.scope
      .get(`${REPO}/pulls/12`)
      .reply(200, fixture<{ pull_request: Record<string, unknown> }>('pull-request-opened').pull_request);
    api.read();
    api.check(SHA.prHead, 'APT snapshots (pull request)');
    const replies = mockNewComment(api.scope, 12);

    await deliver(await testProbot(), 'issue_comment', fixture('issue-comment-check'));

    expect(bodyOf(replies)).toContain(
      '@intrigeri Checked this pull request (`feature/1234-foo`) at `c1c1c1c`: **success**. See the check: https://github.com/tails/tails/runs/6001',
    );
  });

  it('check BRANCH in an issue: checks the branch tip', async () => {
    const api = githubApi({ 'refs/heads/devel': rev(TREES.develFrozen, SHA.develTip) });
    mockPermission(api.scope, 'intrigeri', 'admin');
    api.read();
    const written = api.check(SHA.develTip, 'APT snapshots');
    const replies = mockNewComment(api.scope, 33);

    await deliver(await testProbot(), 'issue_comment', fixture('issue-comment-check-branch'));

    expect(written[0]).toMatchObject({ conclusion: 'failure' });
    expect(bodyOf(replies)).toContain(
      'Checked `devel` at `ddddddd`: **failure**. See the check: https://github.com/tails/tails/runs/6001',
    );
  });

  // Nothing says what came before a branch judged on request: the rules at its tip's parent, landed, judge it.
  it('check BRANCH judges the tip under the rules at its parent, never the defaults in their place', async () => {
    const relaxed = { '.github/apt-snapshots.yml': 'branches:\n  development: []\n' };
    const api = githubApi({
      'refs/heads/devel': {
        files: { ...TREES.develFrozen, ...relaxed },
        commit: { sha: SHA.develTip, subject: 'a commit', parents: [SHA.develBefore] },
      },
      [SHA.develBefore]: rev({ ...TREES.develThawed, ...relaxed }, SHA.develBefore),
    });
    mockPermission(api.scope, 'intrigeri', 'admin');
    api.read();
    api.read();
    const written = api.check(SHA.develTip, 'APT snapshots');
    mockNewComment(api.scope, 33);

    await deliver(await testProbot(), 'issue_comment', fixture('issue-comment-check-branch'));

    expect(written[0]).toMatchObject({ conclusion: 'success' });
    expect((written[0] as { output: { summary: string } }).output.summary).toContain(
      `at \`${SHA.develBefore.slice(0, 7)}\` (the parent of this commit)`,
    );
  });

  it('politely refuses someone without write access, and does nothing else', async () => {
    const api = githubApi({});
    mockPermission(api.scope, 'curious-reader', 'read');
    const replies = mockNewComment(api.scope, 12);

    await deliver(await testProbot(), 'issue_comment', fixture('issue-comment-no-write-access'));

    expect(bodyOf(replies)).toContain(
      '@curious-reader thanks for asking, but only people with write access to this repository can run `/apt-snapshots` commands, and yours is `read`. I did nothing; a maintainer can run it for you.',
    );
    expect(apiRequests(api.log)).toEqual([
      'GET /repos/tails/tails/collaborators/curious-reader/permission',
      'GET /repos/tails/tails/issues/12/comments?per_page=100',
      'POST /repos/tails/tails/issues/12/comments',
    ]);
  });

  it('a webhook delivered twice at once still gets one reply', async () => {
    const api = githubApi({});
    mockPermission(api.scope, 'curious-reader', 'read');
    mockPermission(api.scope, 'curious-reader', 'read');
    const posted: { id: number; body: string; html_url: string; user: { login: string } }[] = [];
    api.scope
      .get(`${REPO}/issues/12/comments`)
      .query({ per_page: '100' })
      .times(2)
      .reply(200, () => posted);
    api.scope.post(`${REPO}/issues/12/comments`).reply(201, (_uri, body) => {
      posted.push({
        id: 9901,
        body: (body as { body: string }).body,
        html_url: 'https://github.com/tails/tails/issues/12#issuecomment-9901',
        user: { login: 'apt-snapshots-bot[bot]' },
      });
      return posted[0];
    });

    const probot = await testProbot();
    await Promise.all(
      [1, 2].map(() => deliver(probot, 'issue_comment', fixture('issue-comment-no-write-access'), 'delivery-twice')),
    );

    expect(posted).toHaveLength(1);
  });

  it('answers a command it does not know with the ones it knows', async () => {
    const api = githubApi({});
    mockPermission(api.scope, 'intrigeri', 'write');
    const replies = mockNewComment(api.scope, 12);

    await deliver(await testProbot(), 'issue_comment', fixture('issue-comment-invalid'));

    expect(bodyOf(replies)).toContain(
      '@intrigeri I did not understand that command (unknown command). I know:\n\n```\n/apt-snapshots freeze BRANCH\n',
    );
  });

  it('says why a freeze could not be planned when the snapshot server is down', async () => {
    const api = githubApi({
      'refs/heads/testing': rev({ ...TREES.develThawed, 'config/base_branch': 'testing\n' }, SHA.testingTip),
    });
    mockPermission(api.scope, 'intrigeri', 'admin');
    api.read();
    const replies = mockNewComment(api.scope, 30);
    const server = new FakeSnapshotServer({ latest: NEWEST, failures: { debian: 'connection refused' } });

    await deliver(
      await testProbot({ app: { snapshotServer: server } }),
      'issue_comment',
      fixture('issue-comment-freeze'),
    );

    expect(bodyOf(replies)).toContain('@intrigeri that did not work (the snapshot server did not answer).');
    expect(bodyOf(replies)).toContain('fake://snapshots/debian/project/trace/debian: connection refused');
    expect(bodyOf(replies)).toContain('Try the command again once the server is back.');
  });

  it.each([
    ['chatter that only quotes a command', 'issue-comment-chatter'],
    ['a command from a bot', 'issue-comment-by-bot'],
  ])('ignores %s, without a request', async (_name, name) => {
    await deliver(await testProbot(), 'issue_comment', fixture(name));
  });
});
