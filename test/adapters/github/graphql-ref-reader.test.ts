import nock from 'nock';
import { ForgeError } from '../../../src/adapters/github/forge-error.js';
import { GraphqlRefReader, MAX_BLOB_REQUESTS } from '../../../src/adapters/github/graphql-ref-reader.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { fileRead, findSet, interpretRef, readSpec } from '../../../src/domain/state.js';
import type { RawEntry } from '../../../src/domain/tree.js';
import { ReadError } from '../../../src/errors.js';
import { selectEntries } from '../../contract/ref-reader.contract.js';
import { fakeGitHub, mockRead, type FakeRevision } from '../../helpers/github-graphql.js';
import { GITHUB_API, TEST_TOKEN, guardNock, recordRequests, testOctokit } from '../../helpers/nock-guard.js';
import { PATHS, fakeSnapshot, tailsTree, type FakeEntry } from '../../helpers/snapshot.js';

guardNock();

const { MAIN } = PATHS;
const AFTER = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const BEFORE = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const SPEC = readSpec(defaultConfig());
const FROZEN = tailsTree({
  baseBranch: 'testing',
  main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051302' },
});

function setup(
  revisions: Record<string, FakeRevision>,
  repository = { owner: 'tails', repo: 'tails' },
  options: { appId?: number } = {},
) {
  const fake = fakeGitHub(revisions);
  const scope = nock(GITHUB_API);
  const requests = recordRequests(scope);
  const reader = new GraphqlRefReader(testOctokit(), repository, options);
  return { fake, scope, requests, reader };
}

function withDebianSerial(entry: FakeEntry): Record<string, FakeEntry> {
  return { ...tailsTree(), [`${MAIN}/debian/serial`]: entry };
}

/** A changelog GitHub's GraphQL API cuts short (it stops at 512,000 bytes). */
const LONG_CHANGELOG = `tails (4.19~rc1) unstable; urgency=medium\n\n  * Release.\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n\n${'tails (0.1) unstable; urgency=low\n\n  * Old entry with some text in it.\n\n -- RM <rm@example.org>  Thu, 01 Jan 2009 10:00:00 +0000\n\n'.repeat(6000)}`;

describe('GraphqlRefReader.read', () => {
  it('reads everything a Tails ref is judged on in one GraphQL request', async () => {
    const { fake, scope, requests, reader } = setup({
      'refs/heads/testing': { files: FROZEN, commit: { sha: AFTER } },
    });
    mockRead(scope, fake);

    const snapshot = await reader.read('refs/heads/testing', SPEC);

    expect(requests).toEqual(['POST /graphql']);
    expect(snapshot.commit.sha).toBe(AFTER);
    expect(snapshot.entries).toEqual(selectEntries(fakeSnapshot(FROZEN).entries, SPEC));
    const main = findSet(interpretRef(snapshot, defaultConfig()), 'main');
    expect(main?.origins.map((o) => [o.origin, o.value])).toEqual([
      ['debian', { kind: 'serial', serial: '2021051301' }],
      ['debian-security', { kind: 'latest' }],
      ['torproject', { kind: 'serial', serial: '2021051302' }],
    ]);
  });

  it('passes every revision and path as a variable, never in the query text', async () => {
    const hostile = 'config/we"ird} ) $owner \\ # {\nname:.yml';
    const { fake, scope, reader } = setup({ 'refs/heads/feature/"quoted"': { files: { [hostile]: 'content\n' } } });
    mockRead(scope, fake);

    const snapshot = await reader.read('refs/heads/feature/"quoted"', {
      files: [{ path: hostile, maxBytes: 100 }],
      dirs: [],
    });

    expect(snapshot.entries.get(hostile)).toEqual({
      type: 'file',
      size: 8,
      executable: false,
      content: Buffer.from('content\n'),
    });
    const [request] = fake.requests;
    expect(request?.query).not.toContain('we"ird');
    expect(request?.query).not.toContain('quoted');
    expect(Object.values(request?.variables ?? {})).toEqual(
      expect.arrayContaining([`refs/heads/feature/"quoted":${hostile}`, 'refs/heads/feature/"quoted":config']),
    );
  });

  it.each<[string, FakeEntry, RawEntry, number]>([
    [
      'a symlink: its target',
      { symlink: '../torproject/serial' },
      { type: 'symlink', target: '../torproject/serial' },
      1,
    ],
    [
      'an executable file',
      { executable: '2021051301\n' },
      { type: 'file', size: 11, executable: true, content: Buffer.from('2021051301\n') },
      1,
    ],
    ['a submodule', { submodule: true }, { type: 'submodule' }, 1],
    [
      'a file over the limit: its size, no content',
      { tooLarge: 5000 },
      { type: 'file', size: 5000, executable: false },
      1,
    ],
    [
      'a binary file: its exact bytes, over REST',
      Buffer.from([0, 0xff, 0x0a]),
      { type: 'file', size: 3, executable: false, content: Buffer.from([0, 0xff, 0x0a]) },
      2,
    ],
    [
      'text that is not UTF-8: its exact bytes, over REST',
      Buffer.from('caf\xe9\n', 'latin1'),
      { type: 'file', size: 5, executable: false, content: Buffer.from('caf\xe9\n', 'latin1') },
      2,
    ],
  ])('reads %s', async (_what, entry, expected, requestCount) => {
    const files = withDebianSerial(entry);
    const { fake, scope, requests, reader } = setup({ [AFTER]: { files } });
    const binary = Buffer.isBuffer(entry);
    mockRead(scope, fake, { restBlobs: binary ? [{ rev: AFTER, path: `${MAIN}/debian/serial` }] : [] });

    const snapshot = await reader.read(AFTER, SPEC);

    expect(snapshot.entries.get(`${MAIN}/debian/serial`)).toEqual(expected);
    expect(requests).toHaveLength(requestCount);
  });

  it(`fetches at most ${MAX_BLOB_REQUESTS} blobs over REST; further binary files read as zeros of their size`, async () => {
    const files: Record<string, FakeEntry> = { ...tailsTree() };
    for (let i = 0; i < MAX_BLOB_REQUESTS + 4; i += 1)
      files[`${MAIN}/debian/blob${String(i).padStart(2, '0')}`] = Buffer.from([0, i, i]);
    const { fake, scope, requests, reader } = setup({ [AFTER]: { files } });
    scope.post('/graphql').reply(200, (_uri, body) => fake.answer(body));
    scope
      .get(/\/repos\/tails\/tails\/git\/blobs\/[0-9a-f]{40}$/)
      .times(MAX_BLOB_REQUESTS)
      .reply(200, (uri) => fake.blob(uri.split('/').pop() as string));

    const snapshot = await reader.read(AFTER, SPEC);

    expect(requests).toHaveLength(1 + MAX_BLOB_REQUESTS);
    const blobs = [...snapshot.entries].filter(([path]) => path.startsWith(`${MAIN}/debian/blob`));
    expect(blobs).toHaveLength(MAX_BLOB_REQUESTS + 4);
    expect(blobs.map(([, entry]) => fileRead(entry))).toEqual(blobs.map(() => ({ kind: 'binary', size: 3 })));
    const zeroed = blobs.filter(([, entry]) => entry.type === 'file' && entry.content?.equals(Buffer.alloc(3)));
    expect(zeroed.length).toBeGreaterThanOrEqual(3);
  });

  it('fetches text GitHub truncated over REST, whole', async () => {
    const files = { ...FROZEN, 'debian/changelog': LONG_CHANGELOG };
    const { fake, scope, requests, reader } = setup({ [AFTER]: { files } });
    mockRead(scope, fake, { restBlobs: [{ rev: AFTER, path: 'debian/changelog' }] });

    const snapshot = await reader.read(AFTER, SPEC);

    expect(requests).toHaveLength(2);
    expect(LONG_CHANGELOG.length).toBeGreaterThan(512_000);
    const changelog = snapshot.entries.get('debian/changelog');
    expect(changelog).toMatchObject({ type: 'file', size: LONG_CHANGELOG.length, executable: false });
    // Buffer.equals: Jest's deep equality walks a buffer byte by byte, slowly.
    expect(changelog?.type === 'file' && changelog.content?.equals(Buffer.from(LONG_CHANGELOG))).toBe(true);
    expect(interpretRef(snapshot, defaultConfig()).changelog.entry?.version).toBe('4.19~rc1');
  });

  it('reads the root directory when asked for the empty path', async () => {
    const { fake, scope, reader } = setup({
      [AFTER]: { files: { 'README.md': 'hi\n', 'config/base_branch': 'devel\n' } },
    });
    mockRead(scope, fake);

    const snapshot = await reader.read(AFTER, { files: [], dirs: [{ path: '', depth: 1, maxBytes: 100 }] });

    expect([...snapshot.entries]).toEqual([
      ['', { type: 'dir', names: ['README.md', 'config'] }],
      ['README.md', { type: 'file', size: 3, executable: false, content: Buffer.from('hi\n') }],
      ['config', { type: 'dir', names: ['base_branch'] }],
    ]);
  });

  it.each([
    '..',
    'config/../config/base_branch',
    './config/base_branch',
    'config//base_branch',
    'config/base_branch/.',
    'a\0b',
  ])('reads the path %j, which no Git tree can hold, as absent without asking GitHub about it', async (path) => {
    const { fake, scope, reader } = setup({ [AFTER]: { files: tailsTree() } });
    mockRead(scope, fake);

    const snapshot = await reader.read(AFTER, { files: [{ path, maxBytes: 100 }], dirs: [] });

    expect(snapshot.entries.size).toBe(0);
    expect(Object.keys(fake.requests[0]?.variables ?? {})).toEqual(['owner', 'name', 'c0']);
  });

  it.each(['refs/heads/no-such-branch', 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef'])(
    'rejects %s, which does not exist, with a ReadError naming it and the repository',
    async (rev) => {
      const { fake, scope, reader } = setup({ [AFTER]: { files: tailsTree() } });
      mockRead(scope, fake);

      const read = reader.read(rev, SPEC);

      await expect(read).rejects.toThrow(ReadError);
      await expect(read).rejects.toThrow(`revision "${rev}" does not exist in GitHub repository tails/tails`);
    },
  );

  it.each(['refs/heads/devel:config', 'two words', '', 'tab\there'])(
    'rejects the revision %j without a request',
    async (rev) => {
      const { reader } = setup({});
      await expect(reader.read(rev, SPEC)).rejects.toThrow(ReadError);
    },
  );

  it('turns a repository GitHub does not know into a ReadError naming it', async () => {
    const { fake, scope, reader } = setup({ [AFTER]: { files: tailsTree() } }, { owner: 'someone', repo: 'else' });
    mockRead(scope, fake);

    const error = await reader.read(AFTER, SPEC).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReadError);
    expect(String(error)).toContain('GitHub repository someone/else');
    expect(String(error)).toContain("Could not resolve to a Repository with the name 'someone/else'.");
    expect((error as ReadError).cause).toBeInstanceOf(ForgeError);
  });

  it.each([
    ['the GraphQL request', 'POST', '/graphql', 502, 'cannot read'],
    ['the REST blob request', 'GET', /\/git\/blobs\//, 500, 'cannot read blob'],
  ] as const)(
    'turns a failure of %s into a ReadError that keeps the status and not the token',
    async (_what, method, path, status, words) => {
      const files = { ...FROZEN, [`${MAIN}/debian/serial`]: Buffer.from([0, 1]) };
      const { fake, scope, reader } = setup({ [AFTER]: { files } });
      if (method === 'GET') scope.post('/graphql').reply(200, (_uri, body) => fake.answer(body));
      scope.intercept(path, method).reply(status, { message: 'Server Error' });

      const error = await reader.read(AFTER, SPEC).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ReadError);
      expect(String(error)).toContain(words);
      expect(String(error)).toContain('tails/tails');
      expect(String(error)).toContain(`answered ${status}: Server Error`);
      expect(((error as ReadError).cause as ForgeError).status).toBe(status);
      expect(String(error)).not.toContain(TEST_TOKEN);
    },
  );
});

describe('GraphqlRefReader.readMany', () => {
  it('reads several revisions in one request and answers in their order', async () => {
    const before = tailsTree();
    const { fake, scope, requests, reader } = setup({
      [AFTER]: {
        files: FROZEN,
        commit: { sha: AFTER, parents: [BEFORE], subject: 'Freeze APT snapshots for 4.19~rc1.' },
      },
      [BEFORE]: { files: before, commit: { sha: BEFORE, subject: 'Merge devel into testing' } },
    });
    mockRead(scope, fake);

    const [after, old] = await reader.readMany([AFTER, BEFORE], SPEC);

    expect(requests).toEqual(['POST /graphql']);
    expect(after?.commit).toMatchObject({
      sha: AFTER,
      parents: [BEFORE],
      subject: 'Freeze APT snapshots for 4.19~rc1.',
    });
    expect(old?.commit).toMatchObject({ sha: BEFORE, parents: [], subject: 'Merge devel into testing' });
    expect(after?.entries).toEqual(selectEntries(fakeSnapshot(FROZEN).entries, SPEC));
    expect(old?.entries).toEqual(selectEntries(fakeSnapshot(before).entries, SPEC));
  });

  it('fetches a truncated blob the revisions share once', async () => {
    const { fake, scope, requests, reader } = setup({
      [AFTER]: { files: { ...FROZEN, 'debian/changelog': LONG_CHANGELOG }, commit: { sha: AFTER } },
      [BEFORE]: { files: { ...tailsTree(), 'debian/changelog': LONG_CHANGELOG }, commit: { sha: BEFORE } },
    });
    mockRead(scope, fake, { restBlobs: [{ rev: AFTER, path: 'debian/changelog' }] });

    const snapshots = await reader.readMany([AFTER, BEFORE], SPEC);

    expect(requests).toHaveLength(2);
    expect(snapshots.map((s) => (s.entries.get('debian/changelog') as { content?: Buffer }).content?.length)).toEqual([
      LONG_CHANGELOG.length,
      LONG_CHANGELOG.length,
    ]);
  });

  it('names the missing revision when one of several does not exist', async () => {
    const { fake, scope, reader } = setup({ [AFTER]: { files: FROZEN, commit: { sha: AFTER } } });
    mockRead(scope, fake);

    await expect(reader.readMany([AFTER, BEFORE], SPEC)).rejects.toThrow(`revision "${BEFORE}" does not exist`);
  });

  it('reads the others of a batch when one revision does not exist, naming it', async () => {
    const { fake, scope, requests, reader } = setup({ [AFTER]: { files: FROZEN, commit: { sha: AFTER } } });
    mockRead(scope, fake);

    const { results } = await reader.readSettled([AFTER, 'refs/heads/stable'], SPEC);

    expect(requests).toEqual(['POST /graphql']);
    expect(results[0]).toMatchObject({ ok: true, snapshot: { commit: { sha: AFTER } } });
    expect(results[1]).toMatchObject({ ok: false, error: { name: 'MissingRevisionError' } });
    expect(results[1]?.ok === false && results[1].error.message).toContain('refs/heads/stable');
  });

  it('asks nothing for no revisions', async () => {
    const { reader } = setup({});
    await expect(reader.readMany([], SPEC)).resolves.toEqual([]);
  });
});

describe('GraphqlRefReader.readSettled', () => {
  const APP = 4242;
  const run = (id: number, name: string, sha = AFTER, appId = APP) => ({
    sha,
    appId,
    id,
    name,
    externalId: `x${id}`,
    annotationsCount: id % 3,
  });

  it("brings the app's latest check runs on the commit in the same request", async () => {
    const { fake, scope, requests, reader } = setup(
      {
        'refs/heads/devel': { files: FROZEN, commit: { sha: AFTER } },
        [BEFORE]: { files: tailsTree(), commit: { sha: BEFORE } },
      },
      undefined,
      { appId: APP },
    );
    for (const r of [
      run(4, 'APT snapshots'),
      run(8, 'APT snapshots'),
      run(5, 'APT snapshots (pull request)'),
      run(9, 'APT snapshots', AFTER, 77),
      run(10, 'APT snapshots', BEFORE),
    ])
      fake.addCheckRun(r);
    mockRead(scope, fake);

    const { results, checkRuns } = await reader.readSettled(['refs/heads/devel', BEFORE], SPEC, 'refs/heads/devel');

    expect(requests).toEqual(['POST /graphql']);
    expect(results.map((r) => r.ok && r.snapshot.commit.sha)).toEqual([AFTER, BEFORE]);
    expect(checkRuns?.sha).toBe(AFTER);
    expect([...(checkRuns?.runs ?? [])]).toEqual([
      ['APT snapshots', { id: 8, externalId: 'x8', annotationsCount: 2 }],
      ['APT snapshots (pull request)', { id: 5, externalId: 'x5', annotationsCount: 2 }],
    ]);
    expect(fake.requests[0]?.variables).toMatchObject({ runs: 'refs/heads/devel', appId: APP });
  });

  it('knows there are none on a commit without runs', async () => {
    const { fake, scope, reader } = setup({ [AFTER]: { files: FROZEN, commit: { sha: AFTER } } }, undefined, {
      appId: APP,
    });
    mockRead(scope, fake);

    await expect(reader.readSettled([AFTER], SPEC, AFTER)).resolves.toMatchObject({
      checkRuns: { sha: AFTER, runs: new Map() },
    });
  });

  it('reads only the snapshots when it does not know its app', async () => {
    const { fake, scope, reader } = setup({ [AFTER]: { files: FROZEN, commit: { sha: AFTER } } });
    mockRead(scope, fake);

    const result = await reader.readSettled([AFTER], SPEC, AFTER);

    expect(result.checkRuns).toBeUndefined();
    expect(result.results.map((r) => r.ok && r.snapshot.commit.sha)).toEqual([AFTER]);
    expect(fake.requests[0]?.query).not.toContain('checkSuites');
  });
});
