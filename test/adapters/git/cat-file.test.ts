import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CatFile, MISSING, type SpawnFn } from '../../../src/adapters/git/cat-file.js';
import { ReadError } from '../../../src/errors.js';
import { cloneFixture, removeFixtureClone } from '../../helpers/fixture.js';
import { makeRepo, runIn, type TestRepo } from '../../helpers/git-repo.js';
import { countingSpawn } from './counting-spawn.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const BIG = Buffer.alloc(3 * 1024 * 1024 + 7, 'ab\n\0');

describe('CatFile against a real repository', () => {
  let repo: TestRepo & { commit: string };
  let catFile: CatFile;
  let sha: (name: string) => Promise<string>;

  beforeAll(async () => {
    repo = await makeRepo(
      { 'bin/all-bytes': ALL_BYTES, big: BIG, empty: '', 'dir/name with spaces': 'spaced\n' },
      { message: 'Subject\n' },
    );
    catFile = new CatFile(repo.dir, { env: repo.env });
    sha = async (name) => (await repo.git(['rev-parse', name])).trim();
  });
  afterAll(async () => {
    await catFile.close();
    await repo.cleanup();
  });

  it.each([
    ['a blob by <rev>:<path>, with every byte value', 'devel:bin/all-bytes', 'blob', ALL_BYTES],
    ['a blob of several megabytes, across many chunks', 'devel:big', 'blob', BIG],
    ['an empty blob', 'devel:empty', 'blob', Buffer.alloc(0)],
    ['a path with spaces', 'devel:dir/name with spaces', 'blob', Buffer.from('spaced\n')],
  ])('reads %s', async (_what, name, type, content) => {
    expect(await catFile.read(name)).toEqual({ sha: await sha(name), type, size: content.length, content });
  });

  it.each([
    ['a commit, peeled from a branch', 'devel^{commit}', 'commit'],
    ['a tree', 'devel^{tree}', 'tree'],
  ])('reads %s with its type', async (_what, name, type) => {
    const object = await catFile.read(name);
    expect(object).toMatchObject({ sha: await sha(name), type });
    expect(object !== MISSING && object.content.length).toBe(object !== MISSING && object.size);
  });

  it.each([['no-such-branch'], ['devel:no/such/path'], ['0123456789012345678901234567890123456789']])(
    'answers missing for %s',
    async (name) => {
      expect(await catFile.read(name)).toBe(MISSING);
    },
  );

  it.each([
    ['over the limit, without content', 10, false],
    ['at the limit, with content', ALL_BYTES.length, true],
  ])('reads an object %s', async (_what, maxBytes, withContent) => {
    const object = await catFile.read('devel:bin/all-bytes', { maxBytes });
    expect(object).toMatchObject({ type: 'blob', size: ALL_BYTES.length });
    expect(object !== MISSING && 'content' in object).toBe(withContent);
  });

  it('answers pipelined requests in order, big and small mixed', async () => {
    const names = Array.from(
      { length: 300 },
      (_, i) =>
        ['devel:bin/all-bytes', 'devel:empty', 'nope', 'devel:big', 'devel:dir/name with spaces'][i % 5] as string,
    );
    const answers = await Promise.all(names.map((name) => catFile.read(name, { maxBytes: 1024 })));
    const sizes = answers.map((a) => (a === MISSING ? MISSING : a.size));
    expect(sizes).toEqual(
      names.map(
        (n) =>
          ({
            'devel:bin/all-bytes': 256,
            'devel:empty': 0,
            nope: MISSING,
            'devel:big': BIG.length,
            'devel:dir/name with spaces': 7,
          })[n],
      ),
    );
  });

  it.each([
    ['with a newline', 'devel\nHEAD'],
    ['empty', ''],
    ['with a NUL', 'devel\0'],
  ])('rejects a name %s without asking git', async (_what, name) => {
    await expect(catFile.read(name)).rejects.toThrow(
      new ReadError(`cannot ask git for ${JSON.stringify(name)} in repository ${repo.dir}: not a valid object name`),
    );
    expect(await catFile.read('devel:empty')).toMatchObject({ size: 0 });
  });

  it('reads the repository GIT_DIR names, whatever the directory', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-catfile-'));
    const viaGitDir = new CatFile(elsewhere, { env: { ...repo.env, GIT_DIR: join(repo.dir, '.git') } });
    try {
      expect(await viaGitDir.read('devel:empty')).toMatchObject({ type: 'blob', size: 0 });
    } finally {
      await viaGitDir.close();
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('rejects waiting requests and later ones with a ReadError when git dies', async () => {
    const counter = countingSpawn();
    const dying = new CatFile(repo.dir, { env: repo.env, spawn: counter.spawn });
    await dying.read('devel:empty');
    const pending = Array.from({ length: 50 }, () =>
      dying.read('devel:big').then(
        () => 'read',
        (error: unknown) => error,
      ),
    );
    counter.children[0]?.kill('SIGKILL');
    const failures = (await Promise.all(pending)).filter((outcome) => outcome !== 'read');
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ReadError);
      expect((failure as Error).message).toBe(`git cat-file stopped in repository ${repo.dir}: killed by SIGKILL`);
    }
    await expect(dying.read('devel:empty')).rejects.toThrow('killed by SIGKILL');
    await dying.close();
  });

  it('on close, stops git and rejects waiting and later requests', async () => {
    const counter = countingSpawn();
    const closing = new CatFile(repo.dir, { env: repo.env, spawn: counter.spawn });
    const pending = expect(closing.read('devel:big')).rejects.toThrow(
      `git cat-file for repository ${repo.dir} was closed`,
    );
    await closing.close();
    await pending;
    await expect(closing.read('devel:empty')).rejects.toBeInstanceOf(ReadError);
    expect(counter.children[0]?.exitCode !== null || counter.children[0]?.signalCode !== null).toBe(true);
  });

  it.each([
    [
      'not a repository',
      { GIT_CEILING_DIRECTORIES: tmpdir() },
      /^git cat-file stopped in repository .*: fatal: not a git repository/,
    ],
    ['without git', { PATH: '/nonexistent-bin' }, /^cannot run git in repository .*: spawn git ENOENT/],
  ])('rejects with a ReadError naming the directory when it is %s', async (_what, env, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-catfile-'));
    const broken = new CatFile(dir, { env: { ...process.env, ...env } });
    try {
      const read = broken.read('HEAD');
      await expect(read).rejects.toBeInstanceOf(ReadError);
      await expect(read).rejects.toThrow(message);
      await expect(read).rejects.toThrow(dir);
    } finally {
      await broken.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('CatFile with an ambiguous short name', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await cloneFixture();
  });
  afterAll(removeFixtureClone);

  it('rejects it with a ReadError that says so', async () => {
    const all = (await runIn(repo, process.env, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']))
      .trim()
      .split('\n');
    const seen = new Set<string>();
    const prefix = all.map((s) => s.slice(0, 4)).find((p) => seen.size === seen.add(p).size) as string;
    const catFile = new CatFile(repo);
    try {
      await expect(catFile.read(prefix)).rejects.toThrow(
        new ReadError(`"${prefix}" is ambiguous in repository ${repo}; use more digits or a full name`),
      );
      expect(await catFile.read('devel^{commit}')).toMatchObject({ type: 'commit' });
    } finally {
      await catFile.close();
    }
  });
});

/** A stand-in for git that answers with bytes the test chooses, in chunks the test chooses. */
class FakeGit extends EventEmitter {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly asked: string[] = [];
  constructor() {
    super();
    this.stdin.on('data', (chunk: Buffer) => this.asked.push(...chunk.toString().split('\n').filter(Boolean)));
  }
  kill(): boolean {
    setImmediate(() => this.emit('close', null, 'SIGTERM'));
    return true;
  }
  answer(bytes: Buffer, chunkSize: number): void {
    for (let at = 0; at < bytes.length; at += chunkSize) this.stdout.write(bytes.subarray(at, at + chunkSize));
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function fakeCatFile(): { catFile: CatFile; git: FakeGit } {
  const git = new FakeGit();
  const spawn: SpawnFn = () => git as unknown as ChildProcessWithoutNullStreams;
  return { catFile: new CatFile('/fake/repo', { spawn }), git };
}

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(64);
const RESPONSE = Buffer.concat([
  Buffer.from(`${SHA_A} blob 5\n`),
  Buffer.from('x\ny\n\0'),
  Buffer.from('\nname with spaces missing\n'),
  Buffer.from(`${SHA_B} tree 0\n\n`),
  Buffer.from(`${SHA_A} blob 3\n\n\n\n\n`),
]);

describe('CatFile parsing what git sends', () => {
  it.each([[1], [2], [3], [7], [45], [RESPONSE.length]])(
    'parses answers split into chunks of %i bytes',
    async (chunkSize) => {
      const { catFile, git } = fakeCatFile();
      const reads = Promise.all([
        catFile.read(SHA_A),
        catFile.read('name with spaces'),
        catFile.read('t', { maxBytes: 0 }),
        catFile.read('n', { maxBytes: 2 }),
      ]);
      git.answer(RESPONSE, chunkSize);
      expect(await reads).toEqual([
        { sha: SHA_A, type: 'blob', size: 5, content: Buffer.from('x\ny\n\0') },
        MISSING,
        { sha: SHA_B, type: 'tree', size: 0, content: Buffer.alloc(0) },
        { sha: SHA_A, type: 'blob', size: 3 },
      ]);
      expect(git.asked).toEqual([SHA_A, 'name with spaces', 't', 'n']);
      await catFile.close();
    },
  );

  it.each([
    ['a header it cannot read', Buffer.from('what is this\n'), 'gave an unexpected answer to "x": "what is this"'],
    [
      'an object not ended by a newline',
      Buffer.from(`${SHA_A} blob 1\nzz`),
      `gave object ${SHA_A} without the newline that ends it`,
    ],
    [
      'an answer nobody asked for',
      Buffer.from(`x missing\n${SHA_A} blob 0\n\n`),
      `gave an answer nobody asked for: "${SHA_A} blob 0"`,
    ],
  ])('rejects, with a ReadError, %s', async (_what, bytes, message) => {
    const { catFile, git } = fakeCatFile();
    const read = catFile.read('x').catch(() => undefined);
    git.answer(bytes, 3);
    await read;
    await settle();
    await expect(catFile.read('y')).rejects.toThrow(`git cat-file in repository /fake/repo ${message}`);
    await catFile.close();
  });

  it('ignores what git still sends after being closed mid-answer', async () => {
    const { catFile, git } = fakeCatFile();
    const read = catFile.read(SHA_A).catch((error: Error) => error.message);
    git.answer(Buffer.from(`${SHA_A} blob 5\nx\n`), 100);
    await settle();
    const closed = catFile.close();
    // The rest of the object, then a header nobody waits for: neither may throw in the stream's handler.
    git.answer(Buffer.from(`y\n\0\n${SHA_A} blob 0\n\n`), 100);
    await closed;
    await settle();
    expect(await read).toBe('git cat-file for repository /fake/repo was closed');
  });

  it('keeps what git wrote on stderr for the message when it stops', async () => {
    const { catFile, git } = fakeCatFile();
    const read = catFile.read('x');
    git.stderr.write('fatal: something\n');
    await settle();
    git.emit('close', 128, null);
    await expect(read).rejects.toThrow(
      new ReadError('git cat-file stopped in repository /fake/repo: fatal: something'),
    );
  });
});
