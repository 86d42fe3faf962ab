import { GitRefReader } from '../../../src/adapters/git/git-ref-reader.js';
import { firstParentHistory, resolveBaseBranchRev } from '../../../src/adapters/git/history.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { readSpec } from '../../../src/domain/state.js';
import type { CommitInfo, RefSnapshot } from '../../../src/domain/tree.js';
import { cloneFixture, removeFixtureClone } from '../../helpers/fixture.js';
import { runIn } from '../../helpers/git-repo.js';
import { PATHS } from '../../helpers/snapshot.js';
import { countingSpawn } from './counting-spawn.js';

const { MAIN, BUILDER } = PATHS;
const SPEC = readSpec(defaultConfig(), { changelog: false });
const DEVEL_FIRST_PARENT_COMMITS = 808;

let repo: string;
beforeAll(async () => {
  repo = await cloneFixture();
});
afterAll(removeFixtureClone);

const text = (snapshot: RefSnapshot, path: string) => {
  const entry = snapshot.entries.get(path);
  return entry?.type === 'file' ? entry.content?.toString('utf8') : entry;
};

describe('the real Tails history', () => {
  let reader: GitRefReader;
  beforeAll(async () => {
    reader = await GitRefReader.open(repo);
  });
  afterAll(() => reader.close());

  it.each([
    ['bf1e35f', 'Freeze APT snapshots for 4.19~rc1.', '2021051301\n', 'latest\n', '2021051301\n'],
    ['207581b', 'Thaw APT snapshots.', 'latest\n', 'latest\n', 'latest\n'],
  ])('at %s "%s" reads the serials the commit set', async (rev, subject, debian, security, torproject) => {
    const snapshot = await reader.read(rev, SPEC);
    expect(snapshot.commit.subject).toBe(subject);
    expect(snapshot.commit.sha.startsWith(rev)).toBe(true);
    expect(
      [`${MAIN}/debian/serial`, `${MAIN}/debian-security/serial`, `${MAIN}/torproject/serial`].map((p) =>
        text(snapshot, p),
      ),
    ).toEqual([debian, security, torproject]);
  });

  it("reads devel's tip: thawed, builder frozen, every file the spec names", async () => {
    const snapshot = await reader.read('devel', readSpec(defaultConfig()));
    expect(snapshot.commit.subject).toBe('Remove freeze exceptions added for 4.22');
    expect(text(snapshot, 'config/base_branch')).toBe('devel\n');
    expect(text(snapshot, `${MAIN}/debian/serial`)).toBe('latest\n');
    expect(text(snapshot, `${BUILDER}/tails/serial`)).toMatch(/^20\d{8}\n$/);
    expect(snapshot.entries.get(`${MAIN}`)).toEqual({
      type: 'dir',
      names: ['.placeholder', 'debian', 'debian-security', 'torproject'],
    });
    expect(snapshot.entries.get('config/APT_overlays.d')).toEqual({ type: 'dir', names: ['.placeholder'] });
    expect(text(snapshot, 'debian/changelog')).toMatch(/^tails \(/);
  });

  it('reads the whole first-parent history of devel through one git process, agreeing with git log', async () => {
    const history = await firstParentHistory(repo, 'devel');
    expect(history).toHaveLength(DEVEL_FIRST_PARENT_COMMITS);
    const counter = countingSpawn();
    const oneProcess = await GitRefReader.open(repo, { spawn: counter.spawn });
    const commits: CommitInfo[] = [];
    try {
      for (const commit of history) commits.push((await oneProcess.read(commit.sha, SPEC)).commit);
    } finally {
      await oneProcess.close();
    }
    expect(counter.children).toHaveLength(1);
    expect(commits).toEqual(history);
  });

  it('reads the same serials as git show, on every 40th commit of devel', async () => {
    const history = await firstParentHistory(repo, 'devel');
    const sample = history.filter((_, i) => i % 40 === 0 || i === history.length - 1);
    for (const { sha } of sample) {
      const snapshot = await reader.read(sha, SPEC);
      const listing = await runIn(repo, process.env, ['ls-tree', '-r', '-z', '--name-only', sha, '--', MAIN, BUILDER]);
      const serials = listing.split('\0').filter((p) => p.endsWith('/serial'));
      const expected = await Promise.all(serials.map((p) => runIn(repo, process.env, ['show', `${sha}:${p}`])));
      expect(serials.map((p) => text(snapshot, p))).toEqual(expected);
      const seen = [...snapshot.entries].filter(([p, e]) => p.endsWith('/serial') && e.type === 'file').map(([p]) => p);
      expect(seen.sort()).toEqual([...serials].sort());
    }
  });

  it.each([
    ['devel', 'refs/heads/devel'],
    ['testing', 'refs/heads/testing'],
    ['feature/7674-libdvdcss2', 'refs/remotes/origin/feature/7674-libdvdcss2'],
    ['feature', undefined],
  ])('finds base branch %s at %s', async (branch, ref) => {
    expect(await resolveBaseBranchRev(repo, branch)).toBe(ref);
  });
});
