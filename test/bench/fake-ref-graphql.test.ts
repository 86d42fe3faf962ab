import { Octokit } from '@octokit/rest';
import { FakeRefGraphql, type FakeCheckRun, type FakeCommit } from '../../bench/fake-ref-graphql.js';
import { GraphqlRefReader } from '../../src/adapters/github/graphql-ref-reader.js';
import { ReadError } from '../../src/errors.js';
import { CONTRACT_SPECS, CONTRACT_TREES, selectEntries } from '../contract/ref-reader.contract.js';
import { fakeSnapshot, tailsTree } from '../helpers/snapshot.js';

const REPOSITORY = { owner: 'tails', repo: 'tails' };
const SHA = 'c0ffee0000000000000000000000000000000001';
const PARENT = 'c0ffee0000000000000000000000000000000002';
const DATE = new Date('2021-05-13T08:00:00Z');

function commit(sha: string, files: Record<string, string>, message = 'Bump torproject\n\nWhy.\n'): FakeCommit {
  return { sha, parents: [PARENT], date: DATE, message, files };
}

/** The reader the app uses, with GitHub's GraphQL endpoint answered by `fake` in memory. */
function readerOver(fake: FakeRefGraphql, repository = REPOSITORY, appId?: number): GraphqlRefReader {
  const fetchFromFake: typeof fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (init?.method !== 'POST' || url.pathname !== '/graphql')
      return new Response('{"message":"Not Found"}', { status: 404 });
    return new Response(JSON.stringify(fake.answer(JSON.parse(init.body as string))), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return new GraphqlRefReader(
    new Octokit({ request: { fetch: fetchFromFake } }),
    repository,
    appId === undefined ? {} : { appId },
  );
}

const textTrees = Object.entries(CONTRACT_TREES).filter(([, files]) =>
  Object.values(files).every((v) => typeof v === 'string'),
) as [string, Record<string, string>][];

describe('FakeRefGraphql answers the GitHub reader as GitHub would', () => {
  it('covers most contract trees (the plain-text ones)', () => {
    expect(textTrees.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(textTrees)('%s', (_name, files) => {
    it.each(Object.entries(CONTRACT_SPECS))('read with %s', async (_spec, spec) => {
      const reader = readerOver(
        new FakeRefGraphql(REPOSITORY, (rev) => (rev === 'refs/heads/devel' ? commit(SHA, files) : undefined)),
      );
      const snapshot = await reader.read('refs/heads/devel', spec);
      expect(snapshot.entries).toEqual(selectEntries(fakeSnapshot(files).entries, spec));
      expect(snapshot.commit).toEqual({ sha: SHA, parents: [PARENT], date: DATE, subject: 'Bump torproject' });
    });
  });

  it('reads several revisions in one query, each from its own commit', async () => {
    const frozen = tailsTree({ main: { debian: '2021051301' } }) as Record<string, string>;
    const thawed = tailsTree() as Record<string, string>;
    const other = 'c0ffee0000000000000000000000000000000003';
    const reader = readerOver(
      new FakeRefGraphql(REPOSITORY, (rev) =>
        rev === SHA ? commit(SHA, frozen) : rev === other ? commit(other, thawed) : undefined,
      ),
    );
    const spec = CONTRACT_SPECS['readSpec(defaultConfig())']!;
    const [a, b] = await reader.readMany([SHA, other], spec);
    expect(a?.entries).toEqual(selectEntries(fakeSnapshot(frozen).entries, spec));
    expect(b?.entries).toEqual(selectEntries(fakeSnapshot(thawed).entries, spec));
    expect([a?.commit.sha, b?.commit.sha]).toEqual([SHA, other]);
  });

  it.each([
    ['an unknown revision', 'refs/heads/nope', REPOSITORY, 'revision "refs/heads/nope" does not exist'],
    [
      'another repository',
      'refs/heads/devel',
      { owner: 'tails', repo: 'other' },
      "Could not resolve to a Repository with the name 'tails/other'",
    ],
  ])('%s is a ReadError naming it', async (_name, rev, repository, message) => {
    const reader = readerOver(
      new FakeRefGraphql(REPOSITORY, (r) =>
        r === 'refs/heads/devel' ? commit(SHA, tailsTree() as Record<string, string>) : undefined,
      ),
      repository,
    );
    const read = reader.read(rev, CONTRACT_SPECS['readSpec(defaultConfig())']!);
    await expect(read).rejects.toThrow(ReadError);
    await expect(read).rejects.toThrow(message);
  });

  it("reports the app's latest check run of each name on the commit", async () => {
    const run = (id: number, name: string, appId = 7): FakeCheckRun => ({
      id,
      appId,
      name,
      externalId: `x${id}`,
      annotationsCount: id,
    });
    const runs = [
      run(1, 'APT snapshots'),
      run(3, 'APT snapshots'),
      run(2, 'APT snapshots (pull request)'),
      run(4, 'APT snapshots', 8),
    ];
    const fake = new FakeRefGraphql(
      REPOSITORY,
      (rev) => (rev === SHA ? commit(SHA, tailsTree() as Record<string, string>) : undefined),
      (sha) => (sha === SHA ? runs : []),
    );
    const { checkRuns } = await readerOver(fake, REPOSITORY, 7).readSettled(
      [SHA],
      CONTRACT_SPECS['readSpec(defaultConfig())']!,
      SHA,
    );
    expect(checkRuns).toEqual({
      sha: SHA,
      runs: new Map([
        ['APT snapshots', { id: 3, externalId: 'x3', annotationsCount: 3 }],
        ['APT snapshots (pull request)', { id: 2, externalId: 'x2', annotationsCount: 2 }],
      ]),
    });
  });

  it.each([
    ['no body', undefined],
    ['no variables', { query: 'query {}' }],
  ])('refuses a request with %s', (_name, body) => {
    expect(() => new FakeRefGraphql(REPOSITORY, () => undefined).answer(body)).toThrow(
      'a GraphQL request needs "query" and "variables"',
    );
  });

  it('refuses a fragment the reader does not use, rather than answering it wrongly', () => {
    const fake = new FakeRefGraphql(REPOSITORY, () => commit(SHA, { a: 'x' }));
    expect(() =>
      fake.answer({
        query: 'query { repository { o: object(expression: $o) { ...Other } } }',
        variables: { owner: 'tails', name: 'tails', o: `${SHA}:a` },
      }),
    ).toThrow('fragment Other is not one');
  });
});
