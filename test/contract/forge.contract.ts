import type { Edit } from '../../src/planners/types.js';
import type { CheckReport, Forge, Permission, Thread } from '../../src/ports/forge.js';

/**
 * A forge the contract runs against, with what it needs besides the port:
 * the actions of people it must not overrule, and a person's view of what
 * the bot left behind. Nothing here names a forge: a GitLab fake fits too.
 */
export interface ForgeUnderTest {
  forge: Forge;
  /** The bot writes only to branches under this prefix. */
  branchPrefix: string;
  /** A branch of the repository that points to `baseSha`, which the bot's branches start from. */
  baseBranch: string;
  baseSha: string;
  /**
   * A person commits to `branch`: on its head, or on `baseSha` when it does
   * not exist yet. Returns the new head and the author the forge names.
   */
  pushAsPerson(branch: string, baseSha: string): Promise<{ sha: string; author: string }>;
  /** A person opens a change request from their own branch (pushed as by pushAsPerson). */
  openChangeRequestAsPerson(head: string, base: string, title: string): Promise<void>;
  /** A person opens an issue, which may quote a marker of the bot. */
  openIssueAsPerson(title: string, body: string): Promise<void>;
  setPermission(user: string, permission: Permission): Promise<void>;
  /** Where `branch` points, undefined when it does not exist. */
  branchHead(branch: string): Promise<string | undefined>;
  /** The comments on a thread as a person reads them, oldest first. */
  comments(on: Thread): Promise<string[]>;
  cleanup(): Promise<void>;
}

const PERMISSIONS: Permission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];

const EDITS: Edit[] = [{ path: 'config/APT_snapshots.d/debian/serial', content: '2021051301\n' }];
const NEW_EDITS: Edit[] = [{ path: 'config/APT_snapshots.d/debian/serial', content: '2021060101\n' }];

function report(headSha: string, changes: Partial<CheckReport> = {}): CheckReport {
  return {
    name: 'APT snapshots',
    headSha,
    conclusion: 'failure',
    title: 'A frozen serial changed',
    summary: 'The serial of debian changed while testing is frozen.',
    annotations: [
      {
        path: 'config/APT_snapshots.d/debian/serial',
        line: 1,
        level: 'failure',
        title: 'Frozen serial changed',
        message: 'testing is frozen: this serial must not change.',
      },
    ],
    fixes: [],
    ...changes,
  };
}

/** The hidden marker the bot's issues start with, as report/hidden-marker.ts writes them. */
const marker = (name: string) => `<!-- apt-snapshots-bot ${name} -->`;

/**
 * The behaviour every Forge must show through the port alone: each write
 * idempotent, a person's work never overwritten, and the reads finding
 * what the writes left.
 */
export function forgeContract(name: string, make: () => Promise<ForgeUnderTest>): void {
  describe(`Forge contract: ${name}`, () => {
    let t: ForgeUnderTest;
    let forge: Forge;
    let branch: string;
    beforeEach(async () => {
      t = await make();
      forge = t.forge;
      branch = `${t.branchPrefix}bump-testing`;
    });
    afterEach(async () => {
      await t.cleanup();
    });

    describe('check runs', () => {
      it('keeps one run when the same report comes twice', async () => {
        const first = await forge.ensureCheck(report(t.baseSha));
        const second = await forge.ensureCheck(report(t.baseSha));
        expect(second).toEqual(first);
        await expect(forge.latestCheck(t.baseSha, 'APT snapshots')).resolves.toEqual({
          sha: t.baseSha,
          conclusion: 'failure',
          url: first.url,
        });
      });

      it('updates the same run with a new conclusion, title and summary', async () => {
        const first = await forge.ensureCheck(report(t.baseSha));
        const updated = await forge.ensureCheck(
          report(t.baseSha, { conclusion: 'success', title: 'Nothing frozen changed', summary: 'All good.' }),
        );
        expect(updated).toEqual(first);
        await expect(forge.latestCheck(t.baseSha, 'APT snapshots')).resolves.toEqual({
          sha: t.baseSha,
          conclusion: 'success',
          url: first.url,
        });
      });

      it('shows a pending run’s state as its conclusion until it concludes, in the same run', async () => {
        const queued = await forge.ensureCheck(report(t.baseSha, { pending: 'queued' }));
        await expect(forge.latestCheck(t.baseSha, 'APT snapshots')).resolves.toMatchObject({ conclusion: 'queued' });
        const started = await forge.ensureCheck(
          report(t.baseSha, { pending: 'in_progress', detailsUrl: 'https://ci.example/job/1' }),
        );
        await expect(forge.latestCheck(t.baseSha, 'APT snapshots')).resolves.toMatchObject({
          conclusion: 'in_progress',
        });
        const done = await forge.ensureCheck(report(t.baseSha, { conclusion: 'success' }));
        expect([started.id, done.id]).toEqual([queued.id, queued.id]);
        await expect(forge.latestCheck(t.baseSha, 'APT snapshots')).resolves.toMatchObject({ conclusion: 'success' });
      });

      it('keeps one run per name and commit, and finds it by sha or by branch', async () => {
        const snapshots = await forge.ensureCheck(report(t.baseSha));
        const release = await forge.ensureCheck(report(t.baseSha, { name: 'Release', conclusion: 'neutral' }));
        expect(release.id).not.toBe(snapshots.id);
        const { sha } = await forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian');
        await expect(forge.latestCheck(sha, 'APT snapshots')).resolves.toBeUndefined();
        const onBranch = await forge.ensureCheck(report(sha, { conclusion: 'success' }));
        expect([snapshots.id, release.id]).not.toContain(onBranch.id);

        await expect(forge.latestCheck(t.baseBranch, 'APT snapshots')).resolves.toEqual({
          sha: t.baseSha,
          conclusion: 'failure',
          url: snapshots.url,
        });
        await expect(forge.latestCheck(t.baseSha, 'Release')).resolves.toEqual({
          sha: t.baseSha,
          conclusion: 'neutral',
          url: release.url,
        });
        await expect(forge.latestCheck(branch, 'APT snapshots')).resolves.toEqual({
          sha,
          conclusion: 'success',
          url: onBranch.url,
        });
        await expect(forge.latestCheck(t.baseSha, 'No such check')).resolves.toBeUndefined();
      });
    });

    describe('bot branches', () => {
      it('creates the branch, leaves it when asked again, and updates it with new edits', async () => {
        const created = await forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian');
        expect(created).toEqual({ status: 'created', sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
        expect(created.sha).not.toBe(t.baseSha);
        await expect(t.branchHead(branch)).resolves.toBe(created.sha);

        await expect(forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian')).resolves.toEqual({
          status: 'unchanged',
          sha: created.sha,
        });

        const updated = await forge.ensureBranch(branch, t.baseSha, NEW_EDITS, 'Bump debian again');
        expect(updated).toEqual({ status: 'updated', sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
        expect(updated.sha).not.toBe(created.sha);
        await expect(t.branchHead(branch)).resolves.toBe(updated.sha);
        await expect(forge.ensureBranch(branch, t.baseSha, NEW_EDITS, 'Bump debian again')).resolves.toEqual({
          status: 'unchanged',
          sha: updated.sha,
        });
      });

      it('leaves alone a branch a person committed to, and names them', async () => {
        await forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian');
        const pushed = await t.pushAsPerson(branch, t.baseSha);
        await expect(forge.ensureBranch(branch, t.baseSha, NEW_EDITS, 'Bump debian again')).resolves.toEqual({
          status: 'foreign-commits',
          sha: pushed.sha,
          authors: [pushed.author],
        });
        await expect(t.branchHead(branch)).resolves.toBe(pushed.sha);
      });

      it('leaves alone a branch under its prefix that a person made', async () => {
        const pushed = await t.pushAsPerson(branch, t.baseSha);
        await expect(forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian')).resolves.toEqual({
          status: 'foreign-commits',
          sha: pushed.sha,
          authors: [pushed.author],
        });
        await expect(t.branchHead(branch)).resolves.toBe(pushed.sha);
      });

      it('refuses a branch outside its prefix and a commit without edits, naming the branch', async () => {
        await expect(forge.ensureBranch('feature/mine', t.baseSha, EDITS, 'Bump')).rejects.toThrow('feature/mine');
        await expect(forge.ensureBranch(branch, t.baseSha, [], 'Nothing')).rejects.toThrow(branch);
        await expect(t.branchHead('feature/mine')).resolves.toBeUndefined();
        await expect(t.branchHead(branch)).resolves.toBeUndefined();
      });
    });

    describe('pull requests', () => {
      const want = (head: string, base: string) => ({ head, base, title: 'Bump debian', body: 'Bumps the serial.' });

      it('opens the pull request, leaves it when asked again, updates it, and finds it', async () => {
        await forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian');
        const created = await forge.ensureChangeRequest(want(branch, t.baseBranch));
        const info = { number: created.number, url: created.url, state: 'open', head: branch, base: t.baseBranch };
        expect(created).toEqual({ ...info, status: 'created' });
        await expect(forge.ensureChangeRequest(want(branch, t.baseBranch))).resolves.toEqual({
          ...info,
          status: 'unchanged',
        });
        await expect(
          forge.ensureChangeRequest({ ...want(branch, t.baseBranch), title: 'Bump debian to 2021060101' }),
        ).resolves.toEqual({ ...info, status: 'updated' });
        await expect(
          forge.ensureChangeRequest({ ...want(branch, t.baseBranch), title: 'Bump debian to 2021060101' }),
        ).resolves.toEqual({ ...info, status: 'unchanged' });
        await expect(forge.findOpenChangeRequest(branch, t.baseBranch)).resolves.toEqual(info);
        await expect(forge.findOpenChangeRequest(branch, 'no-such-base')).resolves.toBeUndefined();
        await expect(forge.findOpenChangeRequest(`${t.branchPrefix}other`, t.baseBranch)).resolves.toBeUndefined();
      });

      it('closes it with one comment, and closing it again changes nothing', async () => {
        await forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian');
        const { number } = await forge.ensureChangeRequest(want(branch, t.baseBranch));
        await forge.closeChangeRequest(number, 'Superseded: testing thawed.');
        await expect(forge.findOpenChangeRequest(branch, t.baseBranch)).resolves.toBeUndefined();
        await forge.closeChangeRequest(number, 'Superseded: testing thawed.');
        const comments = await t.comments({ kind: 'change-request', number });
        expect(comments).toEqual([expect.stringContaining('Superseded: testing thawed.')]);
        await expect(forge.listBotChangeRequests()).resolves.toEqual([]);
      });

      it('lists the bot’s open pull requests only, newest first', async () => {
        await forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian');
        const older = await forge.ensureChangeRequest(want(branch, t.baseBranch));
        const closedBranch = `${t.branchPrefix}bump-stable`;
        await forge.ensureBranch(closedBranch, t.baseSha, NEW_EDITS, 'Bump debian');
        const closed = await forge.ensureChangeRequest(want(closedBranch, t.baseBranch));
        await forge.closeChangeRequest(closed.number, 'Not needed any more.');
        await t.pushAsPerson('feature/mine', t.baseSha);
        await t.openChangeRequestAsPerson('feature/mine', t.baseBranch, 'My feature');
        const newerBranch = `${t.branchPrefix}freeze-testing`;
        await forge.ensureBranch(newerBranch, t.baseSha, NEW_EDITS, 'Freeze testing');
        const newer = await forge.ensureChangeRequest({ ...want(newerBranch, t.baseBranch), title: 'Freeze testing' });

        await expect(forge.listBotChangeRequests()).resolves.toEqual([
          { number: newer.number, url: newer.url, title: 'Freeze testing', head: newerBranch, base: t.baseBranch },
          { number: older.number, url: older.url, title: 'Bump debian', head: branch, base: t.baseBranch },
        ]);
      });
    });

    describe('comments', () => {
      it('edits its comment carrying the same marker, and posts one per marker', async () => {
        const issue = await forge.ensureIssue({ marker: marker('x'), title: 'Dashboard', body: marker('x') });
        const on: Thread = { kind: 'issue', number: issue.number };
        const first = await forge.ensureComment(on, 'reply:1', 'Working on it.');
        const again = await forge.ensureComment(on, 'reply:1', 'Done: see the pull request.');
        expect(again.url).toBe(first.url);
        await expect(t.comments(on)).resolves.toEqual([expect.stringContaining('Done: see the pull request.')]);

        const other = await forge.ensureComment(on, 'reply:2', 'Another request.');
        expect(other.url).not.toBe(first.url);
        const comments = await t.comments(on);
        expect(comments).toHaveLength(2);
        expect(comments[1]).toContain('Another request.');
      });

      it('comments on a pull request', async () => {
        await forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian');
        const { number } = await forge.ensureChangeRequest({
          head: branch,
          base: t.baseBranch,
          title: 'Bump debian',
          body: 'Bumps the serial.',
        });
        const on: Thread = { kind: 'change-request', number };
        const first = await forge.ensureComment(on, 'thaw', 'testing thawed.');
        await expect(forge.ensureComment(on, 'thaw', 'testing thawed.')).resolves.toEqual(first);
        await expect(t.comments(on)).resolves.toEqual([expect.stringContaining('testing thawed.')]);
      });
    });

    describe('permissions', () => {
      it.each(PERMISSIONS)('tells a user with %s permission', async (permission) => {
        await t.setPermission('someone-else', permission);
        await expect(forge.permissionOf({ login: 'someone-else' })).resolves.toBe(permission);
      });

      it('tells none for a user the forge does not know', async () => {
        await t.setPermission('known', 'write');
        await expect(forge.permissionOf({ login: 'stranger' })).resolves.toBe('none');
      });
    });

    describe('issues', () => {
      const warning = (body: string) => ({
        marker: marker('expiry'),
        title: 'APT snapshots expire soon',
        body: `${body}\n\n${marker('expiry')}`,
      });

      it('finds nothing before the bot opened an issue', async () => {
        await expect(forge.findIssue(marker('expiry'))).resolves.toBeUndefined();
      });

      it('opens the issue, leaves it when equal, edits it when different, and finds it', async () => {
        const created = await forge.ensureIssue(warning('debian expires in 5 days.'));
        const info = {
          number: created.number,
          url: created.url,
          state: 'open',
          title: 'APT snapshots expire soon',
          body: warning('debian expires in 5 days.').body,
        };
        expect(created).toEqual({ ...info, status: 'created' });
        await expect(forge.findIssue(marker('expiry'))).resolves.toEqual(info);
        await expect(forge.ensureIssue(warning('debian expires in 5 days.'))).resolves.toEqual({
          ...info,
          status: 'unchanged',
        });
        const found = await forge.findIssue(marker('expiry'));
        await expect(forge.ensureIssue(warning('debian expires in 5 days.'), found)).resolves.toEqual({
          ...info,
          status: 'unchanged',
        });

        const updated = { ...info, body: warning('debian expires in 4 days.').body };
        await expect(forge.ensureIssue(warning('debian expires in 4 days.'), found)).resolves.toEqual({
          ...updated,
          status: 'updated',
        });
        await expect(forge.findIssue(marker('expiry'))).resolves.toEqual(updated);
      });

      it('opens a new issue when handed none, whatever is open', async () => {
        const open = await forge.ensureIssue(warning('debian expires in 5 days.'));
        const fresh = await forge.ensureIssue(warning('debian expires in 5 days.'), null);
        expect(fresh).toMatchObject({ status: 'created', state: 'open' });
        expect(fresh.number).not.toBe(open.number);
      });

      it('closes the issue with one comment; closing it again changes nothing', async () => {
        const { number } = await forge.ensureIssue(warning('debian expires in 5 days.'));
        await forge.closeIssue(number, 'The snapshots were bumped.');
        await expect(forge.findIssue(marker('expiry'))).resolves.toMatchObject({ number, state: 'closed' });
        await forge.closeIssue(number, 'The snapshots were bumped.');
        await expect(t.comments({ kind: 'issue', number })).resolves.toEqual([
          expect.stringContaining('The snapshots were bumped.'),
        ]);
      });

      it('opens a new issue rather than reopen a closed one, and prefers the open one', async () => {
        const first = await forge.ensureIssue(warning('debian expires in 5 days.'));
        await forge.closeIssue(first.number, 'Bumped.');
        const second = await forge.ensureIssue(warning('debian expires in 3 days.'));
        expect(second).toMatchObject({ status: 'created', state: 'open' });
        expect(second.number).not.toBe(first.number);
        // A comment on the closed one makes it the one updated last: the open one still wins.
        await forge.ensureComment({ kind: 'issue', number: first.number }, 'late', 'A late word.');
        await expect(forge.findIssue(marker('expiry'))).resolves.toMatchObject({
          number: second.number,
          state: 'open',
        });
      });

      it('finds, of closed issues only, the one updated last', async () => {
        const first = await forge.ensureIssue(warning('debian expires in 5 days.'));
        await forge.closeIssue(first.number, 'Bumped.');
        const second = await forge.ensureIssue(warning('torproject expires in 5 days.'));
        await forge.closeIssue(second.number, 'Bumped.');
        await expect(forge.findIssue(marker('expiry'))).resolves.toMatchObject({ number: second.number });
        await forge.ensureComment({ kind: 'issue', number: first.number }, 'late', 'A late word.');
        await expect(forge.findIssue(marker('expiry'))).resolves.toMatchObject({
          number: first.number,
          state: 'closed',
        });
      });

      it('with atStart, finds only a body that starts with the marker', async () => {
        const dashboard = await forge.ensureIssue({
          marker: marker('dashboard'),
          title: 'Dashboard',
          body: `${marker('dashboard')}\nThe state of the freezes.`,
        });
        await forge.ensureIssue(warning('debian expires in 5 days.'));
        await expect(forge.findIssue(marker('dashboard'), { atStart: true })).resolves.toMatchObject({
          number: dashboard.number,
        });
        await expect(forge.findIssue(marker('expiry'), { atStart: true })).resolves.toBeUndefined();
        await expect(forge.findIssue(marker('expiry'))).resolves.toMatchObject({ state: 'open' });
      });

      it('finds only issues the bot opened, not a person’s issue nor a pull request quoting the marker', async () => {
        await t.openIssueAsPerson('About the warning', `It said ${marker('expiry')}`);
        await forge.ensureBranch(branch, t.baseSha, EDITS, 'Bump debian');
        await forge.ensureChangeRequest({
          head: branch,
          base: t.baseBranch,
          title: 'Bump debian',
          body: `Fixes the warning.\n\n${marker('expiry')}`,
        });
        await expect(forge.findIssue(marker('expiry'))).resolves.toBeUndefined();
      });

      it('refuses an issue whose body lacks its marker, naming the marker', async () => {
        await expect(
          forge.ensureIssue({ marker: marker('expiry'), title: 'Warning', body: 'no marker here' }),
        ).rejects.toThrow(marker('expiry'));
        await expect(forge.findIssue(marker('expiry'))).resolves.toBeUndefined();
      });
    });
  });
}
