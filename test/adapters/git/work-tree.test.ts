import { chmod, lstat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkTreeError, applyEdits, type WorkTreeRefusal } from '../../../src/adapters/git/work-tree.js';
import { makeRepo, runIn, type TestRepo } from '../../helpers/git-repo.js';

const MAIN = 'config/APT_snapshots.d';

const FILES = {
  [`${MAIN}/debian/serial`]: '2021051301\n',
  [`${MAIN}/torproject/serial`]: '2021051301\n',
  'config/base_branch': 'devel\n',
  'auto/build': { executable: '#!/bin/sh\n' },
  'linked/serial': { symlink: '../config/base_branch' },
};

describe('applyEdits', () => {
  let repo: TestRepo & { commit: string };
  beforeEach(async () => {
    repo = await makeRepo(FILES);
  });
  afterEach(() => repo.cleanup());

  const head = async () => (await repo.git(['rev-parse', 'HEAD'])).trim();
  const changedIn = async (commit: string) =>
    (await repo.git(['diff-tree', '--no-commit-id', '--name-only', '-r', commit])).trim().split('\n');
  const status = () => repo.git(['status', '--porcelain=v1', '--untracked-files=all', '--ignored']);
  const apply = (edits: { path: string; content: string }[], dir = repo.dir) =>
    applyEdits(dir, edits, 'Thaw APT snapshots.', { env: repo.env });

  it('commits exactly the edited paths on the current branch, creating directories', async () => {
    const result = await apply([
      { path: `${MAIN}/debian/serial`, content: 'latest\n' },
      { path: `${MAIN}/new origin/serial`, content: 'latest\n' },
    ]);
    expect(result).toEqual({ commit: await head() });
    expect((await repo.git(['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/devel');
    expect((await repo.git(['rev-parse', 'HEAD^'])).trim()).toBe(repo.commit);
    expect((await repo.git(['log', '-1', '--format=%B'])).trim()).toBe('Thaw APT snapshots.');
    expect((await changedIn('HEAD')).sort()).toEqual([`${MAIN}/debian/serial`, `${MAIN}/new origin/serial`]);
    expect(await repo.git(['show', `HEAD:${MAIN}/new origin/serial`])).toBe('latest\n');
    expect(await status()).toBe('');
  });

  it('commits nothing when the files already hold the contents', async () => {
    expect(await apply([{ path: `${MAIN}/debian/serial`, content: '2021051301\n' }])).toEqual({ commit: null });
    expect(await apply([])).toEqual({ commit: null });
    expect(await head()).toBe(repo.commit);
  });

  it('commits only the edits that change something', async () => {
    const result = await apply([
      { path: `${MAIN}/debian/serial`, content: '2021051301\n' },
      { path: `${MAIN}/torproject/serial`, content: 'latest\n' },
    ]);
    expect(result.commit).not.toBeNull();
    expect(await changedIn('HEAD')).toEqual([`${MAIN}/torproject/serial`]);
  });

  it('replaces a symlink by a regular file, and keeps an executable file executable', async () => {
    await apply([
      { path: 'linked/serial', content: 'latest\n' },
      { path: 'auto/build', content: '#!/bin/sh\nexit 0\n' },
    ]);
    const modes = (await repo.git(['ls-tree', 'HEAD', 'linked/serial', 'auto/build']))
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0]);
    expect(modes).toEqual(['100755', '100644']);
    expect((await lstat(join(repo.dir, 'linked/serial'))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(repo.dir, 'config/base_branch'), 'utf8')).toBe('devel\n');
  });

  it('leaves changes staged to other paths staged and out of the commit', async () => {
    await writeFile(join(repo.dir, 'config/base_branch'), 'testing\n');
    await repo.git(['add', 'config/base_branch']);
    await writeFile(join(repo.dir, 'notes.txt'), 'mine\n');
    await apply([{ path: `${MAIN}/debian/serial`, content: 'latest\n' }]);
    expect(await changedIn('HEAD')).toEqual([`${MAIN}/debian/serial`]);
    expect(await status()).toBe('M  config/base_branch\n?? notes.txt\n');
  });

  it('paths are relative to the top of the work tree, even from a subdirectory', async () => {
    await apply([{ path: `${MAIN}/debian/serial`, content: 'latest\n' }], join(repo.dir, 'config'));
    expect(await repo.git(['show', `HEAD:${MAIN}/debian/serial`])).toBe('latest\n');
  });

  it('makes the first commit of a branch without commits', async () => {
    await repo.git(['checkout', '--quiet', '--orphan', 'fresh']);
    await repo.git(['rm', '-r', '--quiet', '--cached', '.']);
    await rm(join(repo.dir, 'config'), { recursive: true });
    const result = await apply([{ path: `${MAIN}/debian/serial`, content: 'latest\n' }]);
    expect(result.commit).not.toBeNull();
    expect((await repo.git(['rev-list', '--count', 'fresh'])).trim()).toBe('1');
  });

  type Setup = (repo: TestRepo) => Promise<unknown>;
  const refusals: [string, Setup, string[], WorkTreeRefusal, string[], string][] = [
    [
      'an unstaged change to an edited path',
      (r) => writeFile(join(r.dir, `${MAIN}/debian/serial`), 'mine\n'),
      [`${MAIN}/debian/serial`],
      'uncommitted-changes',
      [`${MAIN}/debian/serial`],
      'has uncommitted changes to config/APT_snapshots.d/debian/serial: commit or stash them first',
    ],
    [
      'a staged change to an edited path',
      async (r) => {
        await writeFile(join(r.dir, 'config/base_branch'), 'mine\n');
        await r.git(['add', 'config/base_branch']);
      },
      ['config/base_branch', `${MAIN}/debian/serial`],
      'uncommitted-changes',
      ['config/base_branch'],
      'has uncommitted changes to config/base_branch',
    ],
    [
      'an untracked file at an edited path',
      (r) => writeFile(join(r.dir, 'new-file'), 'mine\n'),
      ['new-file'],
      'uncommitted-changes',
      ['new-file'],
      'has uncommitted changes to new-file',
    ],
    [
      'an ignored file at an edited path',
      async (r) => {
        await writeFile(join(r.dir, '.git/info/exclude'), 'secret\n');
        await writeFile(join(r.dir, 'secret'), 'mine\n');
      },
      ['secret'],
      'uncommitted-changes',
      ['secret'],
      'has uncommitted changes to secret',
    ],
    // The person's merge, cherry-pick, revert or `git am` would take the edits in, or lose its state.
    [
      'a merge in progress',
      (r) => r.git(['update-ref', 'MERGE_HEAD', 'HEAD']),
      [`${MAIN}/debian/serial`],
      'operation-in-progress',
      [`${MAIN}/debian/serial`],
      'a merge is in progress in',
    ],
    [
      'a cherry-pick in progress',
      (r) => r.git(['update-ref', 'CHERRY_PICK_HEAD', 'HEAD']),
      [`${MAIN}/debian/serial`],
      'operation-in-progress',
      [`${MAIN}/debian/serial`],
      'a cherry-pick is in progress in',
    ],
    [
      'a revert in progress',
      (r) => r.git(['update-ref', 'REVERT_HEAD', 'HEAD']),
      [`${MAIN}/debian/serial`],
      'operation-in-progress',
      [`${MAIN}/debian/serial`],
      'a revert is in progress in',
    ],
    [
      'git am or a rebase in progress',
      (r) => mkdir(join(r.dir, '.git', 'rebase-apply')),
      [`${MAIN}/debian/serial`],
      'operation-in-progress',
      [`${MAIN}/debian/serial`],
      'a rebase or git am is in progress in',
    ],
    [
      'a detached HEAD',
      (r) => r.git(['checkout', '--quiet', '--detach']),
      [`${MAIN}/debian/serial`],
      'detached-head',
      [`${MAIN}/debian/serial`],
      'HEAD is detached in',
    ],
    [
      'a path outside the work tree',
      async () => undefined,
      ['../escape'],
      'bad-path',
      ['../escape'],
      'not a path inside the work tree: "../escape"',
    ],
    [
      'an absolute path',
      async () => undefined,
      ['/etc/passwd', 'ok'],
      'bad-path',
      ['/etc/passwd'],
      'not a path inside the work tree: "/etc/passwd"',
    ],
    [
      'a path inside .git',
      async () => undefined,
      ['.git/config'],
      'bad-path',
      ['.git/config'],
      'not a path inside the work tree: ".git/config"',
    ],
    [
      'an empty path component',
      async () => undefined,
      ['config//base_branch'],
      'bad-path',
      ['config//base_branch'],
      'not a path inside the work tree',
    ],
    [
      'the same path twice',
      async () => undefined,
      ['a', 'b', 'a'],
      'bad-path',
      ['a'],
      'the edits name a more than once',
    ],
    [
      'a parent that is a symlink',
      (r) => symlink('/tmp', join(r.dir, 'escape')),
      ['escape/file'],
      'bad-path',
      ['escape/file'],
      'cannot write escape/file: escape is a symbolic link',
    ],
    [
      'a parent that is a file',
      async () => undefined,
      ['config/base_branch/inner'],
      'bad-path',
      ['config/base_branch/inner'],
      'cannot write config/base_branch/inner: config/base_branch is not a directory',
    ],
    [
      'a path that is a directory',
      async () => undefined,
      [`${MAIN}/debian`],
      'bad-path',
      [`${MAIN}/debian`],
      `cannot write ${MAIN}/debian: it is a directory`,
    ],
  ];

  it.each(refusals)('refuses %s and touches nothing', async (_what, setup, paths, reason, named, message) => {
    await setup(repo);
    const before = await status();
    const headBefore = await repo.git(['rev-parse', 'HEAD']);
    const contents = await Promise.all(Object.keys(FILES).map((p) => readFile(join(repo.dir, p)).catch(() => null)));
    const result = apply(paths.map((path) => ({ path, content: 'latest\n' })));
    await expect(result).rejects.toBeInstanceOf(WorkTreeError);
    await expect(result).rejects.toMatchObject({ reason, paths: named });
    await expect(result).rejects.toThrow(message);
    expect(await status()).toBe(before);
    expect(await repo.git(['rev-parse', 'HEAD'])).toBe(headBefore);
    expect(await Promise.all(Object.keys(FILES).map((p) => readFile(join(repo.dir, p)).catch(() => null)))).toEqual(
      contents,
    );
  });

  it('refuses a bare repository', async () => {
    const bare = join(repo.dir, '..', 'bare.git');
    await runIn(join(repo.dir, '..'), repo.env, ['clone', '--quiet', '--bare', repo.dir, bare]);
    const result = applyEdits(bare, [{ path: 'a', content: 'b' }], 'm', { env: repo.env });
    await expect(result).rejects.toMatchObject({ reason: 'bare', paths: ['a'] });
    await expect(result).rejects.toThrow(`${bare} is a bare repository`);
  });

  it('leaves the edits written and staged when a commit hook refuses, and says so', async () => {
    const hook = join(repo.dir, '.git/hooks/pre-commit');
    await mkdir(join(repo.dir, '.git/hooks'), { recursive: true });
    await writeFile(hook, '#!/bin/sh\necho "hook says no" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const result = apply([{ path: `${MAIN}/debian/serial`, content: 'latest\n' }]);
    await expect(result).rejects.toMatchObject({ reason: 'git-failed' });
    await expect(result).rejects.toThrow(/hook says no.*\(the edits are written and staged, not committed\)/s);
    expect(await head()).toBe(repo.commit);
    expect(await status()).toBe(`M  ${MAIN}/debian/serial\n`);
  });
});
