import { updateDashboard } from '../../src/app/dashboard-update.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { issueEditedEvent } from '../../src/adapters/github/events.js';
import { onDashboardEdit } from '../../src/app/on-dashboard-edit.js';
import type { IssueEditedEvent } from '../../src/ports/forge-events.js';
import { refreshRepository } from '../../src/app/refresh-repository.js';
import type { HistoryCommit, HistoryReader } from '../../src/ports/history.js';
import { DASHBOARD_MARKER, tickedRequests } from '../../src/report/dashboard.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { memoryDeps, type MemoryDeps } from '../helpers/memory-deps.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { tailsTree } from '../helpers/snapshot.js';

const NOW = new Date('2021-05-14T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const sha = (pair: string) => pair.repeat(20);
const SHAS = { testing1: sha('a1'), testing2: sha('a2'), devel1: sha('d1'), stable1: sha('5a') };

/** testing thawed, then frozen on 2021-05-10; devel thawed; stable frozen. */
function reader(): MemoryReader {
  const testingThawed = tailsTree({ baseBranch: 'testing' });
  const testingFrozen = tailsTree({ baseBranch: 'testing', main: FROZEN });
  const devel = tailsTree({ baseBranch: 'devel' });
  const stable = tailsTree({ baseBranch: 'stable', main: FROZEN });
  return new MemoryReader(
    {
      [SHAS.testing1]: testingThawed,
      [SHAS.testing2]: testingFrozen,
      'refs/heads/testing': testingFrozen,
      [SHAS.devel1]: devel,
      'refs/heads/devel': devel,
      [SHAS.stable1]: stable,
      'refs/heads/stable': stable,
    },
    { [SHAS.testing2]: SHAS.testing1, 'refs/heads/testing': SHAS.testing1 },
  );
}

class FixedHistory implements HistoryReader {
  readonly asked: string[] = [];
  constructor(private readonly commits: Record<string, HistoryCommit[]>) {}
  async firstParentHistory(branch: string, options: { since: Date; stopAt?: string }): Promise<HistoryCommit[]> {
    this.asked.push(`${branch}${options.stopAt ? ` after ${options.stopAt.slice(0, 7)}` : ''}`);
    const all = this.commits[branch] ?? [];
    const from = options.stopAt === undefined ? -1 : all.findIndex((c) => c.sha === options.stopAt);
    return all.slice(from + 1);
  }
}

const commit = (s: string, daysAgo: number, fingerprint: string, parent?: string): HistoryCommit => ({
  sha: s,
  date: new Date(NOW.getTime() - daysAgo * DAY),
  subject: `commit ${s.slice(0, 2)}`,
  fingerprint,
  ...(parent === undefined ? {} : { parent }),
});

function history(): FixedHistory {
  return new FixedHistory({
    testing: [commit(SHAS.testing1, 40, 'thawed'), commit(SHAS.testing2, 4, 'frozen', SHAS.testing1)],
    devel: [commit(SHAS.devel1, 100, 'devel')],
    stable: [commit(SHAS.stable1, 60, 'stable')],
  });
}

function server(): FakeSnapshotServer {
  const valid = new Date(NOW.getTime() + 100 * DAY);
  return new FakeSnapshotServer({
    latest: { debian: '2021051401', 'debian-security': '2021051401', torproject: '2021051301', tails: '2021050302' },
    expiries: {
      'debian/2021051301': valid,
      'torproject/2021051301': valid,
      'debian/2021042702': valid,
      'debian-security/2021042702': valid,
      'tails/2021050302': valid,
    },
  });
}

function setup(): MemoryDeps {
  const m = memoryDeps({ reader: reader(), now: NOW, server: server(), tags: ['4.18', '4.19-rc1', 'not-a-release'] });
  m.forge.permissions.set('rm', 'write');
  m.forge.permissions.set('passer-by', 'read');
  return m;
}

/** A person's edit of the dashboard (#1), as GitHub reports it: the body after, and before. */
function edited(m: MemoryDeps, sender: string, body: string): IssueEditedEvent {
  const from = m.forge.issue(1).body;
  m.forge.editIssue(1, body);
  return issueEditedEvent({
    issue: { number: 1, body, updated_at: '2021-05-14T10:00:00Z' },
    changes: { body: { from } },
    sender: { login: sender },
  });
}

const tick = (body: string, marker: string) => body.replace(`- [ ] ${marker}`, `- [x] ${marker}`);
const BUMP_TESTING = '<!-- apt-snapshots-request:bump:testing -->';

describe('updateDashboard', () => {
  it('opens the dashboard with every base branch, its timeline, the last release and the boxes; a second run changes nothing', async () => {
    const m = setup();
    const h = history();
    await expect(updateDashboard(m.deps, h, defaultConfig())).resolves.toBe('created');
    const issue = m.forge.issue(1);
    expect(issue.title).toBe('APT snapshots dashboard');
    expect(issue.body).toContain(DASHBOARD_MARKER);
    for (const branch of ['stable', 'testing', 'devel']) expect(issue.body).toContain(branch);
    expect(issue.body).toContain('```mermaid');
    expect(issue.body).toContain('4.19-rc1');
    expect(issue.body).toContain(BUMP_TESTING);
    expect(tickedRequests(issue.body)).toEqual([]);

    await expect(updateDashboard(m.deps, h, defaultConfig())).resolves.toBe('unchanged');
    // The second run read only what was pushed since the first, from the timeline the first left in the issue.
    expect(h.asked.slice(3)).toEqual(['stable after 5a5a5a5', 'testing after a2a2a2a', 'devel after d1d1d1d']);
  });

  it('keeps what a person wrote around its part', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const body = m.forge.issue(1).body;
    m.forge.editIssue(1, `Notes of the RM.\n\n${body}\n\nMore notes.`);
    m.deps.now = new Date(NOW.getTime() + DAY);
    await expect(updateDashboard(m.deps, history(), defaultConfig())).resolves.toBe('updated');
    const after = m.forge.issue(1).body;
    expect(after.startsWith('Notes of the RM.\n\n')).toBe(true);
    expect(after.endsWith('\n\nMore notes.')).toBe(true);
  });

  it('shows the last release with its release check and the jobs claimed for it', async () => {
    const m = setup();
    m.forge.refs.set('4.19-rc1', SHAS.testing2);
    await m.forge.ensureCheck({
      name: 'APT snapshots: release',
      headSha: SHAS.testing2,
      conclusion: 'success',
      title: 'Release 4.19-rc1',
      summary: '',
      annotations: [],
      fixes: [],
    });
    await m.claims.claim('4.19-rc1', 'tag-apt-snapshots', 1, SHAS.testing2);
    await m.claims.record('4.19-rc1', 'tag-apt-snapshots', 1, SHAS.testing2, 'started');
    await updateDashboard(m.deps, history(), defaultConfig());
    expect(m.forge.issue(1).body).toContain(
      '**Last release:** `4.19-rc1` at [`a2a2a2a`](https://github.com/tails/tails/commit/a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2); release check: [success](https://forge.example/checks/1); jobs: `tag-apt-snapshots` started.',
    );
  });

  it('writes the rest of the dashboard when the last release cannot be read', async () => {
    const m = setup();
    m.deps.release.tags = () => Promise.reject(new Error('GitHub answered 502'));
    await expect(updateDashboard(m.deps, history(), defaultConfig())).resolves.toBe('created');
    expect(m.forge.issue(1).body).toContain('**Last release:** not known here.');
    expect(m.logged).toContain('the last release is not known');
  });

  it('leaves a dashboard a person closed alone', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    m.forge.issue(1).state = 'closed';
    await expect(updateDashboard(m.deps, history(), defaultConfig())).resolves.toBe('closed-by-person');
    expect(m.forge.issues).toHaveLength(1);
  });
});

describe('onDashboardEdit', () => {
  it('does what a writer ticked, unticks the box and says what became of it', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const payload = edited(m, 'rm', tick(m.forge.issue(1).body, BUMP_TESTING));
    await expect(onDashboardEdit(m.deps, payload)).resolves.toBe('done');
    expect(tickedRequests(m.forge.issue(1).body)).toEqual([]);
    expect(m.forge.pullRequests.map((p) => `${p.head} -> ${p.base}`)).toEqual([
      'apt-snapshots-bot/bump-testing -> testing',
    ]);
    expect(m.forge.pullRequests[0]?.body).toContain('Requested by @rm on the dashboard (#1).');
    const [reply] = m.forge.issue(1).comments;
    expect(reply?.body).toMatch(/^@rm /);
    expect(reply?.body).toContain('Bump `testing`');
  });

  it('unticks the box of someone without write access, does nothing, and says why', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const payload = edited(m, 'passer-by', tick(m.forge.issue(1).body, BUMP_TESTING));
    await expect(onDashboardEdit(m.deps, payload)).resolves.toBe('refused');
    expect(tickedRequests(m.forge.issue(1).body)).toEqual([]);
    expect(m.forge.pullRequests).toEqual([]);
    expect(m.forge.issue(1).comments.map((c) => c.body)).toEqual([
      expect.stringMatching(
        /^@passer-by thanks, but only people with write access .* yours is `read`\. I unticked the box/,
      ),
    ]);
  });

  it('answers whatever the login and the time look like (GitLab: 255 characters, "2026-12-01 09:30:12 UTC")', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const login = `project_12345_bot_${'a'.repeat(237)}`;
    m.forge.permissions.set(login, 'write');
    const from = m.forge.issue(1).body;
    const body = tick(from, BUMP_TESTING);
    m.forge.editIssue(1, body);
    const event = issueEditedEvent({
      issue: { number: 1, body, updated_at: '2021-05-14 10:00:00 UTC' },
      changes: { body: { from } },
      sender: { login },
    });

    await expect(onDashboardEdit(m.deps, event)).resolves.toBe('done');
    const [reply, ...more] = m.forge.issue(1).comments;
    expect(more).toEqual([]);
    expect(reply?.body).toMatch(/^@project\\_12345\\_bot\\_a{237} here is what became of what you ticked/);
  });

  it('does nothing more when the same edit is delivered again', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const payload = edited(m, 'rm', tick(m.forge.issue(1).body, BUMP_TESTING));
    await onDashboardEdit(m.deps, payload);
    const writes = m.forge.writes.length;
    await expect(onDashboardEdit(m.deps, payload)).resolves.toBe('nothing-ticked');
    expect(m.forge.writes).toHaveLength(writes);
    expect(m.forge.pullRequests).toHaveLength(1);
  });

  it('keeps a person’s text when it unticks', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const payload = edited(m, 'rm', `Freezing today.\n\n${tick(m.forge.issue(1).body, BUMP_TESTING)}`);
    await onDashboardEdit(m.deps, payload);
    expect(m.forge.issue(1).body.startsWith('Freezing today.\n\n')).toBe(true);
  });

  it('leaves alone a person’s issue that quotes the dashboard, and makes no request for other edits', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const ticked = tick(m.forge.issue(1).body, BUMP_TESTING);
    m.forge.writes.length = 0;
    // Issue #99 is a person's: the bot's dashboard is #1.
    const payload = {
      issue: { number: 99, body: ticked, updated_at: 'x' },
      changes: { body: { from: ticked.replace('- [x]', '- [ ]') } },
      sender: { login: 'rm' },
    };
    await expect(onDashboardEdit(m.deps, issueEditedEvent(payload))).resolves.toBe('not-the-dashboard');
    await expect(
      onDashboardEdit(
        m.deps,
        issueEditedEvent({ ...payload, issue: { ...payload.issue, body: 'an unrelated issue' } }),
      ),
    ).resolves.toBe('not-the-dashboard');
    expect(m.forge.writes).toEqual([]);
    expect(m.forge.pullRequests).toEqual([]);
  });
});

describe('a dashboard request, carefully', () => {
  it('takes an edit of the title alone for what it is: nothing ticked, the boxes left to their own webhooks', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    edited(m, 'rm', tick(m.forge.issue(1).body, BUMP_TESTING));
    const retitled = issueEditedEvent({
      issue: { number: 1, body: m.forge.issue(1).body, updated_at: 'y' },
      sender: { login: 'passer-by' },
    });
    await expect(onDashboardEdit(m.deps, retitled)).resolves.toBe('nothing-ticked');
    expect(tickedRequests(m.forge.issue(1).body)).toEqual([{ action: 'bump', branch: 'testing' }]);
  });

  it('does nothing from a dashboard a person closed, and opens no other', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const payload = edited(m, 'rm', tick(m.forge.issue(1).body, BUMP_TESTING));
    m.forge.issue(1).state = 'closed';
    await expect(onDashboardEdit(m.deps, payload)).resolves.toBe('not-the-dashboard');
    expect(m.forge.issues).toHaveLength(1);
    expect(m.forge.pullRequests).toEqual([]);
  });

  it('is not this sender’s to answer for when the box was ticked before their edit', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    edited(m, 'passer-by', tick(m.forge.issue(1).body, BUMP_TESTING));
    // rm edits the text; the box ticked by passer-by is in the body before and after rm's edit.
    const payload = edited(m, 'rm', `A note.\n\n${m.forge.issue(1).body}`);
    await expect(onDashboardEdit(m.deps, payload)).resolves.toBe('nothing-ticked');
    expect(m.forge.pullRequests).toEqual([]);
    expect(tickedRequests(m.forge.issue(1).body)).toEqual([{ action: 'bump', branch: 'testing' }]);
  });

  it('unticks only what this edit ticked, leaving another person’s box for its own webhook', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const first = edited(m, 'rm', tick(m.forge.issue(1).body, BUMP_TESTING));
    edited(m, 'rm', tick(m.forge.issue(1).body, '<!-- apt-snapshots-request:bump:stable -->'));
    await expect(onDashboardEdit(m.deps, first)).resolves.toBe('done');
    expect(tickedRequests(m.forge.issue(1).body)).toEqual([{ action: 'bump', branch: 'stable' }]);
  });

  it('leaves the box ticked when it cannot tell who may ask, so that a redelivery can', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const payload = edited(m, 'rm', tick(m.forge.issue(1).body, BUMP_TESTING));
    m.forge.permissionOf = () => Promise.reject(new Error('GitHub answered 502'));
    await expect(onDashboardEdit(m.deps, payload)).rejects.toThrow('GitHub answered 502');
    expect(tickedRequests(m.forge.issue(1).body)).toEqual([{ action: 'bump', branch: 'testing' }]);
  });

  it('ignores a box a person wrote for a branch that is no base branch', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    const body = m.forge
      .issue(1)
      .body.replace(
        '- [ ] <!-- apt-snapshots-request:bump:stable -->',
        '- [x] <!-- apt-snapshots-request:bump:feature%2F1234-x -->',
      );
    await expect(onDashboardEdit(m.deps, edited(m, 'rm', body))).resolves.toBe('nothing-ticked');
    expect(m.forge.pullRequests).toEqual([]);
  });

  it('keeps a box ticked across a rewrite of the dashboard, and what a person wrote meanwhile', async () => {
    const m = setup();
    await updateDashboard(m.deps, history(), defaultConfig());
    edited(m, 'rm', tick(m.forge.issue(1).body, BUMP_TESTING));
    m.deps.now = new Date(NOW.getTime() + 2 * DAY);
    // The person writes while the refresh reads the history.
    const slow = history();
    const read = slow.firstParentHistory.bind(slow);
    slow.firstParentHistory = async (branch, options) => {
      if (branch === 'devel') m.forge.editIssue(1, `Written meanwhile.\n\n${m.forge.issue(1).body}`);
      return read(branch, options);
    };
    await expect(updateDashboard(m.deps, slow, defaultConfig())).resolves.toBe('updated');
    const after = m.forge.issue(1).body;
    expect(after.startsWith('Written meanwhile.\n\n')).toBe(true);
    expect(tickedRequests(after)).toEqual([{ action: 'bump', branch: 'testing' }]);
  });
});

describe('refreshRepository', () => {
  it('runs one refresh of a repository at a time: two at once open one issue of each kind', async () => {
    const m = setup();
    (m.deps.server as FakeSnapshotServer).expiries.set('debian/2021051301', new Date(NOW.getTime() + 5 * DAY));
    await Promise.all([refreshRepository(m.deps, history()), refreshRepository(m.deps, history())]);
    expect(m.forge.issues.map((i) => i.title).sort()).toEqual([
      'APT snapshots dashboard',
      'APT snapshots pinned by stable expire soon',
      'APT snapshots pinned by testing expire soon',
    ]);
  });

  it('watches every base branch and updates the dashboard; one branch that cannot be read stops neither', async () => {
    const m = setup();
    m.deps.defaults = {
      ...m.deps.defaults,
      branches: { ...m.deps.defaults.branches, base: ['stable', 'testing', 'devel', 'feature/gone'] },
    };
    const outcome = await refreshRepository(m.deps, history());
    expect(outcome.dashboard).toBe('created');
    expect(outcome.expiry).toEqual({ stable: 'quiet', testing: 'quiet', devel: 'quiet', 'feature/gone': 'failed' });
    expect(m.logged).toContain('expiry watch failed');
  });
});
