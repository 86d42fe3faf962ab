import { resolve } from 'node:path';
import { GitRefReader } from '../adapters/git/git-ref-reader.js';
import { GitCommandError, runGit } from '../adapters/git/run-git.js';
import { confusableBase, normalizeBranchName } from '../domain/branch-name.js';
import { printable } from '../domain/serial.js';
import { ReadError, UsageError } from '../errors.js';
import type { CliIo } from './io.js';

/**
 * Opens one reader for the whole command and always stops its git process.
 * io.env reaches git so a hook's GIT_DIR and quarantine variables apply.
 */
export async function withReader<T>(
  repoDir: string,
  io: CliIo,
  use: (reader: GitRefReader, repoDir: string) => Promise<T>,
): Promise<T> {
  const dir = resolve(io.cwd, repoDir);
  const reader = await GitRefReader.open(dir, { env: io.env });
  try {
    return await use(reader, dir);
  } finally {
    await reader.close();
  }
}

async function git(dir: string, args: string[], io: Pick<CliIo, 'env'>, okCodes: number[] = []) {
  try {
    return await runGit(dir, args, { env: io.env, okCodes });
  } catch (error) {
    if (error instanceof GitCommandError) throw new ReadError(error.message, { cause: error });
    throw error;
  }
}

/**
 * `--repo DIR`, else the repository around the current directory, as git
 * finds it: the top of its work tree, or the repository itself when it is
 * bare (or the current directory is inside .git).
 * @throws UsageError outside any repository
 */
export async function findRepository(option: string | undefined, io: Pick<CliIo, 'cwd' | 'env'>): Promise<string> {
  if (option !== undefined) {
    if (option === '') throw new UsageError('--repo DIR must not be empty');
    return resolve(io.cwd, option);
  }
  const gitDir = await git(io.cwd, ['rev-parse', '--absolute-git-dir'], io, [128]);
  if (gitDir.code !== 0)
    throw new UsageError(`${io.cwd} is not in a Git repository (nor is any parent directory): pass --repo DIR`);
  const top = await git(io.cwd, ['rev-parse', '--show-toplevel'], io, [128]);
  return top.code === 0 && top.stdout.trim() !== '' ? top.stdout.trim() : gitDir.stdout.trim();
}

/** The repository's remotes (`origin`…), so that `origin/devel` can mean devel. */
export async function listRemotes(repoDir: string, io: Pick<CliIo, 'env'>): Promise<string[]> {
  const { stdout } = await git(repoDir, ['remote'], io);
  return stdout.split('\n').filter((name) => name !== '');
}

/** The repository's tags: a released version is tagged (4.19~rc1 as 4.19-rc1). */
export async function listTags(repoDir: string, io: Pick<CliIo, 'env'>): Promise<string[]> {
  const { stdout } = await git(repoDir, ['for-each-ref', '--format=%(refname:strip=2)', 'refs/tags/'], io);
  return stdout.split('\n').filter((name) => name !== '');
}

/** What a branch name given on the command line must be, for the options that take one. */
export interface BranchContext {
  remotes: readonly string[];
  /** The base branches of the configuration in hand (the defaults, or --config): `Devel` is refused for devel. */
  bases: readonly string[];
}

/**
 * A branch name as normalizeBranchName makes it, refused when git would
 * refuse it, or when it only looks like a base branch (judging `Devel`, or
 * devel and a no-break space, as a topic branch would let devel's state pass
 * unjudged).
 * @param what how to name the input in the message: `--branch Devel`, `the checked-out branch Devel`
 * @throws UsageError naming the input
 */
export function branchName(input: string, what: string, context: BranchContext): string {
  const result = normalizeBranchName(input, { remotes: context.remotes });
  if (!result.ok) throw new UsageError(`${what}: ${result.error}`);
  const base = confusableBase(result.branch, context.bases);
  if (base !== undefined)
    throw new UsageError(
      `${what}: "${printable(result.branch)}" only looks like the base branch ${base} (letter case or invisible characters), and Git's branch names are exact: did you mean ${base}?`,
    );
  return result.branch;
}

export type BranchSource = 'option' | 'checked-out' | 'ref';

/**
 * The branch a revision is judged or planned as: `--branch`, else the branch
 * the revision names (HEAD is the checked-out branch, `origin/testing` is
 * testing), as git and gh take it. A revision that names no branch (a commit
 * id, a tag, HEAD on a detached work tree) needs --branch: guessing would
 * judge it under another branch's rules.
 * @param refFlag the option the revision came from (`--ref`, `--rev`), for messages
 * @throws UsageError saying to pass --branch; ReadError when the revision does not exist
 */
export async function branchOf(
  repoDir: string,
  ref: string,
  given: string | undefined,
  refFlag: string,
  context: BranchContext,
  io: Pick<CliIo, 'env'>,
): Promise<{ branch: string; source: BranchSource }> {
  if (given !== undefined) return { branch: branchName(given, `--branch ${given}`, context), source: 'option' };
  if (ref.startsWith('-')) throw new UsageError(`${refFlag} ${ref} is not a revision`);
  const run = await git(repoDir, ['rev-parse', '--verify', '--quiet', '--symbolic-full-name', ref], io, [1]);
  if (run.code !== 0) throw new ReadError(`revision "${ref}" does not exist in repository ${repoDir}`);
  const full = run.stdout.trim();
  if (full === 'HEAD')
    throw new UsageError(
      `HEAD is detached in ${repoDir} (no branch is checked out), so ${refFlag} ${ref} names no branch: pass --branch NAME to say which branch it is`,
    );
  if (!full.startsWith('refs/heads/') && !full.startsWith('refs/remotes/')) {
    const what = full === '' ? 'a commit' : full;
    throw new UsageError(
      `${refFlag} ${ref} is ${what}, not a branch: pass --branch NAME to say which branch it is judged as`,
    );
  }
  const source: BranchSource = ref === 'HEAD' ? 'checked-out' : 'ref';
  const what = source === 'checked-out' ? `the checked-out branch ${full}` : `${refFlag} ${ref} (${full})`;
  return { branch: branchName(full, what, context), source };
}
