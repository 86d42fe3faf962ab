import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRefReader } from '../../../src/adapters/git/git-ref-reader.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { readSpec } from '../../../src/domain/state.js';
import type { ReadSpec } from '../../../src/domain/tree.js';
import { ReadError } from '../../../src/errors.js';
import { describeRefReaderContract } from '../../contract/ref-reader.contract.js';
import { commitFiles, makeRepo, type TestRepo } from '../../helpers/git-repo.js';
import { PATHS, tailsTree } from '../../helpers/snapshot.js';
import { countingSpawn } from './counting-spawn.js';

const { MAIN } = PATHS;
const DATE = new Date('2021-05-13T08:00:00Z');
const SPEC = readSpec(defaultConfig());

describeRefReaderContract('GitRefReader', async (files) => {
  const repo = await makeRepo(files, { date: DATE, message: 'Freeze APT snapshots for 4.19~rc1.\n\nWith a body.\n' });
  const reader = await GitRefReader.open(repo.dir, { env: repo.env });
  return {
    reader,
    rev: 'devel',
    commit: { sha: repo.commit, parents: [], date: DATE, subject: 'Freeze APT snapshots for 4.19~rc1.' },
    cleanup: async () => {
      await reader.close();
      await repo.cleanup();
    },
  };
});

describe('GitRefReader', () => {
  let repo: TestRepo & { commit: string };
  let first: string;
  let second: string;
  let reader: GitRefReader;

  beforeAll(async () => {
    repo = await makeRepo(tailsTree(), { date: DATE, message: 'First' });
    first = repo.commit;
    second = await commitFiles(repo, { [`${MAIN}/debian/serial`]: '2021051301\n' }, 'Freeze\ndebian\n\nbody', {
      date: new Date('2021-05-14T00:00:00Z'),
    });
    await repo.git(['tag', '--annotate', '--message', 'a tag', '4.19-rc1', second]);
    reader = await GitRefReader.open(repo.dir, { env: repo.env });
  });
  afterAll(async () => {
    await reader.close();
    await repo.cleanup();
  });

  const serial = async (rev: string) => (await reader.read(rev, SPEC)).entries.get(`${MAIN}/debian/serial`);

  it.each([
    ['a branch', () => 'devel', '2021051301\n'],
    ['a full sha', () => second, '2021051301\n'],
    ['a short sha', () => first.slice(0, 8), 'latest\n'],
    ['an annotated tag, peeled to its commit', () => '4.19-rc1', '2021051301\n'],
    ['a relative revision', () => 'devel~1', 'latest\n'],
  ])('reads the commit %s names', async (_what, rev, expected) => {
    expect(await serial(rev())).toEqual({
      type: 'file',
      size: expected.length,
      executable: false,
      content: Buffer.from(expected),
    });
  });

  it('reports the commit: sha, parents, committer date, and the first paragraph as subject', async () => {
    const { commit } = await reader.read('devel', SPEC);
    expect(commit).toEqual({
      sha: second,
      parents: [first],
      date: new Date('2021-05-14T00:00:00Z'),
      subject: 'Freeze debian',
    });
  });

  it.each([
    ['does not exist', 'no-such-branch', 'revision "no-such-branch" does not exist in repository'],
    ['names a tree, not a commit', 'devel^{tree}', 'revision "devel^{tree}" does not exist'],
    ['holds a newline', 'devel\nHEAD', 'not a valid object name'],
  ])('rejects a revision that %s with a ReadError naming it and the repository', async (_what, rev, message) => {
    const read = reader.read(rev, SPEC);
    await expect(read).rejects.toBeInstanceOf(ReadError);
    await expect(read).rejects.toThrow(message);
    await expect(reader.read(rev, SPEC)).rejects.toThrow(repo.dir);
  });

  it('gives the same entries to concurrent reads as to one read at a time', async () => {
    const revs = ['devel', first, second, 'devel~1', 'devel', first];
    const together = await Promise.all(revs.map((rev) => reader.read(rev, SPEC)));
    for (const [i, rev] of revs.entries()) expect(together[i]).toEqual(await reader.read(rev, SPEC));
  });

  it('gives content a limit left out once a later spec allows it', async () => {
    const path = `${MAIN}/torproject/serial`;
    const spec = (maxBytes: number): ReadSpec => ({ files: [{ path, maxBytes }], dirs: [] });
    const fresh = await GitRefReader.open(repo.dir, { env: repo.env });
    try {
      expect((await fresh.read('devel', spec(1))).entries.get(path)).toEqual({
        type: 'file',
        size: 7,
        executable: false,
      });
      expect((await fresh.read('devel', spec(7))).entries.get(path)).toEqual({
        type: 'file',
        size: 7,
        executable: false,
        content: Buffer.from('latest\n'),
      });
      expect((await fresh.read('devel', spec(6))).entries.get(path)).toEqual({
        type: 'file',
        size: 7,
        executable: false,
      });
    } finally {
      await fresh.close();
    }
  });

  describe('asks git only for objects it has not seen', () => {
    it('reads the second commit through the commit, the changed trees and the changed blob', async () => {
      const counter = countingSpawn();
      const fresh = await GitRefReader.open(repo.dir, { env: repo.env, spawn: counter.spawn });
      try {
        await fresh.read(first, SPEC);
        const before = counter.requests.length;
        await fresh.read(second, SPEC);
        const changed = (
          await repo.git([
            'rev-parse',
            `${second}^{tree}`,
            `${second}:config`,
            `${second}:${MAIN}`,
            `${second}:${MAIN}/debian`,
            `${second}:${MAIN}/debian/serial`,
          ])
        )
          .trim()
          .split('\n');
        expect(counter.requests.slice(before).sort()).toEqual([`${second}^{commit}`, ...changed].sort());
        expect(counter.children).toHaveLength(1);
      } finally {
        await fresh.close();
      }
    });

    it.each([
      [
        'with room in the cache, only for the commit',
        undefined,
        (asked: string[]) => expect(asked).toEqual([`${first}^{commit}`]),
      ],
      [
        'with no room in the cache, for its trees again',
        0,
        (asked: string[], root: string) => expect(asked).toContain(root),
      ],
    ])('reads a commit again asking %s', async (_what, cacheBytes, check) => {
      const counter = countingSpawn();
      const fresh = await GitRefReader.open(repo.dir, { env: repo.env, spawn: counter.spawn, cacheBytes });
      try {
        await fresh.read(first, SPEC);
        const before = counter.requests.length;
        await fresh.read(first, SPEC);
        check(counter.requests.slice(before), (await repo.git(['rev-parse', `${first}^{tree}`])).trim());
      } finally {
        await fresh.close();
      }
    });
  });

  it('decodes a message in the encoding its commit names', async () => {
    const latin1 = await makeRepo({ a: 'a\n' });
    try {
      await latin1.git(['config', 'i18n.commitEncoding', 'ISO-8859-1']);
      const messageFile = join(latin1.dir, '..', 'message');
      await writeFile(messageFile, Buffer.from('Caf\u00e9 cr\u00e8me\n', 'latin1'));
      await latin1.git(['commit', '--quiet', '--allow-empty', '--file', messageFile]);
      const fresh = await GitRefReader.open(latin1.dir, { env: latin1.env });
      try {
        expect((await fresh.read('HEAD', SPEC)).commit.subject).toBe('Café crème');
      } finally {
        await fresh.close();
      }
    } finally {
      await latin1.cleanup();
    }
  });

  it('rejects reads after close with a ReadError', async () => {
    const fresh = await GitRefReader.open(repo.dir, { env: repo.env });
    await fresh.close();
    await expect(fresh.read('devel', SPEC)).rejects.toBeInstanceOf(ReadError);
  });
});

describe('GitRefReader.open', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-open-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it.each([
    ['a directory that does not exist', () => join(scratch, 'nowhere'), {}, 'is not a directory'],
    [
      'a directory that is not a repository',
      () => scratch,
      { GIT_CEILING_DIRECTORIES: tmpdir() },
      'not a git repository',
    ],
    ['git that cannot be found', () => scratch, { PATH: '/nonexistent-bin' }, 'cannot run git'],
  ])('rejects %s with a ReadError naming it', async (_what, dir, env, message) => {
    const open = () => GitRefReader.open(dir(), { env: { ...process.env, ...env } });
    await expect(open()).rejects.toBeInstanceOf(ReadError);
    await expect(open()).rejects.toThrow(message);
    await expect(open()).rejects.toThrow(dir());
  });

  it('opens a repository without commits, where every revision is missing', async () => {
    const empty = await makeRepo({});
    try {
      await empty.git(['update-ref', '-d', 'HEAD']);
      const fresh = await GitRefReader.open(empty.dir, { env: empty.env });
      try {
        await expect(fresh.read('HEAD', SPEC)).rejects.toThrow('revision "HEAD" does not exist');
      } finally {
        await fresh.close();
      }
    } finally {
      await empty.cleanup();
    }
  });

  it('reads the repository GIT_DIR names, as a server hook does', async () => {
    const repo = await makeRepo(tailsTree());
    try {
      const fresh = await GitRefReader.open(scratch, { env: { ...repo.env, GIT_DIR: join(repo.dir, '.git') } });
      try {
        expect((await fresh.read('devel', SPEC)).commit.sha).toBe(repo.commit);
      } finally {
        await fresh.close();
      }
    } finally {
      await repo.cleanup();
    }
  });
});
