import { onFix, onRerun } from '../../src/app/on-check-run.js';
import { onDashboardEdit } from '../../src/app/on-dashboard-edit.js';
import { onCommand } from '../../src/app/on-issue-comment.js';
import { changeRequestTarget, onChangeRequest } from '../../src/app/on-pull-request.js';
import { onPush } from '../../src/app/on-push.js';
import { onTagCreated } from '../../src/app/release/on-tag.js';
import type { RefSnapshot } from '../../src/domain/tree.js';
import { MissingRevisionError } from '../../src/errors.js';
import type { CheckReport } from '../../src/ports/forge.js';
import type { ChangeRequestEvent } from '../../src/ports/forge-events.js';
import type { RefReader } from '../../src/ports/ref-reader.js';
import { subjectMarker } from '../../src/report/check-subject.js';
import { DASHBOARD_MARKER, tickedRequests } from '../../src/report/dashboard.js';
import { memoryDeps, type MemoryDeps } from '../helpers/memory-deps.js';
import {
  branchDeleted,
  branchPush,
  changeRequest,
  command,
  fix,
  issueEdited,
  published,
  rerun,
  tagCreated,
  tagPush,
  WRITER,
} from '../helpers/memory-events.js';
import { fakeSnapshot, PATHS, tailsTree, type FakeEntry } from '../helpers/snapshot.js';

const NOW = new Date('2021-05-14T00:00:00Z');
const CHECK = 'APT snapshots';
const PR_CHECK = 'APT snapshots (pull request)';
const THAW_DEVEL = 'apt-snapshots-bot/thaw-devel';
const RULES = '.github/apt-snapshots.yml';
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const serial = (origin: string) => `${PATHS.MAIN}/${origin}/serial`;

const sha = (pair: string) => pair.repeat(20);
const SHA = {
  develThawed: sha('d0'),
  develFrozen: sha('d1'),
  develThawedAgain: sha('d2'),
  develFrozenAgain: sha('d3'),
  testing: sha('7e'),
  stable: sha('5a'),
  topicFork: sha('a0'),
  topicClean: sha('a1'),
  topicRelaxed: sha('a2'),
  prHead: sha('c1'),
  prHeadMoved: sha('c2'),
  forkHead: sha('f1'),
  botBranch: sha('bb'),
  released: sha('aa'),
};

const RELEASED_CHANGELOG =
  'tails (4.19~rc1) unstable; urgency=medium\n\n  * Release.\n\n -- Tails developers <tails@boum.org>  Thu, 13 May 2021 12:18:48 +0200\n';

/** Pins debian-security, which the defaults keep `latest` as the freeze exception: only rules without it let this pass. */
const WITHOUT_FREEZE_EXCEPTION = [
  'snapshot_sets:',
  `  - { name: main, dir: ${PATHS.MAIN}, freeze_exceptions: [], thaws: true }`,
  `  - { name: builder, dir: ${PATHS.BUILDER}, freeze_exceptions: [], thaws: false }`,
  '',
].join('\n');

/** A repository in memory: commits by sha, and refs naming them, which a test moves as pushes would. */
class Commits implements RefReader {
  /** Every revision read, in order. */
  readonly reads: string[] = [];
  private readonly commits = new Map<string, RefSnapshot>();
  private readonly refs = new Map<string, string>();

  add(commit: string, files: Record<string, FakeEntry>, parents: string[] = [], subject = 'a commit'): this {
    this.commits.set(commit, fakeSnapshot(files, { sha: commit, parents, subject }));
    return this;
  }

  point(ref: string, commit: string): this {
    this.refs.set(ref, commit);
    return this;
  }

  async read(rev: string): Promise<RefSnapshot> {
    this.reads.push(rev);
    const name = rev.endsWith('^{commit}') ? rev.slice(0, -'^{commit}'.length) : rev;
    const snapshot = this.commits.get(this.refs.get(name) ?? name);
    if (!snapshot) throw new MissingRevisionError(`revision "${rev}" not found in memory`);
    return snapshot;
  }
}

/**
 * devel thawed, then left frozen by a merge; testing and stable frozen; a
 * topic branch forked from testing, with a clean commit and one that
 * relaxes the rules; a release commit of 4.19~rc1 on testing.
 */
function repository(): Commits {
  const testing = tailsTree({ baseBranch: 'testing', main: FROZEN });
  return new Commits()
    .add(SHA.develThawed, tailsTree())
    .add(SHA.develFrozen, tailsTree({ main: FROZEN }), [SHA.develThawed], "Merge branch 'stable' into devel")
    .add(SHA.develThawedAgain, tailsTree(), [SHA.develFrozen], 'Thaw APT snapshots.')
    .add(SHA.develFrozenAgain, tailsTree({ main: FROZEN }), [SHA.develThawedAgain])
    .add(SHA.testing, testing)
    .add(SHA.stable, tailsTree({ baseBranch: 'stable', main: FROZEN }))
    .add(SHA.topicFork, testing, [SHA.testing])
    .add(SHA.topicClean, testing, [SHA.topicFork])
    .add(
      SHA.topicRelaxed,
      {
        ...tailsTree({ baseBranch: 'testing', main: { ...FROZEN, 'debian-security': '2021051301' } }),
        [RULES]: WITHOUT_FREEZE_EXCEPTION,
      },
      [SHA.topicFork],
    )
    .add(SHA.prHead, tailsTree({ main: FROZEN }), [SHA.develThawed])
    .add(
      SHA.prHeadMoved,
      {
        ...tailsTree({ main: { debian: 'latest', 'debian-security': '2021051301', torproject: 'latest' } }),
        [RULES]: WITHOUT_FREEZE_EXCEPTION,
      },
      [SHA.prHead],
    )
    .add(SHA.forkHead, tailsTree({ main: FROZEN }))
    .add(SHA.botBranch, tailsTree(), [SHA.develFrozen])
    .add(
      SHA.released,
      tailsTree({
        baseBranch: 'testing',
        main: FROZEN,
        builder: { debian: '2021051301', 'debian-security': '2021051301', tails: '2021051301' },
        changelog: RELEASED_CHANGELOG,
      }),
      [SHA.testing],
    )
    .point('refs/heads/devel', SHA.develThawed)
    .point('refs/heads/testing', SHA.testing)
    .point('refs/heads/stable', SHA.stable)
    .point('refs/heads/feature/1234-foo', SHA.topicClean)
    .point('refs/tags/4.19-rc1', SHA.released)
    .point('refs/tags/4.18', SHA.stable);
}

function setup(): MemoryDeps & { commits: Commits } {
  const commits = repository();
  const m = memoryDeps({ reader: commits, now: NOW, tags: ['4.18', '4.19-rc1'] });
  m.forge.permissions.set(WRITER.login, 'write');
  return { ...m, commits };
}

/** The one check of that name on that commit, as the forge holds it. */
function checkOn(m: MemoryDeps, name: string, commit: string): CheckReport {
  const runs = m.forge.checkRuns.filter((r) => r.report.name === name && r.report.headSha === commit);
  expect(runs).toHaveLength(1);
  return (runs[0] as { report: CheckReport }).report;
}

const pathsOf = (report: CheckReport, level?: string) =>
  [...new Set(report.annotations.filter((a) => level === undefined || a.level === level).map((a) => a.path))].sort();

const checkWrites = (m: MemoryDeps) => m.forge.writes.filter((w) => w.startsWith('check '));

/** devel pushed from thawed to left frozen, with devel pointing at it. */
async function pushFrozenDevel(m: MemoryDeps & { commits: Commits }): Promise<void> {
  m.commits.point('refs/heads/devel', SHA.develFrozen);
  await onPush(m.deps, branchPush('devel', SHA.develFrozen, SHA.develThawed));
}

describe('push', () => {
  it('fails devel pushed frozen, on its serial files, and opens the thaw pull request', async () => {
    const m = setup();
    await pushFrozenDevel(m);

    const check = checkOn(m, CHECK, SHA.develFrozen);
    expect(check.conclusion).toBe('failure');
    expect(check.title).toMatch(/devel was left frozen/);
    expect(pathsOf(check, 'failure')).toEqual([serial('debian'), serial('torproject')]);
    expect(m.forge.branches.get(THAW_DEVEL)).toMatchObject({
      base: SHA.develFrozen,
      edits: [
        { path: serial('debian'), content: 'latest\n' },
        { path: serial('torproject'), content: 'latest\n' },
      ],
    });
    expect(m.forge.pullRequests.map((p) => [p.head, p.base, p.state])).toEqual([[THAW_DEVEL, 'devel', 'open']]);
    expect(m.logged).toContain('check reported');
  });

  it('passes a clean topic branch, compared with its base and before', async () => {
    const m = setup();
    await onPush(m.deps, branchPush('feature/1234-foo', SHA.topicClean, SHA.topicFork));

    const check = checkOn(m, CHECK, SHA.topicClean);
    expect(check.conclusion).toBe('success');
    expect(check.annotations).toEqual([]);
    expect(m.commits.reads).toEqual(expect.arrayContaining([SHA.topicClean, SHA.topicFork, 'refs/heads/testing']));
    expect(m.forge.branches.size).toBe(0);
    expect(m.forge.pullRequests).toEqual([]);
  });

  it("judges a topic branch that relaxes the rules under its base's rules, from before the change", async () => {
    const m = setup();
    await onPush(m.deps, branchPush('feature/1234-foo', SHA.topicRelaxed, SHA.topicFork));

    const check = checkOn(m, CHECK, SHA.topicRelaxed);
    expect(check.conclusion).toBe('failure');
    expect(pathsOf(check, 'failure')).toEqual([serial('debian-security')]);
    // The change to the rules is shown where it is, for a reviewer to see.
    expect(pathsOf(check)).toContain(RULES);
  });

  it('leaves a deleted branch alone: nothing read, nothing written', async () => {
    const m = setup();
    await onPush(m.deps, branchDeleted('feature/1234-foo', SHA.topicClean));

    expect(m.commits.reads).toEqual([]);
    expect(m.forge.writes).toEqual([]);
    expect(m.logged).toContain('push ignored: branch feature/1234-foo was deleted');
  });

  it("judges a person's push to a bot branch as a topic branch, and proposes no fix of it", async () => {
    const m = setup();
    await onPush(m.deps, branchPush(THAW_DEVEL, SHA.botBranch, SHA.develFrozen));

    expect(m.forge.writes).toEqual([`check ${CHECK} ${SHA.botBranch} success`]);
  });

  it('hands a release tag to the release flow, and ignores a tag that is not a release', async () => {
    const m = setup();
    await onPush(m.deps, tagPush('fe-1234', SHA.released));
    expect(m.forge.writes).toEqual([]);
    expect(m.logged).toContain('tag ignored: not a release tag (release.tag_pattern)');

    await onPush(m.deps, tagPush('4.19-rc1', SHA.released));
    expect(m.forge.checkRuns.map((r) => [r.report.name, r.report.headSha, r.report.conclusion]).sort()).toEqual([
      ['APT snapshots: build_IUKs', SHA.released, 'neutral'],
      ['APT snapshots: release', SHA.released, 'success'],
      ['APT snapshots: tag-apt-snapshots', SHA.released, 'neutral'],
    ]);
    expect(m.logged).toContain('release checked');
    // No trigger is configured: nothing was claimed, so a later configured run can still start each job.
    expect(await m.claims.attempts('4.19-rc1', 'tag-apt-snapshots')).toEqual([]);
  });
});

describe('change request', () => {
  const opened = (head: string, action: ChangeRequestEvent['action'] = 'opened') =>
    changeRequest(action, {
      number: 12,
      head: { branch: 'feature/1234-foo', sha: head },
      base: { branch: 'devel', sha: SHA.develThawed },
    });

  it("judges the head under the base's rules on open and on update, under its own check name", async () => {
    const m = setup();
    await onChangeRequest(m.deps, opened(SHA.prHead));
    const first = checkOn(m, PR_CHECK, SHA.prHead);

    await onChangeRequest(m.deps, opened(SHA.prHeadMoved, 'updated'));
    const second = checkOn(m, PR_CHECK, SHA.prHeadMoved);
    // The head's rules would let debian-security be pinned; devel's, which judge it, do not.
    expect(second.conclusion).toBe('failure');
    expect(pathsOf(second, 'failure')).toEqual([serial('debian-security')]);
    expect(pathsOf(second)).toContain(RULES);
    expect(first.conclusion).toBe('success');
    expect(m.forge.checkRuns.map((r) => r.report.name)).toEqual([PR_CHECK, PR_CHECK]);
  });

  it("checks a fork's change request, and a fix asked on it pushes nothing", async () => {
    const m = setup();
    await onChangeRequest(
      m.deps,
      changeRequest('opened', {
        number: 13,
        head: { branch: 'devel', sha: SHA.forkHead, fromFork: true },
        base: { branch: 'devel', sha: SHA.develThawed },
      }),
    );
    const check = checkOn(m, PR_CHECK, SHA.forkHead);
    expect(check.conclusion).toBe('failure');

    await onFix(m.deps, fix(published(check), 'fix-thaw'));
    expect(m.forge.branches.size).toBe(0);
    expect(m.forge.pullRequests).toEqual([]);
    expect(m.forge.checkRuns).toHaveLength(1);
  });

  it.each([
    ['an edit of the title', opened(SHA.prHead, 'other')],
    ['a closed change request', { ...opened(SHA.prHead, 'updated'), open: false }],
  ])('judges nothing for %s', async (_what, event) => {
    const m = setup();
    await onChangeRequest(m.deps, event);
    expect(m.commits.reads).toEqual([]);
    expect(m.forge.writes).toEqual([]);
    expect(m.logged).toContain(`change request event (${event.action}) ignored: nothing judged changed`);
  });
});

describe('command', () => {
  /** Change request #1 from feature/1234-foo into devel, and where the forge says its head is. */
  function onChangeRequestThread(m: MemoryDeps, head: { sha: string }) {
    m.forge.openPullRequestAsPerson('feature/1234-foo', 'devel', 'Foo');
    m.deps = {
      ...m.deps,
      pullRequest: async (number) =>
        changeRequestTarget(
          changeRequest('opened', {
            number,
            head: { branch: 'feature/1234-foo', sha: head.sha },
            base: { branch: 'devel', sha: SHA.develThawed },
          }),
        ),
    };
  }

  it('check from a writer: judges the change request and replies once, editing the reply on a redelivery', async () => {
    const m = setup();
    const head = { sha: SHA.prHead };
    onChangeRequestThread(m, head);
    const event = command('/apt-snapshots check', { kind: 'change-request', number: 1 });

    await onCommand(m.deps, event);
    expect(checkOn(m, PR_CHECK, SHA.prHead).conclusion).toBe('success');
    const [reply] = m.forge.pullRequests[0]?.comments ?? [];
    expect(reply?.marker).toBe('reply:8001');
    expect(reply?.body).toMatch(
      /^@intrigeri Checked this pull request \(`feature\/1234-foo`\) at `c1c1c1c`: \*\*success\*\*/,
    );

    // The same comment delivered again once the head moved: judged anew, answered in the same reply.
    head.sha = SHA.prHeadMoved;
    await onCommand(m.deps, event);
    expect(checkOn(m, PR_CHECK, SHA.prHeadMoved).conclusion).toBe('failure');
    const comments = m.forge.pullRequests[0]?.comments ?? [];
    expect(comments.map((c) => c.id)).toEqual([reply?.id]);
    expect(comments[0]?.body).toMatch(/at `c2c2c2c`: \*\*failure\*\*/);
  });

  it('check BRANCH on an issue: judges the branch tip', async () => {
    const m = setup();
    m.commits.point('refs/heads/devel', SHA.develFrozen);
    m.forge.openIssueAsPerson('Is devel right?', '');
    await onCommand(m.deps, command('/apt-snapshots check devel', { kind: 'issue', number: 1 }));

    expect(checkOn(m, CHECK, SHA.develFrozen).conclusion).toBe('failure');
    expect(m.forge.issue(1).comments.map((c) => c.body)).toEqual([
      expect.stringMatching(/^@intrigeri Checked `devel` at `d1d1d1d`: \*\*failure\*\*/),
    ]);
  });

  it.each(['read', 'triage'] as const)(
    'refuses a person with %s access, with a reply, judging nothing',
    async (permission) => {
      const m = setup();
      m.forge.permissions.set('curious', permission);
      m.forge.openIssueAsPerson('A question', '');
      await onCommand(
        m.deps,
        command('/apt-snapshots check devel', { kind: 'issue', number: 1 }, { sender: { login: 'curious' } }),
      );

      expect(m.commits.reads).toEqual([]);
      expect(m.forge.checkRuns).toEqual([]);
      expect(m.forge.issue(1).comments.map((c) => c.body)).toEqual([
        expect.stringContaining(`@curious thanks for asking, but only people with write access`),
      ]);
      expect(m.forge.issue(1).comments[0]?.body).toContain(`yours is \`${permission}\``);
      expect(m.logged).toContain('command refused: no write access');
    },
  );

  it('answers an unknown command with the ones it knows, judging nothing', async () => {
    const m = setup();
    m.forge.openIssueAsPerson('A question', '');
    await onCommand(m.deps, command('/apt-snapshots frobnicate devel', { kind: 'issue', number: 1 }));

    expect(m.commits.reads).toEqual([]);
    expect(m.forge.checkRuns).toEqual([]);
    expect(m.forge.issue(1).comments.map((c) => c.body)).toEqual([
      expect.stringMatching(/^@intrigeri I did not understand that command \(unknown command\)\. I know:/),
    ]);
  });

  it('ignores a comment without a command, answering nothing', async () => {
    const m = setup();
    m.forge.openIssueAsPerson('A question', '');
    await onCommand(m.deps, command('> /apt-snapshots check devel\n\nWhy?', { kind: 'issue', number: 1 }));

    expect(m.forge.writes).toEqual([]);
    expect(m.logged).toContain('comment ignored: no command');
  });

  it("thaw BRANCH: opens the bot's branch and pull request, and links it in the reply", async () => {
    const m = setup();
    m.commits.point('refs/heads/devel', SHA.develFrozen);
    m.forge.openIssueAsPerson('Thaw devel', '');
    await onCommand(m.deps, command('/apt-snapshots thaw devel', { kind: 'issue', number: 1 }));

    expect(m.forge.branches.get(THAW_DEVEL)?.base).toBe(SHA.develFrozen);
    const [pr] = m.forge.pullRequests;
    expect(pr).toMatchObject({ number: 2, head: THAW_DEVEL, base: 'devel', state: 'open' });
    expect(pr?.body).toMatch(/^Requested by @intrigeri in #1\./);
    expect(m.forge.issue(1).comments.map((c) => c.body)).toEqual([
      `@intrigeri Opened pull request #2 (${pr?.url}) to thaw \`devel\`.`,
    ]);
  });

  it("thaw BOT-BRANCH: refuses to fix the bot's own branch, opening nothing, and says which branch to fix", async () => {
    const m = setup();
    m.commits.point(`refs/heads/${THAW_DEVEL}`, SHA.develFrozen);
    m.forge.openIssueAsPerson('Thaw the thaw', '');
    await onCommand(m.deps, command(`/apt-snapshots thaw ${THAW_DEVEL}`, { kind: 'issue', number: 1 }));

    expect(m.forge.branches.size).toBe(0);
    expect(m.forge.pullRequests).toEqual([]);
    expect(m.forge.issue(1).comments.map((c) => c.body)).toEqual([
      `@intrigeri Could not plan a thaw of \`${THAW_DEVEL}\`: it is one of the bot's own branches, which the bot recomputes from the branch it goes into: ask for the thaw on that branch instead.`,
    ]);
  });
});

describe('rerun and fix', () => {
  it('re-runs a push check on the same subject: the commit and the revision before it that the check recorded', async () => {
    const m = setup();
    // Pushed over the clean commit, which is not its parent: only the check's record says what came before.
    await onPush(m.deps, branchPush('feature/1234-foo', SHA.topicRelaxed, SHA.topicClean));
    const check = checkOn(m, CHECK, SHA.topicRelaxed);
    m.commits.reads.length = 0;

    await onRerun(m.deps, rerun(published(check)));

    expect(m.commits.reads).toEqual(expect.arrayContaining([SHA.topicRelaxed, SHA.topicClean]));
    expect(checkOn(m, CHECK, SHA.topicRelaxed).conclusion).toBe('failure');
    expect(checkWrites(m)).toHaveLength(2);
  });

  it('re-runs a change request check against where its base is now', async () => {
    const m = setup();
    await onChangeRequest(
      m.deps,
      changeRequest('opened', {
        number: 12,
        head: { branch: 'feature/1234-foo', sha: SHA.prHead },
        base: { branch: 'devel', sha: SHA.develThawed },
      }),
    );
    m.commits.point('refs/heads/devel', SHA.develFrozen);
    m.commits.reads.length = 0;

    await onRerun(m.deps, rerun(published(checkOn(m, PR_CHECK, SHA.prHead))));

    expect(m.commits.reads).toEqual(expect.arrayContaining([SHA.prHead, 'refs/heads/devel']));
    expect(m.commits.reads).not.toContain(SHA.develThawed);
    expect(checkWrites(m)).toHaveLength(2);
  });

  it('fix: opens the fix pull request from the branch tip, and writes the check again', async () => {
    const m = setup();
    await pushFrozenDevel(m);
    // A person closed the thaw pull request the push opened; then asks for it with the button.
    (m.forge.pullRequests[0] as { state: string }).state = 'closed';

    await onFix(m.deps, fix(published(checkOn(m, CHECK, SHA.develFrozen)), 'fix-thaw'));

    expect(m.forge.pullRequests.map((p) => [p.number, p.head, p.state])).toEqual([
      [1, THAW_DEVEL, 'closed'],
      [2, THAW_DEVEL, 'open'],
    ]);
    expect(m.forge.pullRequests[1]?.body).toMatch(
      /^Requested by @intrigeri with “Fix it” on the check of `devel` at `d1d1d1d`\./,
    );
    expect(checkOn(m, CHECK, SHA.develFrozen).conclusion).toBe('failure');
  });

  it.each([
    ['carries no marker', 'Another app’s summary.'],
    ['carries the marker of another commit', subjectMarker({ kind: 'push', branch: 'devel', sha: SHA.develThawed })],
  ])('does nothing when the check %s, and logs why', async (_what, summary) => {
    const m = setup();
    await pushFrozenDevel(m);
    const writes = m.forge.writes.length;
    const check = { ...published(checkOn(m, CHECK, SHA.develFrozen)), summary };

    await onFix(m.deps, fix(check, 'fix-thaw'));
    await onRerun(m.deps, rerun(check));

    expect(m.forge.writes).toHaveLength(writes);
    expect(m.logged).toContain("fix ignored: not one of this app's checks");
    expect(m.logged).toContain("rerun ignored: not one of this app's checks");
  });

  it('ignores a button that is not one of its own', async () => {
    const m = setup();
    await pushFrozenDevel(m);
    const writes = m.forge.writes.length;

    await onFix(m.deps, fix(published(checkOn(m, CHECK, SHA.develFrozen)), 'deploy'));

    expect(m.forge.writes).toHaveLength(writes);
    expect(m.logged).toContain('fix ignored: not one of its buttons');
  });
});

describe('devel thaw follow-up', () => {
  it('keeps one thaw pull request across a redelivery, and closes it once devel is thawed by hand', async () => {
    const m = setup();
    await pushFrozenDevel(m);
    await pushFrozenDevel(m);
    expect(m.forge.pullRequests).toHaveLength(1);

    m.commits.point('refs/heads/devel', SHA.develThawedAgain);
    await onPush(m.deps, branchPush('devel', SHA.develThawedAgain, SHA.develFrozen));

    expect(checkOn(m, CHECK, SHA.develThawedAgain).conclusion).toBe('success');
    const [pr] = m.forge.pullRequests;
    expect(pr?.state).toBe('closed');
    expect(pr?.comments.map((c) => c.marker)).toEqual(['closing']);
    expect(m.logged).toContain('closed the thaw pull request: the branch is thawed');
  });

  it('keeps the thaw pull request a newer frozen tip needs when a late push of a thawed commit comes', async () => {
    const m = setup();
    await pushFrozenDevel(m);
    m.commits.point('refs/heads/devel', SHA.develFrozenAgain);

    await onPush(m.deps, branchPush('devel', SHA.develThawedAgain, SHA.develFrozen));

    expect(checkOn(m, CHECK, SHA.develThawedAgain).conclusion).toBe('success');
    expect(m.forge.pullRequests.map((p) => [p.head, p.state, p.comments.length])).toEqual([[THAW_DEVEL, 'open', 0]]);
    expect(m.logged).toContain('thaw pull request left as it is: the branch has moved past the judged commit');
  });

  it('opens the thaw pull request by itself later when the forge failed it, from the retry it scheduled', async () => {
    const m = setup();
    const ensureChangeRequest = m.forge.ensureChangeRequest.bind(m.forge);
    m.forge.ensureChangeRequest = () => Promise.reject(new Error('GitHub answered 502'));
    await pushFrozenDevel(m);

    expect(m.forge.branches.has(THAW_DEVEL)).toBe(true);
    expect(m.forge.pullRequests).toEqual([]);
    expect(checkWrites(m)).toHaveLength(2);
    expect(m.logged).toContain('could not keep the thaw pull request in step');
    expect(m.timers.pending).toEqual([60_000]);

    m.forge.ensureChangeRequest = ensureChangeRequest;
    await m.timers.fire();

    expect(m.forge.pullRequests.map((p) => [p.head, p.base, p.state])).toEqual([[THAW_DEVEL, 'devel', 'open']]);
    expect(m.logged).toContain('trying again to keep the thaw pull request in step');
    expect(m.timers.pending).toEqual([]);
  });

  it("says once on the pull request that someone else's commits keep the bot off its branch", async () => {
    const m = setup();
    await pushFrozenDevel(m);
    m.forge.pushAsPerson(THAW_DEVEL, SHA.develFrozen);

    await pushFrozenDevel(m);
    await pushFrozenDevel(m);

    const [pr] = m.forge.pullRequests;
    expect(pr?.comments.map((c) => c.marker)).toEqual(['foreign-commits']);
    expect(pr?.comments[0]?.body).toContain('it has commits by `someone`');
    expect(m.logged).toContain('the bot branch has commits by others; left alone');
  });
});

describe('dashboard edit', () => {
  it('thaws devel from a ticked box into the thaw pull request its push opened, never a second one', async () => {
    const m = setup();
    await pushFrozenDevel(m);
    const box = '<!-- apt-snapshots-request:thaw:devel -->';
    const unticked = `${DASHBOARD_MARKER}\n\n- [ ] ${box} Thaw devel\n`;
    const dashboard = await m.forge.ensureIssue({
      marker: DASHBOARD_MARKER,
      title: 'APT snapshots dashboard',
      body: unticked,
    });
    const ticked = unticked.replace('- [ ]', '- [x]');
    m.forge.editIssue(dashboard.number, ticked);

    await expect(
      onDashboardEdit(
        m.deps,
        issueEdited(dashboard.number, { body: ticked, previousBody: unticked, editedAt: '2021-05-14T10:00:00Z' }),
      ),
    ).resolves.toBe('done');

    expect(tickedRequests(m.forge.issue(dashboard.number).body)).toEqual([]);
    expect(m.forge.pullRequests.map((p) => [p.head, p.base, p.state])).toEqual([[THAW_DEVEL, 'devel', 'open']]);
    expect(m.forge.pullRequests[0]?.body).toMatch(/^Requested by @intrigeri on the dashboard \(#2\)\./);
    expect(m.forge.issue(dashboard.number).comments.map((c) => c.body)).toEqual([
      expect.stringMatching(
        /^@intrigeri here is what became of what you ticked:\n\n- Thaw `devel`: Updated pull request #1/,
      ),
    ]);
  });
});

describe('tag created', () => {
  it('judges the release where the tag points, once however often it comes', async () => {
    const m = setup();
    await onTagCreated(m.deps, tagCreated('4.19-rc1'));
    const release = checkOn(m, 'APT snapshots: release', SHA.released);
    expect(release.conclusion).toBe('success');
    expect(release.title).toMatch(/^4\.19-rc1: a sound release/);

    await onTagCreated(m.deps, tagCreated('4.19-rc1'));
    await onPush(m.deps, tagPush('4.19-rc1', SHA.released));
    expect(m.forge.checkRuns).toHaveLength(3);
  });

  it('tells the commit a deleted tag named that nothing starts', async () => {
    const m = setup();
    await onPush(m.deps, tagPush('4.19-rc1', SHA.released, { deleted: true }));
    expect(checkOn(m, 'APT snapshots: tag-apt-snapshots', SHA.released).title).toMatch(/deleted/);
  });
});
