import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FakeEntry } from './snapshot.js';

/** What a submodule entry points at; the commit need not exist. */
export const SUBMODULE_COMMIT = '0123456789abcdef0123456789abcdef01234567';

export interface TestRepo {
  /** The work tree. */
  dir: string;
  /** An environment in which git ignores the machine's and the user's configuration. */
  env: NodeJS.ProcessEnv;
  /** Runs git in the work tree; rejects with git's stderr on failure. */
  git(args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

export interface CommitOptions {
  /** Author and committer date; git's clock when absent. */
  date?: Date;
}

export interface MakeRepoOptions extends CommitOptions {
  /** The branch the first commit is on; `devel` by default. */
  branch?: string;
  message?: string;
}

/**
 * An environment for git that no global or system configuration reaches,
 * nor the colour variables of the test process (Jest sets FORCE_COLOR=1 in
 * its workers on a terminal), which would colour what the command line prints.
 */
export function hermeticGitEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('GIT_') && key !== 'FORCE_COLOR' && key !== 'NO_COLOR') env[key] = value;
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(home, 'gitconfig'),
  };
}

export function runIn(dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(' ')} in ${dir} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/**
 * A real repository in a new temporary directory, with `files` committed
 * (symlinks as symlinks, submodules as gitlinks to SUBMODULE_COMMIT). An empty
 * directory (`dir/`) cannot be committed and is refused.
 */
export async function makeRepo(
  files: Record<string, FakeEntry>,
  options: MakeRepoOptions = {},
): Promise<TestRepo & { commit: string }> {
  const root = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-git-'));
  const dir = join(root, 'repo');
  const home = join(root, 'home');
  await mkdir(dir);
  await mkdir(home);
  const env = hermeticGitEnv(home);
  const repo: TestRepo = {
    dir,
    env,
    git: (args) => runIn(dir, env, args),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  await repo.git(['init', '--quiet', `--initial-branch=${options.branch ?? 'devel'}`]);
  await repo.git(['config', 'user.name', 'Test Person']);
  await repo.git(['config', 'user.email', 'test@example.org']);
  await repo.git(['config', 'commit.gpgsign', 'false']);
  const commit = await commitFiles(repo, files, options.message ?? 'Initial commit', options);
  return { ...repo, commit };
}

/**
 * makeRepo for a test file whose repositories are removed after each test;
 * call it at the top of the file, as it registers an afterEach.
 */
export function repoPerTest(): typeof makeRepo {
  let repos: TestRepo[] = [];
  afterEach(async () => {
    await Promise.all(repos.map((r) => r.cleanup()));
    repos = [];
  });
  return async (...args) => {
    const made = await makeRepo(...args);
    repos.push(made);
    return made;
  };
}

/** Writes `files` (null removes a path), commits everything, and returns the new commit. */
export async function commitFiles(
  repo: TestRepo,
  files: Record<string, FakeEntry | null>,
  message: string,
  options: CommitOptions = {},
): Promise<string> {
  const submodules: string[] = [];
  for (const [path, value] of Object.entries(files)) {
    if (path.endsWith('/')) throw new Error(`makeRepo: git cannot store the empty directory ${path}`);
    const file = join(repo.dir, path);
    if (await lstat(file).catch(() => undefined)) await rm(file, { recursive: true, force: true });
    if (value === null) continue;
    await mkdir(dirname(file), { recursive: true });
    if (typeof value === 'string' || Buffer.isBuffer(value)) await writeFile(file, value);
    else if ('executable' in value) {
      await writeFile(file, value.executable);
      await chmod(file, 0o755);
    } else if ('symlink' in value) await symlink(value.symlink, file);
    else if ('tooLarge' in value) await writeFile(file, Buffer.alloc(value.tooLarge, 'x'));
    else {
      // An unpopulated submodule is an empty directory, which `git add -A` leaves alone.
      await mkdir(file);
      submodules.push(path);
    }
  }
  await repo.git(['add', '-A']);
  for (const path of submodules)
    await repo.git(['update-index', '--add', '--cacheinfo', `160000,${SUBMODULE_COMMIT},${path}`]);
  const env = { ...repo.env };
  if (options.date) {
    const stamp = `${Math.floor(options.date.getTime() / 1000)} +0000`;
    env.GIT_AUTHOR_DATE = stamp;
    env.GIT_COMMITTER_DATE = stamp;
  }
  await runIn(repo.dir, env, ['commit', '--quiet', '--allow-empty', '--message', message]);
  return (await repo.git(['rev-parse', 'HEAD'])).trim();
}
