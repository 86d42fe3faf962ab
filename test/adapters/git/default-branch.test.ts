import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBranchOf, publishedBefore } from '../../../src/adapters/git/history.js';
import { ReadError } from '../../../src/errors.js';
import { commitFiles, makeRepo, runIn, type TestRepo } from '../../helpers/git-repo.js';

let origin: TestRepo;
let root: string;
beforeEach(async () => {
  origin = await makeRepo({ README: 'Tails\n' }, { branch: 'main' });
  await origin.git(['branch', 'devel']);
  root = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-default-'));
});
afterEach(async () => {
  await origin.cleanup();
  await rm(root, { recursive: true, force: true });
});

async function clone(args: string[] = []): Promise<string> {
  const dir = join(root, `clone-${Math.random().toString(36).slice(2)}`);
  await runIn(root, origin.env, ['clone', '--quiet', ...args, origin.dir, dir]);
  return dir;
}

describe('defaultBranchOf', () => {
  it('takes what origin/HEAD points to in a clone', async () => {
    const dir = await clone();
    await expect(defaultBranchOf(dir, ['devel'], { env: origin.env })).resolves.toEqual({
      branch: 'main',
      rev: 'refs/remotes/origin/main',
    });
  });

  it('skips an origin/HEAD that dangles (the default branch renamed since), for $CI_DEFAULT_BRANCH', async () => {
    const dir = await clone();
    await runIn(dir, origin.env, ['update-ref', '-d', 'refs/remotes/origin/main']);
    const env = { ...origin.env, CI_DEFAULT_BRANCH: 'devel' };
    await expect(defaultBranchOf(dir, [], { env })).resolves.toEqual({
      branch: 'devel',
      rev: 'refs/remotes/origin/devel',
    });
  });

  it("takes a bare repository's HEAD, a Git server's, unless it names no branch yet", async () => {
    const bare = await clone(['--bare']);
    await expect(defaultBranchOf(bare, ['devel'], { env: origin.env })).resolves.toEqual({
      branch: 'main',
      rev: 'refs/heads/main',
    });
    await runIn(bare, origin.env, ['symbolic-ref', 'HEAD', 'refs/heads/gone']);
    await expect(defaultBranchOf(bare, ['devel'], { env: origin.env })).resolves.toMatchObject({ branch: 'devel' });
  });

  it('never takes the checked-out branch of a work tree, and finds a development branch last', async () => {
    await origin.git(['checkout', '--quiet', 'devel']);
    await expect(defaultBranchOf(origin.dir, ['stable'], { env: origin.env })).resolves.toBeUndefined();
    await expect(defaultBranchOf(origin.dir, ['devel'], { env: origin.env })).resolves.toMatchObject({
      branch: 'devel',
    });
  });

  it('refuses a $CI_DEFAULT_BRANCH that is no branch name', async () => {
    const env = { ...origin.env, CI_DEFAULT_BRANCH: 'a..b' };
    await expect(defaultBranchOf(origin.dir, ['devel'], { env })).rejects.toThrow(ReadError);
  });
});

describe('publishedBefore', () => {
  it('names origin/BRANCH when commits not pushed yet sit on top of it, and nothing otherwise', async () => {
    const dir = await clone();
    const clonedRepo = { dir, env: origin.env, git: (args: string[]) => runIn(dir, origin.env, args) };
    const opts = { env: origin.env };
    await runIn(dir, origin.env, ['config', 'user.name', 'Tails developers']);
    await runIn(dir, origin.env, ['config', 'user.email', 'tails@example.org']);
    await expect(publishedBefore(dir, 'main', 'HEAD', opts)).resolves.toBeUndefined();
    await commitFiles(clonedRepo as TestRepo, { NEWS: 'x\n' }, 'Not pushed yet');
    await expect(publishedBefore(dir, 'main', 'HEAD', opts)).resolves.toBe('refs/remotes/origin/main');
    await expect(publishedBefore(dir, 'nowhere', 'HEAD', opts)).resolves.toBeUndefined();
    await runIn(dir, origin.env, ['checkout', '--quiet', '--orphan', 'rewritten']);
    await commitFiles(clonedRepo as TestRepo, { NEWS: 'y\n' }, 'Unrelated');
    await expect(publishedBefore(dir, 'main', 'HEAD', opts)).resolves.toBeUndefined();
  });
});
