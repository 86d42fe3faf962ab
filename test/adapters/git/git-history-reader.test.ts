import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GitHistoryReader, NO_CHANGE_YET } from '../../../src/adapters/git/git-history-reader.js';
import { ReadError } from '../../../src/errors.js';
import type { HistoryCommit } from '../../../src/ports/history.js';
import { commitFiles, makeRepo, runIn, type TestRepo } from '../../helpers/git-repo.js';

const SET = 'config/APT_snapshots.d';
const SERIAL = `${SET}/debian/serial`;
const PATHS = [SET, '.github/apt-snapshots.yml'];
const day = (d: number) => new Date(Date.UTC(2021, 4, d, 10));
const LONG_AGO = new Date(0);

async function commitOn(repo: TestRepo, date: Date, args: string[]): Promise<string> {
  const stamp = `${date.getTime() / 1000} +0000`;
  await runIn(repo.dir, { ...repo.env, GIT_AUTHOR_DATE: stamp, GIT_COMMITTER_DATE: stamp }, args);
  return (await repo.git(['rev-parse', 'HEAD'])).trim();
}

/** What the paths hold at a commit, as Git identifies it: equal fingerprints must mean equal content. */
async function content(repo: TestRepo, sha: string): Promise<string> {
  const ids = await Promise.all(
    PATHS.map((p) => repo.git(['rev-parse', '--verify', '--quiet', `${sha}:${p}`]).catch(() => 'absent')),
  );
  return ids.join(' ');
}

describe('GitHistoryReader', () => {
  let repo: TestRepo & { commit: string };
  type Name = 'root' | 'pin' | 'unrelated' | 'topicPin' | 'topicOther' | 'develOther' | 'mergePin' | 'mergeOurs';
  const c = {} as Record<Name | 'mergeDocs' | 'rules' | 'thaw', string>;
  let reader: GitHistoryReader;

  beforeAll(async () => {
    repo = await makeRepo({ README: 'Tails\n' }, { date: day(1), message: 'Before APT snapshots' });
    c.root = repo.commit;
    c.pin = await commitFiles(repo, { [SERIAL]: 'latest\n' }, 'Add APT snapshots', { date: day(2) });
    c.unrelated = await commitFiles(repo, { README: 'Tails OS\n' }, 'Unrelated', { date: day(3) });
    // A topic branch pins a serial; merging it into devel is the only change devel sees.
    await repo.git(['checkout', '--quiet', '-b', 'topic']);
    c.topicPin = await commitFiles(repo, { [SERIAL]: '2021050401\n' }, 'Pin on the topic branch', { date: day(4) });
    c.topicOther = await commitFiles(repo, { NEWS: 'x\n' }, 'Other topic work', { date: day(5) });
    await repo.git(['checkout', '--quiet', 'devel']);
    c.develOther = await commitFiles(repo, { README: 'Tails!\n' }, 'Devel moves on', { date: day(6) });
    c.mergePin = await commitOn(repo, day(7), ['merge', '--quiet', '--no-ff', '-m', 'Merge topic (pin)', 'topic']);
    // A second topic changes the serial, but the merge keeps devel's (-s ours): no change on devel.
    await repo.git(['checkout', '--quiet', '-b', 'ignored', 'topic']);
    await commitFiles(repo, { [SERIAL]: '2021050901\n' }, 'Another pin', { date: day(8) });
    await repo.git(['checkout', '--quiet', 'devel']);
    c.mergeOurs = await commitOn(repo, day(9), [
      'merge',
      '--quiet',
      '-s',
      'ours',
      '-m',
      'Merge keeping ours',
      'ignored',
    ]);
    // A merge that brings nothing under the paths.
    await repo.git(['checkout', '--quiet', '-b', 'docs', 'devel']);
    await commitFiles(repo, { 'doc.txt': 'doc\n' }, 'Docs', { date: day(10) });
    await repo.git(['checkout', '--quiet', 'devel']);
    c.mergeDocs = await commitOn(repo, day(11), ['merge', '--quiet', '--no-ff', '-m', 'Merge docs', 'docs']);
    c.rules = await commitFiles(repo, { '.github/apt-snapshots.yml': 'bot: {}\n' }, 'Rules', { date: day(12) });
    c.thaw = await commitFiles(repo, { [SERIAL]: 'latest\n' }, 'Thaw', { date: day(13) });
    reader = new GitHistoryReader(repo.dir, { env: repo.env });
  });
  afterAll(() => repo.cleanup());

  const history = (options: Partial<{ since: Date; stopAt: string; paths: string[] }> = {}, branch = 'devel') =>
    reader.firstParentHistory(branch, { since: LONG_AGO, paths: PATHS, ...options });

  it('lists the first-parent commits oldest first, each with its first parent', async () => {
    const commits = await history();
    expect(commits.map((x) => x.sha)).toEqual([
      c.root,
      c.pin,
      c.unrelated,
      c.develOther,
      c.mergePin,
      c.mergeOurs,
      c.mergeDocs,
      c.rules,
      c.thaw,
    ]);
    expect(commits[0]).toEqual({
      sha: c.root,
      date: day(1),
      subject: 'Before APT snapshots',
      fingerprint: NO_CHANGE_YET,
    });
    expect(commits.slice(1).map((x) => x.parent)).toEqual(commits.slice(0, -1).map((x) => x.sha));
  });

  it('fingerprints each commit by the newest commit at or before it that changed the paths, merges included', async () => {
    const fingerprints = Object.fromEntries((await history()).map((x) => [x.subject, x.fingerprint]));
    expect(fingerprints).toEqual({
      'Before APT snapshots': NO_CHANGE_YET,
      'Add APT snapshots': c.pin,
      Unrelated: c.pin,
      'Devel moves on': c.pin,
      'Merge topic (pin)': c.mergePin,
      'Merge keeping ours': c.mergePin,
      'Merge docs': c.mergePin,
      Rules: c.rules,
      Thaw: c.thaw,
    });
  });

  it('gives equal fingerprints only to commits whose paths hold the same content', async () => {
    const commits = await history();
    const contents = await Promise.all(commits.map((x) => content(repo, x.sha)));
    commits.forEach((a, i) =>
      commits.forEach((b, j) => {
        if (a.fingerprint === b.fingerprint) expect([a.subject, contents[i]]).toEqual([a.subject, contents[j]]);
      }),
    );
    // Consecutive commits whose fingerprints differ really differ (thaw back to latest differs from the pin).
    for (let i = 1; i < commits.length; i += 1) {
      const [prev, next] = [commits[i - 1] as HistoryCommit, commits[i] as HistoryCommit];
      if (prev.fingerprint !== next.fingerprint) expect(contents[i]).not.toBe(contents[i - 1]);
    }
  });

  it('keeps the commits committed since `since`, preceded by the last one before it, fingerprinted by changes before it', async () => {
    const commits = await history({ since: day(10) });
    expect(commits.map((x) => [x.subject, x.fingerprint])).toEqual([
      // Of day 9: the state the window starts in.
      ['Merge keeping ours', c.mergePin],
      ['Merge docs', c.mergePin],
      ['Rules', c.rules],
      ['Thaw', c.thaw],
    ]);
  });

  it('stops after `stopAt`, leaving it out', async () => {
    expect((await history({ stopAt: c.mergeDocs })).map((x) => x.sha)).toEqual([c.rules, c.thaw]);
    expect(await history({ stopAt: c.thaw })).toEqual([]);
    // Even when it is the last commit before `since`: the caller has it.
    expect((await history({ stopAt: c.mergeDocs, since: day(12) })).map((x) => x.sha)).toEqual([c.rules, c.thaw]);
  });

  it('answers the tip alone when it is older than `since`: the state all through the window', async () => {
    expect((await history({ since: day(20) })).map((x) => [x.sha, x.fingerprint])).toEqual([[c.thaw, c.thaw]]);
    expect(await history({ since: day(20), stopAt: c.thaw })).toEqual([]);
  });

  it('reads everything when `stopAt` is not in the history (a rewritten branch)', async () => {
    expect(await history({ stopAt: c.topicPin })).toHaveLength(9);
  });

  it('ends the history at the first commit dated before `since` from the tip, as the GraphQL reader does', async () => {
    const r = await makeRepo({ [SERIAL]: 'latest\n' }, { date: day(1) });
    try {
      await commitFiles(r, { README: 'a\n' }, 'In the window', { date: day(5) });
      const backdated = await commitFiles(r, { [SERIAL]: '2021050101\n' }, 'Backdated pin', { date: day(2) });
      await commitFiles(r, { README: 'b\n' }, 'After', { date: day(6) });
      const commits = await new GitHistoryReader(r.dir, { env: r.env }).firstParentHistory('devel', {
        since: day(4),
        paths: PATHS,
      });
      // Committer dates need not grow: the backdated commit is the state the window starts in, and what
      // came before it is not read, though dated within the window.
      expect(commits.map((x) => [x.subject, x.fingerprint])).toEqual([
        ['Backdated pin', backdated],
        ['After', backdated],
      ]);
    } finally {
      await r.cleanup();
    }
  });

  it('reads paths literally, never as globs', async () => {
    const commits = await history({ paths: ['config/*'] });
    expect(new Set(commits.map((x) => x.fingerprint))).toEqual(new Set([NO_CHANGE_YET]));
  });

  it('reads the revision revisionOf names for a branch', async () => {
    await repo.git(['update-ref', 'refs/remotes/origin/testing', c.mergePin]);
    const remote = new GitHistoryReader(repo.dir, { env: repo.env, revisionOf: (b) => `refs/remotes/origin/${b}` });
    const commits = await remote.firstParentHistory('testing', { since: LONG_AGO, paths: PATHS });
    expect(commits.map((x) => x.sha).at(-1)).toBe(c.mergePin);
  });

  it('refuses a branch that does not exist, naming it and the repository', async () => {
    const read = history({}, 'no-such-branch');
    await expect(read).rejects.toThrow(ReadError);
    await expect(read).rejects.toThrow(/refs\/heads\/no-such-branch.*in repository/);
  });

  it('refuses a revision git would take for an option', async () => {
    const odd = new GitHistoryReader(repo.dir, { env: repo.env, revisionOf: () => '--all' });
    await expect(odd.firstParentHistory('devel', { since: LONG_AGO, paths: PATHS })).rejects.toThrow(
      /"--all" is not a valid revision of devel/,
    );
  });

  it('runs two git commands whatever the length of the history', async () => {
    const trace = join(repo.dir, '..', 'trace');
    const traced = new GitHistoryReader(repo.dir, { env: { ...repo.env, GIT_TRACE: trace } });
    const count = async (since: Date) => {
      await rm(trace, { force: true });
      await traced.firstParentHistory('devel', { since, paths: PATHS });
      return (await readFile(trace, 'utf8')).split('\n').filter((line) => line.includes('built-in: git')).length;
    };
    expect(await count(LONG_AGO)).toBe(2);
    expect(await count(day(13))).toBe(2);
  });
});
