import { GitHistoryReader } from '../../../src/adapters/git/git-history-reader.js';
import { gitlabApi } from '../../../src/adapters/gitlab/client.js';
import { GitLabHistoryReader, NOT_CHANGED_YET } from '../../../src/adapters/gitlab/history-reader.js';
import { MissingRevisionError, ReadError } from '../../../src/errors.js';
import { ForgeError, isGone } from '../../../src/ports/forge-error.js';
import type { HistoryCommit } from '../../../src/ports/history.js';
import { commitFiles, makeRepo, runIn, type TestRepo } from '../../helpers/git-repo.js';
import { serveHistory } from '../../helpers/gitlab-history-stand-in.js';
import { startGitLabStandIn, type GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

const PROJECT = 'tails/tails';
const SET = 'config/APT_snapshots.d';
const SERIAL = `${SET}/debian/serial`;
const RULES = '.gitlab/apt-snapshots.yml';
const PATHS = [SET, RULES];
const day = (d: number) => new Date(Date.UTC(2021, 4, d, 10));
const LONG_AGO = new Date(0);

async function commitOn(repo: TestRepo, date: Date, args: string[]): Promise<string> {
  const stamp = `${date.getTime() / 1000} +0000`;
  await runIn(repo.dir, { ...repo.env, GIT_AUTHOR_DATE: stamp, GIT_COMMITTER_DATE: stamp }, args);
  return (await repo.git(['rev-parse', 'HEAD'])).trim();
}

/** What the paths hold at a commit, as Git identifies it. */
async function content(repo: TestRepo, sha: string): Promise<string> {
  const ids = await Promise.all(
    PATHS.map((p) => repo.git(['rev-parse', '--verify', '--quiet', `${sha}:${p}`]).catch(() => 'absent')),
  );
  return ids.join(' ');
}

/** Each fingerprint as the index of the first commit that has it: readers agree when these do. */
function partition(commits: readonly HistoryCommit[]): number[] {
  const first = new Map<string, number>();
  return commits.map((c, i) => {
    if (!first.has(c.fingerprint)) first.set(c.fingerprint, i);
    return first.get(c.fingerprint) as number;
  });
}

const withoutFingerprint = (commits: readonly HistoryCommit[]) =>
  commits.map((x) => ({ sha: x.sha, date: x.date, subject: x.subject, parent: x.parent }));

function readerFor(standIn: GitLabStandIn, options: { maxPages?: number; perPage?: number } = {}) {
  const api = gitlabApi({ host: standIn.url, token: standIn.token, sleep: async () => {} });
  return new GitLabHistoryReader(api, { id: PROJECT, webUrl: `${standIn.url}/${PROJECT}` }, options);
}

const listings = (standIn: GitLabStandIn) =>
  standIn.requests.map((r) => {
    if (r.path.includes('/branches/')) return `branch ${r.params.branch}`;
    const path = r.query.get('path');
    return `${path === null ? 'chain' : path} page ${r.query.get('page')}`;
  });

describe('GitLabHistoryReader', () => {
  let repo: TestRepo & { commit: string };
  const c = {} as Record<
    | 'root'
    | 'pin'
    | 'unrelated'
    | 'topicPin'
    | 'develOther'
    | 'mergePin'
    | 'mergeOurs'
    | 'mergeDocs'
    | 'rules'
    | 'thaw',
    string
  >;
  let git: GitHistoryReader;
  let standIn: GitLabStandIn;

  beforeAll(async () => {
    repo = await makeRepo({ README: 'Tails\n' }, { date: day(1), message: 'Before APT snapshots' });
    c.root = repo.commit;
    c.pin = await commitFiles(repo, { [SERIAL]: 'latest\n' }, 'Add APT snapshots', { date: day(2) });
    c.unrelated = await commitFiles(repo, { README: 'Tails OS\n' }, 'Unrelated', { date: day(3) });
    await repo.git(['checkout', '--quiet', '-b', 'topic']);
    c.topicPin = await commitFiles(repo, { [SERIAL]: '2021050401\n' }, 'Pin on the topic branch', { date: day(4) });
    await commitFiles(repo, { NEWS: 'x\n' }, 'Other topic work', { date: day(5) });
    await repo.git(['checkout', '--quiet', 'devel']);
    c.develOther = await commitFiles(repo, { README: 'Tails!\n' }, 'Devel moves on', { date: day(6) });
    c.mergePin = await commitOn(repo, day(7), ['merge', '--quiet', '--no-ff', '-m', 'Merge topic (pin)', 'topic']);
    await repo.git(['checkout', '--quiet', '-b', 'ignored', 'topic']);
    await commitFiles(repo, { [SERIAL]: '2021050901\n' }, 'Another pin', { date: day(8) });
    await repo.git(['checkout', '--quiet', 'devel']);
    c.mergeOurs = await commitOn(repo, day(9), ['merge', '--quiet', '-s', 'ours', '-m', 'Merge ours', 'ignored']);
    await repo.git(['checkout', '--quiet', '-b', 'docs', 'devel']);
    await commitFiles(repo, { 'doc.txt': 'doc\n' }, 'Docs', { date: day(10) });
    await repo.git(['checkout', '--quiet', 'devel']);
    c.mergeDocs = await commitOn(repo, day(11), ['merge', '--quiet', '--no-ff', '-m', 'Merge docs', 'docs']);
    c.rules = await commitFiles(repo, { [RULES]: 'bot: {}\n' }, 'Rules', { date: day(12) });
    c.thaw = await commitFiles(repo, { [SERIAL]: 'latest\n' }, 'Thaw\n\nwith a body', { date: day(13) });
    await repo.git(['branch', 'feature/"odd"&x#%1', c.mergePin]);
    git = new GitHistoryReader(repo.dir, { env: repo.env });
  });
  afterAll(() => repo.cleanup());

  beforeEach(async () => {
    standIn = await startGitLabStandIn();
    serveHistory(standIn, { project: PROJECT, repo });
  });
  afterEach(async () => {
    await standIn.close();
    expect(standIn.unexpected).toEqual([]);
    expect(standIn.unauthorized).toEqual([]);
  });

  const sinces = [LONG_AGO, day(3), day(8), day(10), day(13), day(30)];

  it.each([2, 100])(
    'agrees with the Git reader on every window and stopAt, %i commits a page: commits, and where fingerprints change',
    async (perPage) => {
      const reader = readerFor(standIn, { perPage });
      const stops = [undefined, c.pin, c.topicPin, c.mergePin, c.mergeOurs, c.thaw];
      for (const since of sinces) {
        for (const stopAt of stops) {
          const options = { since, paths: PATHS, ...(stopAt === undefined ? {} : { stopAt }) };
          const [want, got] = await Promise.all([
            git.firstParentHistory('devel', options),
            reader.firstParentHistory('devel', options),
          ]);
          const label = `since ${since.toISOString()}, stopAt ${stopAt}`;
          expect([label, withoutFingerprint(got)]).toEqual([label, withoutFingerprint(want)]);
          expect([label, partition(got)]).toEqual([label, partition(want)]);
        }
      }
    },
  );

  it('fingerprints a commit alike whatever the window, and equal fingerprints mean equal content', async () => {
    const reader = readerFor(standIn, { perPage: 2 });
    const seen = new Map<string, string>();
    for (const since of sinces) {
      for (const commit of await reader.firstParentHistory('devel', { since, paths: PATHS })) {
        expect([commit.subject, seen.get(commit.sha) ?? commit.fingerprint]).toEqual([
          commit.subject,
          commit.fingerprint,
        ]);
        seen.set(commit.sha, commit.fingerprint);
      }
    }
    const all = await reader.firstParentHistory('devel', { since: LONG_AGO, paths: PATHS });
    const contents = await Promise.all(all.map((x) => content(repo, x.sha)));
    all.forEach((a, i) =>
      all.forEach((b, j) => {
        if (a.fingerprint === b.fingerprint) expect([a.subject, contents[i]]).toEqual([a.subject, contents[j]]);
      }),
    );
    expect(Object.fromEntries(all.map((x) => [x.subject, x.fingerprint]))).toEqual({
      'Before APT snapshots': `${NOT_CHANGED_YET} ${NOT_CHANGED_YET}`,
      'Add APT snapshots': `${c.pin} ${NOT_CHANGED_YET}`,
      Unrelated: `${c.pin} ${NOT_CHANGED_YET}`,
      'Devel moves on': `${c.pin} ${NOT_CHANGED_YET}`,
      'Merge topic (pin)': `${c.mergePin} ${NOT_CHANGED_YET}`,
      'Merge ours': `${c.mergePin} ${NOT_CHANGED_YET}`,
      'Merge docs': `${c.mergePin} ${NOT_CHANGED_YET}`,
      Rules: `${c.mergePin} ${c.rules}`,
      Thaw: `${c.thaw} ${c.rules}`,
    });
  });

  it('knows the last change before the window, however old, from the path listings', async () => {
    const reader = readerFor(standIn, { perPage: 2 });

    const commits = await reader.firstParentHistory('devel', { since: day(10), paths: PATHS });

    expect(commits.map((x) => [x.subject, x.fingerprint])).toEqual([
      ['Merge ours', `${c.mergePin} ${NOT_CHANGED_YET}`],
      ['Merge docs', `${c.mergePin} ${NOT_CHANGED_YET}`],
      ['Rules', `${c.mergePin} ${c.rules}`],
      ['Thaw', `${c.thaw} ${c.rules}`],
    ]);
    // The chain down to the commit before the window; each path down to its first change before the window.
    expect(listings(standIn).sort()).toEqual(
      ['branch devel', 'chain page 1', 'chain page 2', `${SET} page 1`, `${RULES} page 1`].sort(),
    );
    for (const request of standIn.requests.slice(1)) {
      expect(request.query.get('ref_name')).toBe(c.thaw);
      expect(request.query.get('first_parent')).toBe('true');
      expect(request.query.get('per_page')).toBe('2');
    }
  });

  it('asks for the page a full page offers, though GitLab cannot tell it is empty', async () => {
    await readerFor(standIn, { perPage: 3 }).firstParentHistory('devel', { since: LONG_AGO, paths: PATHS });

    // 9 commits: the chain ends at the root; the 3 changes of the set fill a page. The paths are read at once.
    const asked = listings(standIn);
    expect(asked.slice(0, 4)).toEqual(['branch devel', 'chain page 1', 'chain page 2', 'chain page 3']);
    expect(asked.slice(4).sort()).toEqual([`${RULES} page 1`, `${SET} page 1`, `${SET} page 2`]);
  });

  it('asks for pages of 100 by default, and nothing but the branch when the tip is stopAt', async () => {
    const reader = readerFor(standIn);

    await reader.firstParentHistory('devel', { since: LONG_AGO, paths: [SET] });
    expect(standIn.requests.slice(1).map((r) => r.query.get('per_page'))).toEqual(['100', '100']);

    standIn.requests.length = 0;
    expect(await reader.firstParentHistory('devel', { since: LONG_AGO, paths: PATHS, stopAt: c.thaw })).toEqual([]);
    expect(listings(standIn)).toEqual(['branch devel', 'chain page 1']);
  });

  it('ends the history at the first commit dated before `since` from the tip, as the other readers do', async () => {
    const r = await makeRepo({ [SERIAL]: 'latest\n' }, { date: day(1) });
    try {
      await commitFiles(r, { README: 'a\n' }, 'In the window', { date: day(5) });
      const backdated = await commitFiles(r, { [SERIAL]: '2021050101\n' }, 'Backdated pin', { date: day(2) });
      await commitFiles(r, { README: 'b\n' }, 'After', { date: day(6) });
      serveHistory(standIn, { project: PROJECT, repo: r });

      const commits = await readerFor(standIn).firstParentHistory('devel', { since: day(4), paths: [SET] });

      expect(commits.map((x) => [x.subject, x.fingerprint])).toEqual([
        ['Backdated pin', backdated],
        ['After', backdated],
      ]);
    } finally {
      await r.cleanup();
    }
  });

  it('reads a branch by its name, encoded, and paths literally, never as globs', async () => {
    const commits = await readerFor(standIn).firstParentHistory('feature/"odd"&x#%1', {
      since: LONG_AGO,
      paths: ['config/*', SET],
    });

    expect(commits.at(-1)?.sha).toBe(c.mergePin);
    expect(commits.map((x) => x.fingerprint.split(' ')[0])).toEqual(commits.map(() => NOT_CHANGED_YET));
    expect(standIn.requests[0]?.url).toContain('/repository/branches/feature%2F%22odd%22%26x%23%251');
  });

  it('says a missing branch does not exist, naming it and the project', async () => {
    const error = await readerFor(standIn)
      .firstParentHistory('feature/gone', { since: LONG_AGO, paths: PATHS })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MissingRevisionError);
    expect((error as Error).message).toBe('branch "feature/gone" does not exist in GitLab project tails/tails');
    expect(listings(standIn)).toEqual(['branch feature/gone']);
  });

  it('turns a missing project into a ReadError that says it is gone', async () => {
    const api = gitlabApi({ host: standIn.url, token: standIn.token, sleep: async () => {} });
    const reader = new GitLabHistoryReader(api, { id: 'tails/other', webUrl: `${standIn.url}/tails/other` });

    const error = await reader.firstParentHistory('devel', { since: LONG_AGO, paths: PATHS }).catch((e) => e);

    expect(error).toBeInstanceOf(ReadError);
    expect(error).not.toBeInstanceOf(MissingRevisionError);
    expect((error as Error).message).toMatch(
      /^cannot read the history of branch "devel" of GitLab project tails\/other: GitLab read branch: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/tails%2Fother\/repository\/branches\/devel answered 404: 404 Project Not Found$/,
    );
    expect(isGone(error)).toBe(true);
  });

  it('turns a failed listing into a ReadError naming the endpoint, without the token', async () => {
    standIn.on('GET', '/projects/:id/repository/commits', () => ({ status: 500, body: { message: 'Gitaly broke' } }));

    const error = await readerFor(standIn)
      .firstParentHistory('devel', { since: LONG_AGO, paths: PATHS })
      .catch((e) => e);

    expect(error).toBeInstanceOf(ReadError);
    expect((error as ReadError).cause).toBeInstanceOf(ForgeError);
    expect(String(error)).toMatch(
      /GitLab list commits: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/tails%2Ftails\/repository\/commits answered 500: Gitaly broke/,
    );
    expect(String(error)).not.toContain(standIn.token);
  });

  it('fails with a clear ReadError past its page budget, rather than answer a history cut short', async () => {
    const error = await readerFor(standIn, { perPage: 2, maxPages: 2 })
      .firstParentHistory('devel', { since: day(4), paths: PATHS })
      .catch((e) => e);

    expect(error).toBeInstanceOf(ReadError);
    expect((error as Error).message).toBe(
      `the first-parent history of branch "devel" of GitLab project tails/tails since 2021-05-04T10:00:00.000Z goes past 4 commits, where it reached ${c.mergeOurs} of 2021-05-09T10:00:00.000Z: read a shorter span`,
    );
    expect(listings(standIn)).toEqual(['branch devel', 'chain page 1', 'chain page 2']);
  });

  it('fails past its page budget in a path listing too', async () => {
    const r = await makeRepo({ [SERIAL]: '1\n' }, { date: day(1) });
    try {
      await commitFiles(r, { [SERIAL]: '2\n' }, 'Second', { date: day(2) });
      await commitFiles(r, { [SERIAL]: '3\n' }, 'Third', { date: day(3) });
      serveHistory(standIn, { project: PROJECT, repo: r });

      // The chain fits in 3 pages; the set's listing needs a 4th to learn there is no change before the window.
      const error = await readerFor(standIn, { perPage: 1, maxPages: 3 })
        .firstParentHistory('devel', { since: day(2), paths: [SET] })
        .catch((e) => e);

      expect(error).toBeInstanceOf(ReadError);
      expect((error as Error).message).toBe(
        `the commits of branch "devel" of GitLab project tails/tails that changed "${SET}" go past 3 in the window: read a shorter span`,
      );
    } finally {
      await r.cleanup();
    }
  });

  it('fails when GitLab lists a commit that is not the first parent it needs, or stops short of it', async () => {
    const listed = async (body: unknown[]) => {
      standIn.on('GET', '/projects/:id/repository/commits', () => ({ body, headers: { 'x-next-page': '' } }));
      return readerFor(standIn)
        .firstParentHistory('devel', { since: LONG_AGO, paths: [] })
        .catch((e: Error) => e.message);
    };
    const entry = (id: string, parent: string) => ({
      id,
      parent_ids: [parent],
      committed_date: '2021-05-13T10:00:00.000+00:00',
      message: 'x\n',
    });

    expect(await listed([entry(c.rules, c.mergeDocs)])).toBe(
      `GitLab's first-parent history of branch "devel" of GitLab project tails/tails lists ${c.rules} where ${c.thaw}, its tip, was due`,
    );
    expect(await listed([entry(c.thaw, c.rules)])).toBe(
      `GitLab's first-parent history of branch "devel" of GitLab project tails/tails ended without commit ${c.rules}, the first parent of ${c.thaw}`,
    );
  });

  it.each([
    ['committed_date', { committed_date: 'yesterday' }, 'the committed_date "yesterday"'],
    ['parent_ids', { parent_ids: 'abc' }, 'the parent_ids "abc"'],
    ['message', { message: null }, 'no message'],
  ])('refuses a commit without a readable %s, naming the field and the commit', async (_field, change, what) => {
    standIn.on('GET', '/projects/:id/repository/commits', () => ({
      body: [
        {
          id: c.thaw,
          parent_ids: [c.rules],
          committed_date: '2021-05-13T10:00:00.000+00:00',
          message: 'Thaw',
          ...change,
        },
      ],
    }));

    await expect(readerFor(standIn).firstParentHistory('devel', { since: LONG_AGO, paths: [] })).rejects.toThrow(
      `GitLab returned a commit of branch "devel" of GitLab project tails/tails with ${what} (${c.thaw})`,
    );
  });

  it.each([
    ['a branch name git refuses', 'devel..x', [SET], 'of GitLab project tails/tails: it contains ".."'],
    ['a path that cannot be in a tree', 'devel', ['config/../x'], '"config/../x" is not a path in a Git tree'],
    ['the root as a path', 'devel', [''], '"" is not a path in a Git tree'],
  ])('refuses %s without asking GitLab', async (_what, branch, paths, message) => {
    await expect(readerFor(standIn).firstParentHistory(branch, { since: LONG_AGO, paths })).rejects.toThrow(message);
    expect(standIn.requests).toEqual([]);
  });

  it('refuses a `since` that is not a date without asking GitLab', async () => {
    await expect(
      readerFor(standIn).firstParentHistory('devel', { since: new Date('nope'), paths: PATHS }),
    ).rejects.toThrow('cannot read the history of branch "devel": since is not a date');
    expect(standIn.requests).toEqual([]);
  });
});
