import { GitLabRefReader, MAX_BLOB_REQUESTS } from '../../../src/adapters/gitlab/graphql-ref-reader.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { readSpec } from '../../../src/domain/state.js';
import type { ReadSpec } from '../../../src/domain/tree.js';
import { MissingRevisionError, ReadError } from '../../../src/errors.js';
import { ForgeError, forgeErrorIn } from '../../../src/ports/forge-error.js';
import { describeRefReaderContract } from '../../contract/ref-reader.contract.js';
import { commitFiles, makeRepo, type TestRepo } from '../../helpers/git-repo.js';
import { queryComplexity, serveRepository, type RepoStandInOptions } from '../../helpers/gitlab-repo-stand-in.js';
import { startGitLabStandIn, type GitLabStandIn } from '../../helpers/gitlab-stand-in.js';
import { PATHS, tailsTree } from '../../helpers/snapshot.js';

const { MAIN } = PATHS;
const PROJECT = 'tails/tails';
const DATE = new Date('2021-05-13T08:00:00Z');
const SPEC = readSpec(defaultConfig());

function readerFor(standIn: GitLabStandIn): GitLabRefReader {
  return new GitLabRefReader(
    { host: standIn.url, token: standIn.token, sleep: async () => {} },
    { id: PROJECT, webUrl: `${standIn.url}/${PROJECT}` },
  );
}

describeRefReaderContract('GitLabRefReader', async (files) => {
  const repo = await makeRepo(files, { date: DATE, message: 'Freeze APT snapshots for 4.19~rc1.\n\nWith a body.\n' });
  const standIn = await startGitLabStandIn();
  serveRepository(standIn, { project: PROJECT, repo });
  return {
    reader: readerFor(standIn),
    rev: 'refs/heads/devel',
    commit: { sha: repo.commit, parents: [], date: DATE, subject: 'Freeze APT snapshots for 4.19~rc1.' },
    cleanup: async () => {
      await standIn.close();
      await repo.cleanup();
      expect(standIn.unexpected).toEqual([]);
      expect(standIn.unauthorized).toEqual([]);
    },
  };
});

describe('GitLabRefReader', () => {
  let repo: TestRepo & { commit: string };
  let first: string;
  let second: string;
  let standIn: GitLabStandIn;

  beforeAll(async () => {
    repo = await makeRepo(tailsTree(), { date: DATE, message: 'First' });
    first = repo.commit;
    second = await commitFiles(repo, { [`${MAIN}/debian/serial`]: '2021051301\n' }, 'Freeze\ndebian\n\nbody', {
      date: new Date('2021-05-14T00:00:00Z'),
    });
    await repo.git(['branch', 'stable', first]);
  });
  afterAll(async () => {
    await repo.cleanup();
  });

  async function serve(options: Partial<RepoStandInOptions> = {}): Promise<GitLabRefReader> {
    standIn = await startGitLabStandIn();
    serveRepository(standIn, { project: PROJECT, repo, ...options });
    return readerFor(standIn);
  }
  afterEach(async () => {
    await standIn.close();
    expect(standIn.unexpected).toEqual([]);
    expect(standIn.unauthorized).toEqual([]);
  });

  const graphqlRequests = () => standIn.requests.filter((r) => r.path === '/api/graphql');
  const commitRequests = () => standIn.requests.filter((r) => r.path.includes('/repository/commits/'));
  const serial = (content: string) => ({
    type: 'file',
    size: content.length,
    executable: false,
    content: Buffer.from(content),
  });

  it('reads a release tag as the release flow names it (refs/tags/NAME^{commit}), asking GitLab for the tag alone', async () => {
    await repo.git(['tag', '-a', '-m', 'Release 4.19', '4.19', second]);
    const reader = await serve();

    const snapshot = await reader.read('refs/tags/4.19^{commit}', SPEC);

    expect(snapshot.commit.sha).toBe(second);
    expect(commitRequests().map((r) => r.params.sha)).toEqual(['refs/tags/4.19']);
    await repo.git(['tag', '-d', '4.19']);
  });

  it('reads several revisions with one commit request each, and their sizes and texts in one GraphQL request each', async () => {
    const reader = await serve();
    await reader.readSettled(['refs/heads/devel'], SPEC);
    expect(graphqlRequests()).toHaveLength(3);
    standIn.requests.length = 0;

    const { results } = await reader.readSettled(['refs/heads/devel', 'refs/heads/stable', first], SPEC);

    // The listings of three revisions exceed what GitLab lets one query cost; the sizes and texts do not.
    const queries = graphqlRequests().map((r) => r.body as { query: string; variables: Record<string, unknown> });
    expect(queries.length).toBeLessThanOrEqual(5);
    const [sizes, texts] = queries.slice(-2);
    expect(sizes?.query).toContain('size');
    expect(texts?.query).toContain('rawTextBlob');
    const shas = (query: { variables: Record<string, unknown> } | undefined) =>
      new Set(
        Object.entries(query?.variables ?? {}).flatMap(([name, value]) => (name.endsWith('_ref') ? [value] : [])),
      );
    expect(shas(sizes)).toEqual(new Set([second, first]));
    expect(shas(texts)).toEqual(new Set([second, first]));
    for (const { query, variables } of queries) expect(queryComplexity(query, variables)).toBeLessThanOrEqual(250);
    expect(
      commitRequests()
        .map((r) => r.url.replace(/\?.*/, ''))
        .sort(),
    ).toEqual(
      [
        `/api/v4/projects/tails%2Ftails/repository/commits/devel`,
        `/api/v4/projects/tails%2Ftails/repository/commits/stable`,
        `/api/v4/projects/tails%2Ftails/repository/commits/${first}`,
      ].sort(),
    );
    expect(standIn.requests).toHaveLength(3 + queries.length);
    const serials = results.map((r) => (r.ok ? r.snapshot.entries.get(`${MAIN}/debian/serial`) : r.error));
    expect(serials).toEqual([serial('2021051301\n'), serial('latest\n'), serial('latest\n')]);
    const commits = results.map((r) => (r.ok ? r.snapshot.commit : r.error));
    expect(commits).toEqual([
      { sha: second, parents: [first], date: new Date('2021-05-14T00:00:00Z'), subject: 'Freeze debian' },
      { sha: first, parents: [], date: DATE, subject: 'First' },
      { sha: first, parents: [], date: DATE, subject: 'First' },
    ]);
  });

  it('reads the tree at the sha its commit request resolved, not wherever the branch is by then', async () => {
    const reader = await serve();
    const { results } = await reader.readSettled(['refs/heads/devel'], SPEC);
    const refs = graphqlRequests().flatMap((r) =>
      Object.entries((r.body as { variables: Record<string, unknown> }).variables)
        .filter(([name]) => name.endsWith('_ref'))
        .map(([, value]) => value),
    );
    expect(new Set(refs)).toEqual(new Set([second]));
    expect(results[0]?.ok && results[0].snapshot.commit.sha).toBe(second);
  });

  it('settles a revision that does not exist alone, as a MissingRevisionError naming it', async () => {
    const reader = await serve();
    const { results } = await reader.readSettled(['refs/heads/devel', 'refs/heads/gone', 'not a rev'], SPEC);

    expect(results[0]?.ok && results[0].snapshot.entries.get(`${MAIN}/debian/serial`)).toEqual(serial('2021051301\n'));
    const missing = results[1];
    expect(missing?.ok).toBe(false);
    expect(!missing?.ok && missing?.error).toBeInstanceOf(MissingRevisionError);
    expect(!missing?.ok && missing?.error.message).toBe(
      'revision "refs/heads/gone" does not exist in GitLab project tails/tails',
    );
    const refused = results[2];
    expect(!refused?.ok && refused?.error).toBeInstanceOf(ReadError);
    expect(!refused?.ok && refused?.error).not.toBeInstanceOf(MissingRevisionError);
    // The refused revision costs no request; the missing one no GraphQL field.
    expect(commitRequests()).toHaveLength(2);
    const variables = graphqlRequests().map((r) => JSON.stringify((r.body as { variables: unknown }).variables));
    expect(variables.join()).not.toContain('gone');
  });

  it('never asks GitLab for the text of a file over its limit, but still reports its size', async () => {
    const big = `${'x'.repeat(5000)}\n`;
    const sha = await commitFiles(repo, { [`${MAIN}/debian/serial`]: big }, 'A large serial');
    try {
      const reader = await serve();
      const spec: ReadSpec = { files: [{ path: `${MAIN}/debian/serial`, maxBytes: 1024 }], dirs: [] };
      const snapshot = await reader.read(sha, spec);

      expect(snapshot.entries.get(`${MAIN}/debian/serial`)).toEqual({
        type: 'file',
        size: big.length,
        executable: false,
      });
      const asked = graphqlRequests().map((r) => (r.body as { query: string }).query);
      expect(asked.some((q) => q.includes('size'))).toBe(true);
      expect(asked.some((q) => q.includes('rawTextBlob'))).toBe(false);
      expect(standIn.requests.some((r) => r.path.includes('/repository/blobs/'))).toBe(false);
    } finally {
      await repo.git(['reset', '--quiet', '--hard', second]);
    }
  });

  it('fetches over REST the bytes of text GitLab truncated, and of binary files', async () => {
    const changelog = `tails (4.19) unstable; urgency=medium\n\n${'  * A change.\n'.repeat(100)}`;
    const binary = Buffer.from([0x00, 0xff, 0x01, 0x0a]);
    const sha = await commitFiles(repo, { 'debian/changelog': changelog, [`${MAIN}/debian/serial`]: binary }, 'Text');
    try {
      const reader = await serve({ textLimit: 64 });
      const snapshot = await reader.read(sha, SPEC);

      expect(snapshot.entries.get('debian/changelog')).toEqual(serial(changelog));
      expect(snapshot.entries.get(`${MAIN}/debian/serial`)).toEqual({
        type: 'file',
        size: 4,
        executable: false,
        content: binary,
      });
      expect(standIn.requests.filter((r) => r.path.includes('/repository/blobs/'))).toHaveLength(2);
    } finally {
      await repo.git(['reset', '--quiet', '--hard', second]);
    }
  });

  it(`fetches at most ${MAX_BLOB_REQUESTS} blobs over REST: further binary files get zeros of their size`, async () => {
    const files = Object.fromEntries(
      Array.from({ length: MAX_BLOB_REQUESTS + 2 }, (_, i) => [`${MAIN}/o${i}/serial`, Buffer.from([0, i + 1])]),
    );
    const sha = await commitFiles(repo, files, 'Binary serials');
    try {
      const reader = await serve();
      const snapshot = await reader.read(sha, SPEC);

      const contents = Object.keys(files).map((path) => {
        const entry = snapshot.entries.get(path);
        return entry?.type === 'file' ? entry.content : undefined;
      });
      expect(contents.filter((c) => c?.equals(Buffer.alloc(2)))).toHaveLength(2);
      expect(standIn.requests.filter((r) => r.path.includes('/repository/blobs/'))).toHaveLength(MAX_BLOB_REQUESTS);
    } finally {
      await repo.git(['reset', '--quiet', '--hard', second]);
    }
  });

  it('follows every page of a directory longer than GitLab pages', async () => {
    const reader = await serve({ pageSize: 2 });
    const snapshot = await reader.read('refs/heads/devel', SPEC);
    // The second stand-in replaces the first, which afterEach would no longer close.
    const paged = standIn;
    await paged.close();
    expect([paged.unexpected, paged.unauthorized]).toEqual([[], []]);
    const fresh = await serve();
    expect(snapshot).toEqual(await fresh.read('refs/heads/devel', SPEC));
    expect(snapshot.entries.get(MAIN)).toEqual({
      type: 'dir',
      names: ['.placeholder', 'debian', 'debian-security', 'torproject'],
    });
  });

  it('splits a query GitLab finds too complex, down to single paths, and reads the same', async () => {
    const whole = await (await serve()).read('refs/heads/devel', SPEC);
    await standIn.close();
    const reader = await serve({ maxComplexity: 60 });
    expect(await reader.read('refs/heads/devel', SPEC)).toEqual(whole);
    expect(graphqlRequests().length).toBeGreaterThan(3);
  });

  it('turns a GraphQL error into a ReadError caused by a ForgeError of GitLab, naming the project', async () => {
    const reader = await serve();
    standIn.on('POST', '/api/graphql', () => ({
      body: { errors: [{ message: "Field 'tree' doesn't exist on type 'Repository'" }] },
    }));
    const read = reader.readSettled(['refs/heads/devel'], SPEC);
    await expect(read).rejects.toBeInstanceOf(ReadError);
    const error = await read.catch((e: unknown) => e);
    expect((error as Error).message).toContain('GitLab project tails/tails');
    expect((error as Error).message).toContain("Field 'tree' doesn't exist on type 'Repository'");
    const cause = forgeErrorIn(error);
    expect(cause).toBeInstanceOf(ForgeError);
    expect(cause?.forge).toBe('GitLab');
    expect((error as Error).message).not.toContain(standIn.token);
  });

  it('fails the whole batch, naming the project, when GitLab does not have the project', async () => {
    standIn = await startGitLabStandIn();
    serveRepository(standIn, { project: PROJECT, repo });
    const reader = new GitLabRefReader(
      { host: standIn.url, token: standIn.token },
      { id: 'tails/other', webUrl: `${standIn.url}/tails/other` },
    );
    const read = reader.readSettled(['refs/heads/devel'], SPEC);
    await expect(read).rejects.toThrow(
      /cannot read revision "refs\/heads\/devel" of GitLab project tails\/other: .*404 Project Not Found/,
    );
    expect(forgeErrorIn(await read.catch((e: unknown) => e))?.status).toBe(404);
  });

  it('addresses a project given by numeric id by the full path of its web URL in GraphQL', async () => {
    standIn = await startGitLabStandIn();
    serveRepository(standIn, { project: '42', repo });
    standIn.on('POST', '/api/graphql', (request) => ({
      body: {
        errors: [{ message: `asked for ${(request.body as { variables: { fullPath: string } }).variables.fullPath}` }],
      },
    }));
    const reader = new GitLabRefReader(
      { host: standIn.url, token: standIn.token },
      { id: 42, webUrl: `${standIn.url}/tails/tails` },
    );
    await expect(reader.read('refs/heads/devel', SPEC)).rejects.toThrow('asked for tails/tails');
  });

  it.each([
    [{ id: 'tails', webUrl: 'https://gitlab.example/tails' }, 'project.id "tails" is not a full path'],
    [
      { id: 7, webUrl: 'https://elsewhere.example/tails/tails' },
      'project.webUrl "https://elsewhere.example/tails/tails"',
    ],
  ])('refuses a project it cannot address, naming the field', async (project, message) => {
    standIn = await startGitLabStandIn();
    expect(() => new GitLabRefReader({ host: 'https://gitlab.example', token: 't' }, project)).toThrow(message);
  });
});
