import { createHash } from 'node:crypto';
import nock from 'nock';
import { isGone } from '../../../src/adapters/github/forge-error.js';
import { GraphqlHistoryReader } from '../../../src/adapters/github/graphql-history-reader.js';
import { MissingRevisionError, ReadError } from '../../../src/errors.js';
import type { HistoryCommit } from '../../../src/ports/history.js';
import { GITHUB_API, TEST_TOKEN, guardNock, recordRequests, testOctokit } from '../../helpers/nock-guard.js';

guardNock();

const sha = (name: string) => createHash('sha1').update(name).digest('hex');
const T0 = Date.parse('2021-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

interface FakeCommit {
  name: string;
  parents: string[];
  minutes: number;
  message?: string;
  /** Path to object id. */
  files?: Record<string, string>;
}

const SETS = 'config/APT_snapshots.d';
const BASE = 'config/base_branch';
const PATHS = [SETS, BASE];

/**
 * GitHub's GraphQL API over a commit graph, for the history query: a ref's
 * `history` lists every ancestor of the tip, newest commit date first
 * (git's default order: a commit comes after a child), 100 or `first` a
 * page; `file(path:)` answers each alias from the variable it names.
 */
function fakeHistory(commits: FakeCommit[], branches: Record<string, string>) {
  const byName = new Map(commits.map((c) => [c.name, c]));
  const order = (tip: string): FakeCommit[] => {
    const queue = [byName.get(tip) as FakeCommit];
    const seen = new Set([tip]);
    const out: FakeCommit[] = [];
    while (queue.length > 0) {
      queue.sort((a, b) => b.minutes - a.minutes);
      const commit = queue.shift() as FakeCommit;
      out.push(commit);
      for (const parent of commit.parents) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        queue.push(byName.get(parent) as FakeCommit);
      }
    }
    return out;
  };
  const requests: { query: string; variables: Record<string, unknown> }[] = [];
  const answer = (body: unknown) => {
    const { query, variables } = body as { query: string; variables: Record<string, unknown> };
    requests.push({ query, variables });
    const tip = branches[String(variables.ref).replace(/^refs\/heads\//, '')];
    if (tip === undefined) return { data: { repository: { ref: null } } };
    const all = order(tip);
    const first = Number(/history\(first: (\d+)/.exec(query)?.[1]);
    const start = variables.cursor === null || variables.cursor === undefined ? 0 : Number(variables.cursor);
    const page = all.slice(start, start + first);
    const aliases = [...query.matchAll(/(\w+): file\(path: \$(\w+)\)/g)].map(([, alias, variable]) => ({
      alias: alias as string,
      path: String(variables[variable as string]),
    }));
    return {
      data: {
        repository: {
          ref: {
            target: {
              oid: sha(tip),
              history: {
                pageInfo: { hasNextPage: start + first < all.length, endCursor: String(start + page.length) },
                nodes: page.map((c) => ({
                  oid: sha(c.name),
                  committedDate: at(c.minutes).toISOString(),
                  message: c.message ?? `${c.name}\n`,
                  parents: { nodes: c.parents.slice(0, 1).map((p) => ({ oid: sha(p) })) },
                  ...Object.fromEntries(
                    aliases.map(({ alias, path }) => [alias, c.files?.[path] ? { oid: c.files[path] } : null]),
                  ),
                })),
              },
            },
          },
        },
      },
    };
  };
  return { requests, answer };
}

function setup(commits: FakeCommit[], branches: Record<string, string>, options: { maxPages?: number } = {}) {
  const fake = fakeHistory(commits, branches);
  const scope = nock(GITHUB_API);
  const requests = recordRequests(scope);
  const reader = new GraphqlHistoryReader(testOctokit(), { owner: 'tails', repo: 'tails' }, options);
  const answerPages = (pages: number) =>
    scope
      .post('/graphql')
      .times(pages)
      .reply(200, (_uri, body) => fake.answer(body));
  return { fake, scope, requests, reader, answerPages };
}

const OLD_SETS = sha('sets 1');
const NEW_SETS = sha('sets 2');
const TESTING = sha('testing\n');

/**
 * devel: m0 – m1 – m2 – m3 – m4, where m3 merges topic (t1, t2, branched
 * from m1, committed between devel's commits) and brings its change of the
 * sets.
 */
const MERGED: FakeCommit[] = [
  { name: 'm0', parents: [], minutes: 0, files: { [SETS]: OLD_SETS } },
  { name: 'm1', parents: ['m0'], minutes: 10, files: { [SETS]: OLD_SETS, [BASE]: TESTING } },
  { name: 't1', parents: ['m1'], minutes: 20, files: { [SETS]: NEW_SETS, [BASE]: TESTING } },
  { name: 'm2', parents: ['m1'], minutes: 30, files: { [SETS]: OLD_SETS, [BASE]: TESTING } },
  { name: 't2', parents: ['t1'], minutes: 40, files: { [SETS]: NEW_SETS, [BASE]: TESTING } },
  {
    name: 'm3',
    parents: ['m2', 't2'],
    minutes: 50,
    message: "Merge branch 'topic' into devel\n\nIt bumps the snapshots.\n",
    files: { [SETS]: NEW_SETS, [BASE]: TESTING },
  },
  { name: 'm4', parents: ['m3'], minutes: 60, files: { [SETS]: NEW_SETS, [BASE]: TESTING } },
];

const commit = (name: string, minutes: number, parent: string | undefined, fingerprint: string): HistoryCommit => ({
  sha: sha(name),
  date: at(minutes),
  subject: name,
  ...(parent ? { parent: sha(parent) } : {}),
  fingerprint,
});

/**
 * devel: c0 … c149, two minutes apart; topic: t0 … t79, branched from c60
 * and committed between devel's commits, merged by c140. 230 commits in
 * all: three pages.
 */
function longHistory(): FakeCommit[] {
  const commits: FakeCommit[] = [];
  for (let i = 0; i < 150; i += 1) {
    const parents = i === 0 ? [] : i === 140 ? ['c139', 't79'] : [`c${i - 1}`];
    commits.push({ name: `c${i}`, parents, minutes: 2 * i, files: { [SETS]: OLD_SETS } });
  }
  for (let i = 0; i < 80; i += 1) {
    commits.push({ name: `t${i}`, parents: [i === 0 ? 'c60' : `t${i - 1}`], minutes: 2 * (i + 60) + 1 });
  }
  return commits;
}

const mainline = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => {
    const i = from + k;
    return commit(`c${i}`, 2 * i, i === 0 ? undefined : `c${i - 1}`, `${OLD_SETS} -`);
  });

describe('GraphqlHistoryReader.firstParentHistory', () => {
  it('follows first parents from the tip, leaving out the commits a merge brought: 1 request', async () => {
    const { reader, requests, answerPages } = setup(MERGED, { devel: 'm4' });
    answerPages(1);

    const history = await reader.firstParentHistory('devel', { since: at(0), paths: PATHS });

    expect(history).toEqual([
      commit('m0', 0, undefined, `${OLD_SETS} -`),
      commit('m1', 10, 'm0', `${OLD_SETS} ${TESTING}`),
      commit('m2', 30, 'm1', `${OLD_SETS} ${TESTING}`),
      { ...commit('m3', 50, 'm2', `${NEW_SETS} ${TESTING}`), subject: "Merge branch 'topic' into devel" },
      commit('m4', 60, 'm3', `${NEW_SETS} ${TESTING}`),
    ]);
    expect(requests).toEqual(['POST /graphql']);
  });

  it('keeps the commits of `since` itself, preceded by the last one before it (the state then), and no older one', async () => {
    const { reader, answerPages } = setup(MERGED, { devel: 'm4' });
    answerPages(1);

    const history = await reader.firstParentHistory('devel', { since: at(30), paths: PATHS });

    expect(history.map((c) => c.sha)).toEqual([sha('m1'), sha('m2'), sha('m3'), sha('m4')]);
  });

  it('answers the tip alone when it is older than `since`: the state all through the window', async () => {
    const { reader, answerPages } = setup(MERGED, { devel: 'm4' });
    answerPages(1);

    await expect(reader.firstParentHistory('devel', { since: at(61), paths: PATHS })).resolves.toEqual([
      commit('m4', 60, 'm3', `${NEW_SETS} ${TESTING}`),
    ]);
  });

  it('leaves `stopAt` out even when it is the last commit before `since`: the caller has it', async () => {
    const { reader, answerPages } = setup(MERGED, { devel: 'm4' });
    answerPages(1);

    const history = await reader.firstParentHistory('devel', { since: at(50), paths: PATHS, stopAt: sha('m2') });

    expect(history.map((c) => c.sha)).toEqual([sha('m3'), sha('m4')]);
  });

  it('follows the chain across pages, and asks for no page past `since`: 2 requests of 3', async () => {
    const { fake, reader, requests, answerPages } = setup(longHistory(), { devel: 'c149' });
    answerPages(2);

    const history = await reader.firstParentHistory('devel', { since: at(80), paths: PATHS });

    // c40 is the first at or after minute 80; c39 before it is kept.
    expect(history).toEqual(mainline(39, 149));
    expect(requests).toEqual(['POST /graphql', 'POST /graphql']);
    expect(fake.requests.map((r) => r.variables.cursor)).toEqual([null, '100']);
  });

  it('stops before `stopAt`: 1 request', async () => {
    const { reader, answerPages } = setup(longHistory(), { devel: 'c149' });
    answerPages(1);

    const history = await reader.firstParentHistory('devel', { since: at(0), paths: PATHS, stopAt: sha('c145') });

    expect(history).toEqual(mainline(146, 149));
  });

  it('reads to the root', async () => {
    const { reader, answerPages } = setup(longHistory(), { devel: 'c149' });
    answerPages(3);

    const history = await reader.firstParentHistory('devel', { since: new Date(0), paths: PATHS });

    expect(history).toEqual(mainline(0, 149));
  });

  it('fails with a clear ReadError past its page budget, rather than answer a history cut short', async () => {
    const { reader, requests, answerPages } = setup(longHistory(), { devel: 'c149' }, { maxPages: 1 });
    answerPages(1);

    const error = await reader.firstParentHistory('devel', { since: at(80), paths: PATHS }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReadError);
    expect((error as Error).message).toMatch(
      /^the first-parent history of branch "devel" of GitHub repository tails\/tails since 2021-01-01T01:20:00.000Z goes past the 100 newest commits of its history, where it reached [0-9a-f]{40} of 2021-01-01T0\d:\d\d:00.000Z: read a shorter span$/,
    );
    expect(requests).toHaveLength(1);
  });

  it('passes the branch and every path as variables, never in the query text; a path a commit lacks counts as absent', async () => {
    const hostile = 'config/we"ird} ) $owner \\ # {\nname';
    const { fake, reader, answerPages } = setup(
      [{ name: 'r', parents: [], minutes: 0, files: { [hostile]: OLD_SETS } }],
      { 'feature/"quoted"': 'r' },
    );
    answerPages(1);

    const history = await reader.firstParentHistory('feature/"quoted"', { since: at(0), paths: [hostile, BASE] });

    expect(history).toEqual([{ ...commit('r', 0, undefined, `${OLD_SETS} -`) }]);
    const [request] = fake.requests;
    expect(request?.query).not.toContain('we"ird');
    expect(request?.query).not.toContain('quoted');
    expect(request?.variables).toEqual({
      owner: 'tails',
      name: 'tails',
      ref: 'refs/heads/feature/"quoted"',
      cursor: null,
      p0: hostile,
      p1: BASE,
    });
  });

  it('says a missing branch does not exist, naming it', async () => {
    const { reader, answerPages } = setup(MERGED, { devel: 'm4' });
    answerPages(1);

    const error = await reader.firstParentHistory('feature/gone', { since: at(0), paths: PATHS }).catch((e) => e);

    expect(error).toBeInstanceOf(MissingRevisionError);
    expect((error as Error).message).toBe('branch "feature/gone" does not exist in GitHub repository tails/tails');
  });

  it('turns GraphQL errors into a ReadError naming the branch and what GitHub said', async () => {
    const { scope, reader } = setup(MERGED, { devel: 'm4' });
    scope.post('/graphql').reply(200, {
      data: { repository: null },
      errors: [{ type: 'NOT_FOUND', message: "Could not resolve to a Repository with the name 'tails/tails'." }],
    });

    const error = await reader.firstParentHistory('devel', { since: at(0), paths: PATHS }).catch((e) => e);

    expect(error).toBeInstanceOf(ReadError);
    expect((error as Error).message).toBe(
      'cannot read the history of branch "devel" of GitHub repository tails/tails: GitHub read history: POST /graphql answered 200: ' +
        "Could not resolve to a Repository with the name 'tails/tails'.",
    );
    expect(isGone(error)).toBe(true);
  });

  it('turns an HTTP failure into a ReadError naming the endpoint, without the token', async () => {
    const { scope, reader } = setup(MERGED, { devel: 'm4' });
    scope.post('/graphql').reply(502, { message: 'Server Error' });

    const error = await reader.firstParentHistory('devel', { since: at(0), paths: PATHS }).catch((e) => e);

    expect(error).toBeInstanceOf(ReadError);
    expect(String(error)).toContain('POST https://api.github.com/graphql answered 502: Server Error');
    expect(String(error)).not.toContain(TEST_TOKEN);
  });

  it('fails when GitHub ends the history without the first parent it needs, rather than stop there', async () => {
    const { scope, reader } = setup(MERGED, { devel: 'm4' });
    scope.post('/graphql').reply(200, {
      data: {
        repository: {
          ref: {
            target: {
              oid: sha('m4'),
              history: {
                pageInfo: { hasNextPage: false, endCursor: '1' },
                nodes: [
                  {
                    oid: sha('m4'),
                    committedDate: at(60).toISOString(),
                    message: 'm4',
                    parents: { nodes: [{ oid: sha('m3') }] },
                    p0: null,
                  },
                ],
              },
            },
          },
        },
      },
    });

    await expect(reader.firstParentHistory('devel', { since: at(0), paths: [SETS] })).rejects.toThrow(
      `GitHub's history of branch "devel" of GitHub repository tails/tails ended without commit ${sha('m3')}, the first parent of ${sha('m4')}`,
    );
  });

  it('refuses an answer it cannot read, naming the commit', async () => {
    const { scope, reader } = setup(MERGED, { devel: 'm4' });
    scope.post('/graphql').reply(200, {
      data: {
        repository: {
          ref: {
            target: {
              oid: sha('m4'),
              history: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: [{ oid: sha('m4'), committedDate: 'yesterday', message: 'm4', parents: { nodes: [] } }],
              },
            },
          },
        },
      },
    });

    await expect(reader.firstParentHistory('devel', { since: at(0), paths: [] })).rejects.toThrow(
      `GitHub returned a commit of branch "devel" of GitHub repository tails/tails with the commit date "yesterday" (${sha('m4')})`,
    );
  });

  it.each([
    [
      'a branch name git refuses',
      'devel..x',
      [SETS],
      'cannot read the history of branch "devel..x" of GitHub repository tails/tails: it contains ".."',
    ],
    [
      'a path that cannot be in a tree',
      'devel',
      ['config/../x'],
      'cannot read the history of branch "devel": "config/../x" is not a path in a Git tree',
    ],
    ['the root as a path', 'devel', [''], 'cannot read the history of branch "devel": "" is not a path in a Git tree'],
  ])('refuses %s without asking GitHub', async (_what, branch, paths, message) => {
    const { reader, requests } = setup(MERGED, { devel: 'm4' });

    await expect(reader.firstParentHistory(branch, { since: at(0), paths })).rejects.toThrow(message);
    expect(requests).toEqual([]);
  });
});
