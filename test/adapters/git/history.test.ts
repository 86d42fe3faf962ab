import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  firstParent,
  firstParentHistory,
  isShallowRepository,
  listTags,
  mergeBase,
  resolveBaseBranchRev,
  resolveRevision,
} from '../../../src/adapters/git/history.js';
import { ReadError } from '../../../src/errors.js';
import { commitFiles, makeRepo, runIn, type TestRepo } from '../../helpers/git-repo.js';

const day = (d: number) => new Date(Date.UTC(2021, 4, d));

describe('firstParentHistory', () => {
  let repo: TestRepo & { commit: string };
  let main: string[];
  let topic: string;
  let merge: string;

  beforeAll(async () => {
    repo = await makeRepo({ a: '1\n' }, { date: day(1), message: 'One' });
    const two = await commitFiles(repo, { a: '2\n' }, 'Two\nlines\n\nbody', { date: day(2) });
    await repo.git(['checkout', '--quiet', '-b', 'topic']);
    topic = await commitFiles(repo, { b: 'topic\n' }, 'On the topic branch', { date: day(3) });
    await repo.git(['checkout', '--quiet', 'devel']);
    const three = await commitFiles(repo, { a: '3\n' }, 'Three', { date: day(4) });
    await runIn(repo.dir, { ...repo.env, GIT_COMMITTER_DATE: `${day(5).getTime() / 1000} +0000` }, [
      'merge',
      '--quiet',
      '--no-ff',
      '--message',
      "Merge branch 'topic' into devel",
      'topic',
    ]);
    merge = (await repo.git(['rev-parse', 'HEAD'])).trim();
    main = [repo.commit, two, three, merge];
  });
  afterAll(() => repo.cleanup());

  it('lists the first-parent history oldest first, with parents, committer dates and subjects', async () => {
    expect(await firstParentHistory(repo.dir, 'devel', { env: repo.env })).toEqual([
      { sha: main[0], parents: [], date: day(1), subject: 'One' },
      { sha: main[1], parents: [main[0]], date: day(2), subject: 'Two lines' },
      { sha: main[2], parents: [main[1]], date: day(4), subject: 'Three' },
      { sha: merge, parents: [main[2], topic], date: day(5), subject: "Merge branch 'topic' into devel" },
    ]);
  });

  it.each([
    ['the first day', day(1), 4],
    ['between two commits', new Date(Date.UTC(2021, 4, 3, 12)), 2],
    ['the day of the last commit', day(5), 1],
    ['after the last commit', day(6), 0],
  ])('keeps only commits since %s', async (_what, since, count) => {
    const history = await firstParentHistory(repo.dir, 'devel', { since, env: repo.env });
    expect(history.map((c) => c.sha)).toEqual(main.slice(main.length - count));
  });

  it.each([
    ['does not exist', 'no-such-branch', 'cannot read the first-parent history of "no-such-branch" in repository'],
    ['looks like an option', '--all', '"--all" is not a valid revision (repository'],
    ['is empty', '', '"" is not a valid revision (repository'],
  ])('rejects a revision that %s with a ReadError naming it and the repository', async (_what, rev, message) => {
    const history = firstParentHistory(repo.dir, rev, { env: repo.env });
    await expect(history).rejects.toBeInstanceOf(ReadError);
    await expect(history).rejects.toThrow(message);
    await expect(firstParentHistory(repo.dir, rev, { env: repo.env })).rejects.toThrow(repo.dir);
  });

  it('rejects a directory that is not a repository with git’s reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-history-'));
    try {
      await expect(
        firstParentHistory(dir, 'devel', { env: { ...repo.env, GIT_CEILING_DIRECTORIES: tmpdir() } }),
      ).rejects.toThrow(
        `cannot read the first-parent history of "devel" in repository ${dir}: fatal: not a git repository`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('resolveRevision', () => {
    beforeAll(async () => {
      await repo.git(['tag', '--annotate', '--message', 'v1', 'v1', main[1] as string]);
    });

    it.each([
      ['a branch', 'devel', () => merge],
      ['an annotated tag, peeled to its commit', 'v1', () => main[1]],
      ['a short sha', () => topic.slice(0, 10), () => topic],
      ['a relative revision', 'devel^2', () => topic],
    ])('resolves %s to a full commit id', async (_what, rev, sha) => {
      expect(await resolveRevision(repo.dir, typeof rev === 'string' ? rev : rev(), { env: repo.env })).toBe(sha());
    });

    it.each([
      ['does not exist', 'no-such-branch', 'revision "no-such-branch" does not exist in repository'],
      ['names a tree', 'devel^{tree}', 'revision "devel^{tree}" does not exist in repository'],
      ['looks like an option', '-h', '"-h" is not a valid revision (repository'],
    ])('rejects a revision that %s with a ReadError', async (_what, rev, message) => {
      const resolved = resolveRevision(repo.dir, rev, { env: repo.env });
      await expect(resolved).rejects.toBeInstanceOf(ReadError);
      await expect(resolved).rejects.toThrow(message);
    });
  });
});

describe('resolveBaseBranchRev', () => {
  let repo: TestRepo & { commit: string };
  beforeAll(async () => {
    repo = await makeRepo({ a: '1\n' });
    for (const ref of [
      'refs/heads/both',
      'refs/remotes/origin/both',
      'refs/remotes/origin/remote-only',
      'refs/heads/prefix/below',
      'refs/remotes/upstream/elsewhere',
    ]) {
      await repo.git(['update-ref', ref, repo.commit]);
    }
  });
  afterAll(() => repo.cleanup());

  it.each([
    ['a local branch', 'devel', 'refs/heads/devel'],
    ['a local branch over the same branch of origin', 'both', 'refs/heads/both'],
    ['only a branch of origin', 'remote-only', 'refs/remotes/origin/remote-only'],
    ['only branches below the name', 'prefix', undefined],
    ['only a branch of another remote', 'elsewhere', undefined],
    ['nothing', 'nowhere', undefined],
  ])('finds %s', async (_what, branch, ref) => {
    expect(await resolveBaseBranchRev(repo.dir, branch, { env: repo.env })).toBe(ref);
  });

  it('rejects a directory that is not a repository with a ReadError naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-history-'));
    try {
      const found = resolveBaseBranchRev(dir, 'devel', { env: { ...repo.env, GIT_CEILING_DIRECTORIES: tmpdir() } });
      await expect(found).rejects.toBeInstanceOf(ReadError);
      await expect(found).rejects.toThrow(`cannot list the branches of repository ${dir}: fatal: not a git repository`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('listTags and firstParent', () => {
  it('lists lightweight and annotated tags by name, and finds parents (none for a root commit)', async () => {
    const repo = await makeRepo({ a: '1\n' });
    try {
      await repo.git(['tag', '4.19-rc1']);
      const second = await commitFiles(repo, { a: '2\n' }, 'Second');
      await repo.git(['tag', '-a', '-m', 'Tails 4.19', '4.19']);
      await repo.git(['tag', 'feature/x']);
      expect((await listTags(repo.dir, { env: repo.env })).sort()).toEqual(['4.19', '4.19-rc1', 'feature/x']);
      expect(await firstParent(repo.dir, second, { env: repo.env })).toBe(repo.commit);
      expect(await firstParent(repo.dir, 'refs/tags/4.19', { env: repo.env })).toBe(repo.commit);
      expect(await firstParent(repo.dir, repo.commit, { env: repo.env })).toBeUndefined();
      await expect(firstParent(repo.dir, 'nope', { env: repo.env })).rejects.toThrow('revision "nope" does not exist');
    } finally {
      await repo.cleanup();
    }
  });
});

describe('isShallowRepository', () => {
  let repo: TestRepo & { commit: string };
  beforeAll(async () => {
    repo = await makeRepo({ a: '1\n' });
    await commitFiles(repo, { a: '2\n' }, 'Two');
  });
  afterAll(() => repo.cleanup());

  it('tells a shallow clone from a full repository', async () => {
    const shallow = `${repo.dir}-shallow`;
    await repo.git(['clone', '--quiet', '--depth', '1', `file://${repo.dir}`, shallow]);
    try {
      expect(await isShallowRepository(shallow, { env: repo.env })).toBe(true);
      expect(await isShallowRepository(repo.dir, { env: repo.env })).toBe(false);
    } finally {
      await rm(shallow, { recursive: true, force: true });
    }
  });

  it('rejects a directory that is not a repository with a ReadError naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-history-'));
    try {
      const shallow = isShallowRepository(dir, { env: { ...repo.env, GIT_CEILING_DIRECTORIES: tmpdir() } });
      await expect(shallow).rejects.toBeInstanceOf(ReadError);
      await expect(shallow).rejects.toThrow(
        `cannot tell whether repository ${dir} is shallow: fatal: not a git repository`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mergeBase', () => {
  let repo: TestRepo & { commit: string };
  let fork: string;
  let topic: string;
  let base: string;
  let unrelated: string;
  beforeAll(async () => {
    repo = await makeRepo({ a: '1\n' });
    fork = await commitFiles(repo, { a: '2\n' }, 'Fork point');
    await repo.git(['checkout', '--quiet', '-b', 'topic']);
    topic = await commitFiles(repo, { b: '1\n' }, 'On the topic');
    await repo.git(['checkout', '--quiet', 'devel']);
    base = await commitFiles(repo, { a: '3\n' }, 'The base moves on');
    await repo.git(['checkout', '--quiet', '--orphan', 'other']);
    unrelated = await commitFiles(repo, { c: '1\n' }, 'Unrelated root');
  });
  afterAll(() => repo.cleanup());

  it.each([
    ['a topic branch and its base', () => [topic, base], () => fork],
    ['names rather than ids', () => ['topic', 'devel'], () => fork],
    ['a commit and its ancestor', () => [base, fork], () => fork],
    ['histories without a common commit', () => [topic, unrelated], () => undefined],
  ])('finds where %s forked', async (_name, revs, expected) => {
    const [a, b] = revs() as [string, string];
    expect(await mergeBase(repo.dir, a, b, { env: repo.env })).toBe(expected());
  });

  it.each([
    ['-x', 'devel'],
    ['devel', '--all'],
  ])('refuses %s and %s before git sees an option', async (a, b) => {
    await expect(mergeBase(repo.dir, a, b, { env: repo.env })).rejects.toThrow(ReadError);
  });

  it('names a revision that does not exist', async () => {
    await expect(mergeBase(repo.dir, 'nope', 'devel', { env: repo.env })).rejects.toThrow(
      new RegExp(`cannot find where "nope" and "devel" forked in repository ${repo.dir}: .*nope`),
    );
  });
});
