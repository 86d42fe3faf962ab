import { GitHistoryReader } from '../../src/adapters/git/git-history-reader.js';
import { GitRefReader } from '../../src/adapters/git/git-ref-reader.js';
import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import {
  dashboardFacts,
  historyPaths,
  offeredRequests,
  type DashboardBranch,
  type DashboardInputs,
} from '../../src/flow/dashboard-facts.js';
import type { HistoryReader } from '../../src/ports/history.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { commitFiles, makeRepo, type TestRepo } from '../helpers/git-repo.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const NOW = new Date('2021-05-20T12:00:00Z');
const at = (d: string) => ({ date: new Date(`${d}T10:00:00Z`) });
const BUILDER = { debian: '2021042702', 'debian-security': '2021042702', tails: '2021050302' };
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };

function server(): FakeSnapshotServer {
  return new FakeSnapshotServer({
    latest: { debian: '2021052001', 'debian-security': '2021052002', torproject: '2021051301', tails: '2021050302' },
    expiries: {
      'debian/2021051301': new Date('2021-11-13T10:00:00Z'),
      // Within the 30-day warning window of NOW.
      'torproject/2021051301': new Date('2021-06-01T10:00:00Z'),
      'debian/2021042702': new Date('2021-10-27T10:00:00Z'),
      'debian-security/2021042702': null,
      'tails/2021050302': new Date('2021-10-27T10:00:00Z'),
    },
  });
}

describe('dashboardFacts', () => {
  let repo: TestRepo & { commit: string };
  let reader: GitRefReader;
  const shas: Record<string, string> = {};

  beforeAll(async () => {
    repo = await makeRepo(tailsTree(), { ...at('2021-04-01'), message: 'Initial' });
    await repo.git(['branch', 'testing']);
    shas.unrelated = await commitFiles(repo, { README: 'x\n' }, 'Unrelated on devel', at('2021-04-20'));
    await repo.git(['checkout', '--quiet', 'testing']);
    shas.freeze = await commitFiles(
      repo,
      tailsTree({ baseBranch: 'testing', main: FROZEN, builder: BUILDER }),
      'Freeze APT snapshots for 4.19~rc1.',
      at('2021-05-13'),
    );
    // testing's own rules would make it a development branch: they must not judge it.
    shas.testingTip = await commitFiles(
      repo,
      { '.github/apt-snapshots.yml': 'branches:\n  development: [testing]\n' },
      'Edit the rules on testing',
      at('2021-05-14'),
    );
    await repo.git(['checkout', '--quiet', 'devel']);
    reader = await GitRefReader.open(repo.dir, { env: repo.env });
  });
  afterAll(async () => {
    await reader.close();
    await repo.cleanup();
  });

  const inputs = (more: Partial<DashboardInputs> = {}): DashboardInputs => ({
    repository: 'tails/tails',
    config: defaultConfig(),
    reader,
    history: new GitHistoryReader(repo.dir, { env: repo.env }),
    now: NOW,
    ...more,
  });
  const byName = (branches: DashboardBranch[], name: string) => branches.find((b) => b.branch === name);

  it('judges each base branch at its tip under the configuration given, with since when it is so', async () => {
    const facts = await dashboardFacts(inputs({ server: server() }));
    expect(facts.branches.map((b) => [b.branch, b.role, b.state])).toEqual([
      ['stable', 'release', 'unreadable'],
      ['testing', 'release', 'frozen'],
      ['devel', 'development', 'thawed'],
    ]);
    const testing = byName(facts.branches, 'testing') as DashboardBranch;
    expect(testing.tip).toEqual({
      sha: shas.testingTip,
      date: new Date('2021-05-14T10:00:00Z'),
      subject: 'Edit the rules on testing',
    });
    expect(testing.wrong).toEqual([]);
    expect(testing.since).toEqual({
      sha: shas.freeze,
      date: new Date('2021-05-13T10:00:00Z'),
      subject: 'Freeze APT snapshots for 4.19~rc1.',
    });
    expect(testing.sinceOrEarlier).toBe(false);
    // The root commit, within the history read: devel began so there, not earlier.
    expect(byName(facts.branches, 'devel')).toMatchObject({ since: { sha: repo.commit }, sinceOrEarlier: false });
  });

  it('does not say since when the tip fails a rule that asks the server, which the offline timeline cannot see', async () => {
    const expired = server();
    expired.expiries.set('torproject/2021051301', new Date('2021-05-19T10:00:00Z'));
    const facts = await dashboardFacts(inputs({ server: expired }));
    const testing = byName(facts.branches, 'testing') as DashboardBranch;
    expect(testing.wrong.map((w) => w.rule)).toEqual(['snapshot-expiry']);
    expect(testing.state).toBe('frozen');
    expect(testing.since).toBeUndefined();
    expect(testing.sinceOrEarlier).toBeUndefined();
    // devel pins no torproject snapshot: its since stands.
    expect(byName(facts.branches, 'devel')?.since?.sha).toBe(repo.commit);
  });

  it('says why a branch cannot be read, and goes on with the others', async () => {
    const facts = await dashboardFacts(inputs({ server: server() }));
    const stable = byName(facts.branches, 'stable') as DashboardBranch;
    expect(stable).toEqual({
      branch: 'stable',
      role: 'release',
      state: 'unreadable',
      wrong: [],
      serials: [],
      attention: [],
      error: expect.stringContaining('"refs/heads/stable" does not exist'),
    });
    expect(facts.timelines.map((t) => t.branch)).toEqual(['testing', 'devel']);
  });

  it('puts the serials beside the newest, and the nearest expiry and what needs attention', async () => {
    const facts = await dashboardFacts(inputs({ server: server() }));
    const testing = byName(facts.branches, 'testing') as DashboardBranch;
    expect(testing.serials).toEqual([
      { set: 'main', origin: 'debian', serial: '2021051301', newest: '2021052001' },
      { set: 'main', origin: 'debian-security', serial: 'latest', newest: '2021052002' },
      { set: 'main', origin: 'torproject', serial: '2021051301', newest: '2021051301' },
      { set: 'builder', origin: 'debian', serial: '2021042702', newest: '2021052001' },
      { set: 'builder', origin: 'debian-security', serial: '2021042702', newest: '2021052002' },
      { set: 'builder', origin: 'tails', serial: '2021050302', newest: '2021050302' },
    ]);
    expect(testing.nearestExpiry).toEqual({
      set: 'main',
      origin: 'torproject',
      serial: '2021051301',
      validUntil: new Date('2021-06-01T10:00:00Z'),
      status: 'expiring',
    });
    expect(testing.attention.map((s) => [s.origin, s.serial, s.status])).toEqual([
      ['torproject', '2021051301', 'expiring'],
    ]);
    expect(facts.newestError).toBeUndefined();
    expect(facts.expiryError).toBeUndefined();
  });

  it('asks the server each question once, however many branches and checks ask it', async () => {
    const fake = server();
    await dashboardFacts(inputs({ server: fake }));
    const asked = fake.calls.map((c) => JSON.stringify(c));
    expect(new Set(asked).size).toBe(asked.length);
    expect(
      fake.calls
        .filter((c) => c.method === 'latestSerial')
        .map((c) => c.origin)
        .sort(),
    ).toEqual(['debian', 'debian-security', 'tails', 'torproject']);
  });

  it('shows the newest serials the server could give, and says which it could not', async () => {
    const fake = server().fail('tails', 'HTTP 503 Service Unavailable');
    const facts = await dashboardFacts(inputs({ server: fake }));
    const devel = byName(facts.branches, 'devel') as DashboardBranch;
    expect(devel.serials.find((s) => s.origin === 'tails')).toEqual({
      set: 'builder',
      origin: 'tails',
      serial: '2021050302',
    });
    expect(devel.serials.find((s) => s.origin === 'debian')?.newest).toBe('2021052001');
    expect(facts.newestError).toMatch(/^the snapshot server could not give the newest serial of tails: .*503/);
  });

  it('offline, shows the serials and says that neither the newest nor the expiry was asked', async () => {
    const facts = await dashboardFacts(inputs());
    const testing = byName(facts.branches, 'testing') as DashboardBranch;
    expect(testing.serials.every((s) => s.newest === undefined)).toBe(true);
    expect(testing.attention).toEqual([]);
    expect(testing.nearestExpiry).toBeUndefined();
    expect(facts.newestError).toBe('the snapshot server was not asked (offline)');
    expect(facts.expiryError).toBe('the snapshot server was not asked (offline)');
  });

  it('reports the error findings at the tip as what is wrong, with since when', async () => {
    const left = await makeRepo(tailsTree(), { ...at('2021-04-01'), message: 'Thawed' });
    const r = await GitRefReader.open(left.dir, { env: left.env });
    try {
      const frozen = await commitFiles(
        left,
        tailsTree({ main: FROZEN }),
        'Merge testing, left frozen',
        at('2021-05-14'),
      );
      const facts = await dashboardFacts({
        ...inputs({ reader: r, history: new GitHistoryReader(left.dir, { env: left.env }) }),
        branches: ['devel'],
      });
      const [devel] = facts.branches;
      // debian-security stays latest: a freeze exception.
      expect(devel?.state).toBe('frozen');
      expect(new Set(devel?.wrong.map((w) => w.rule))).toEqual(new Set(['tracks-latest']));
      expect(devel?.wrong[0]?.message).toContain('devel was left frozen');
      expect(devel?.since?.sha).toBe(frozen);
      // Frozen, devel is to be thawed, not bumped.
      expect(facts.requests).toEqual([{ action: 'thaw', branch: 'devel' }]);
    } finally {
      await r.close();
      await left.cleanup();
    }
  });

  it('takes the timelines it is given, and then reads no history', async () => {
    const history: HistoryReader = {
      firstParentHistory: () => Promise.reject(new Error('the history must not be read')),
    };
    const facts = await dashboardFacts(inputs({ history, timelines: [{ branch: 'devel', periods: [] }] }));
    expect(facts.timelines).toEqual([{ branch: 'devel', periods: [] }]);
    expect(byName(facts.branches, 'devel')?.since).toBeUndefined();
  });

  it('does not say since when if the timeline ends in another state than the tip', async () => {
    const facts = await dashboardFacts(inputs());
    const stale = facts.timelines.map((t) => ({
      ...t,
      periods: t.periods.map((p) => ({ ...p, status: 'undecidable' as const })),
    }));
    const again = await dashboardFacts(inputs({ timelines: stale }));
    expect(again.branches.map((b) => b.since)).toEqual([undefined, undefined, undefined]);
  });

  it('reads the timelines over dashboard.history_days, from the last commit before them', async () => {
    const config: Config = { ...defaultConfig(), dashboard: { ...defaultConfig().dashboard, history_days: 10 } };
    const facts = await dashboardFacts(inputs({ config }));
    const testing = facts.timelines.find((t) => t.branch === 'testing');
    // Since 10 May: testing was thawed then, as its first commit left it.
    expect(testing?.periods.map((p) => [p.status, p.first.sha])).toEqual([
      ['thawed', repo.commit],
      ['frozen', shas.freeze],
    ]);
    expect(byName(facts.branches, 'testing')).toMatchObject({ since: { sha: shas.freeze }, sinceOrEarlier: false });
    // No commit on devel within the 10 days: the state it was in still tells since when, or earlier.
    expect(byName(facts.branches, 'devel')).toMatchObject({
      since: { sha: shas.unrelated, date: new Date('2021-04-20T10:00:00Z') },
      sinceOrEarlier: true,
    });
    expect(facts.historyDays).toBe(10);
  });

  it('offers the freeze of a release branch only while it is not frozen, and a bump of each frozen one', async () => {
    const facts = await dashboardFacts(inputs());
    // testing is frozen; devel is thawed, as it should be.
    expect(facts.requests).toEqual([{ action: 'bump', branch: 'testing' }]);
  });

  it('fingerprints the history over the sets, the configuration paths and the rules file', () => {
    expect(historyPaths(defaultConfig())).toEqual([
      PATHS.MAIN,
      PATHS.BUILDER,
      'config/base_branch',
      'config/APT_overlays.d',
      'config/chroot_apt/preferences',
      '.github/apt-snapshots.yml',
    ]);
  });
});

describe('offeredRequests', () => {
  const branch = (name: string, role: string, state: DashboardBranch['state']): DashboardBranch => ({
    branch: name,
    role,
    state,
    wrong: [],
    serials: [],
    attention: [],
  });

  it('never offers a freeze of an always-frozen branch, a bump of a development branch, nor anything for a branch it cannot read', () => {
    const config = defaultConfig();
    expect(
      offeredRequests(config, [
        branch('stable', 'release', 'thawed'),
        branch('testing', 'release', 'unreadable'),
        branch('devel', 'development', 'frozen'),
        branch('feature/bookworm', 'port', 'frozen'),
      ]),
    ).toEqual([
      { action: 'thaw', branch: 'devel' },
      { action: 'bump', branch: 'feature/bookworm' },
    ]);
  });

  it.each<[DashboardBranch['state'], string[]]>([
    ['thawed', ['freeze testing']],
    ['partly frozen', ['freeze testing', 'thaw devel']],
    ['undecidable', ['freeze testing', 'thaw devel']],
    ['frozen', ['thaw devel', 'bump testing']],
  ])('offers, for testing and devel both %s, only what would change them: %j', (state, offered) => {
    const requests = offeredRequests(defaultConfig(), [
      branch('testing', 'release', state),
      branch('devel', 'development', state),
    ]);
    expect(requests.map((r) => `${r.action} ${r.branch}`)).toEqual(offered);
  });
});
