import { lstat, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Edit } from '../../planners/types.js';
import { errorMessage } from '../../errors.js';
import { runGit, type RunGitOptions } from './run-git.js';

export type WorkTreeRefusal =
  'bare' | 'detached-head' | 'operation-in-progress' | 'uncommitted-changes' | 'bad-path' | 'git-failed';

/** applyEdits would not, or could not, commit; nothing of the person's work was touched. */
export class WorkTreeError extends Error {
  override name = 'WorkTreeError';
  constructor(
    message: string,
    readonly reason: WorkTreeRefusal,
    readonly paths: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ApplyOptions {
  /** Defaults to this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Writes each edit's whole content, stages exactly those paths and commits
 * them on the current branch. Refuses, before writing anything, when a path
 * has uncommitted changes (staged, unstaged, untracked or ignored), when HEAD
 * is detached or when the repository is bare. Changes staged to other paths
 * are left staged and out of the commit.
 * @returns the new commit, or null when the files already held these contents
 * @throws WorkTreeError
 */
export async function applyEdits(
  workTreeDir: string,
  edits: Edit[],
  message: string,
  options: ApplyOptions = {},
): Promise<{ commit: string } | { commit: null }> {
  if (edits.length === 0) return { commit: null };
  const paths = edits.map((e) => e.path);
  checkPaths(paths);
  // Paths are relative to the top of the work tree, so git runs there once it is known.
  let cwd = workTreeDir;
  const git = async (args: string[], okCodes: number[] = []) => {
    try {
      return await runGit(cwd, ['--literal-pathspecs', ...args], { env: options.env, okCodes } satisfies RunGitOptions);
    } catch (error) {
      throw new WorkTreeError(
        `cannot commit ${paths.join(', ')} in ${workTreeDir}: ${errorMessage(error)}`,
        'git-failed',
        paths,
        { cause: error },
      );
    }
  };

  if ((await git(['rev-parse', '--is-bare-repository'])).stdout.trim() === 'true') {
    throw new WorkTreeError(
      `${workTreeDir} is a bare repository: there is no work tree to commit ${paths.join(', ')} in`,
      'bare',
      paths,
    );
  }
  const head = await git(['symbolic-ref', '--quiet', 'HEAD'], [1]);
  if (head.code !== 0) {
    throw new WorkTreeError(
      `HEAD is detached in ${workTreeDir}: check out the branch to commit ${paths.join(', ')} on`,
      'detached-head',
      paths,
    );
  }
  const operation = await operationInProgress(git, workTreeDir);
  if (operation !== undefined) {
    throw new WorkTreeError(
      `${operation} is in progress in ${workTreeDir}: finish or abort it before committing ${paths.join(', ')}`,
      'operation-in-progress',
      paths,
    );
  }
  const top = (await git(['rev-parse', '--show-toplevel'])).stdout.replace(/\n$/, '');
  cwd = top;
  const dirty = await changedPaths(git, paths);
  if (dirty.length > 0) {
    throw new WorkTreeError(
      `${workTreeDir} has uncommitted changes to ${dirty.join(', ')}: commit or stash them first`,
      'uncommitted-changes',
      dirty,
    );
  }
  for (const path of paths) await checkWritable(top, path);

  for (const edit of edits) {
    const file = join(top, edit.path);
    await mkdir(dirname(file), { recursive: true });
    const existing = await lstat(file).catch(() => undefined);
    if (existing?.isSymbolicLink()) await unlink(file);
    await writeFile(file, edit.content);
  }
  if ((await changedPaths(git, paths)).length === 0) return { commit: null };
  await git(['add', '--', ...paths]);
  try {
    await git(['commit', '--quiet', '--message', message, '--only', '--', ...paths]);
  } catch (error) {
    // A commit hook may refuse; the person then finds the edits written and staged, ready to inspect.
    throw new WorkTreeError(
      `${errorMessage(error)} (the edits are written and staged, not committed)`,
      'git-failed',
      paths,
      { cause: error },
    );
  }
  return { commit: (await git(['rev-parse', 'HEAD'])).stdout.trim() };
}

type Git = (args: string[], okCodes?: number[]) => Promise<{ stdout: string; code: number }>;

/**
 * A merge, cherry-pick, revert, rebase or `git am` the person left
 * unfinished: writing and committing now would slip the edits into it, or
 * end it. The branch may still be checked out (a conflicted merge, `git am`).
 */
async function operationInProgress(git: Git, cwd: string): Promise<string | undefined> {
  for (const [ref, what] of [
    ['MERGE_HEAD', 'a merge'],
    ['CHERRY_PICK_HEAD', 'a cherry-pick'],
    ['REVERT_HEAD', 'a revert'],
  ] as const) {
    if ((await git(['rev-parse', '--quiet', '--verify', ref], [1])).code === 0) return what;
  }
  for (const dir of ['rebase-apply', 'rebase-merge']) {
    const path = (await git(['rev-parse', '--git-path', dir])).stdout.replace(/\n$/, '');
    if (
      await lstat(resolve(cwd, path)).then(
        () => true,
        () => false,
      )
    )
      return 'a rebase or git am';
  }
  return undefined;
}

async function changedPaths(git: Git, paths: string[]): Promise<string[]> {
  const { stdout } = await git([
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--ignored=matching',
    '--',
    ...paths,
  ]);
  const changed: string[] = [];
  const records = stdout.split('\0');
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i] as string;
    if (record.length < 4) continue;
    changed.push(record.slice(3));
    // A rename or copy is followed by its source path.
    if (record[0] === 'R' || record[0] === 'C') i += 1;
  }
  return changed;
}

function checkPaths(paths: string[]): void {
  const bad = paths.filter(
    (p) =>
      p === '' ||
      p.startsWith('/') ||
      p.endsWith('/') ||
      p.includes('\0') ||
      p.split('/').some((part) => part === '' || part === '.' || part === '..' || part.toLowerCase() === '.git'),
  );
  if (bad.length > 0)
    throw new WorkTreeError(
      `not a path inside the work tree: ${bad.map((p) => JSON.stringify(p)).join(', ')}`,
      'bad-path',
      bad,
    );
  const seen = new Set<string>();
  const twice = paths.filter((p) => seen.size === seen.add(p).size);
  if (twice.length > 0) throw new WorkTreeError(`the edits name ${twice.join(', ')} more than once`, 'bad-path', twice);
}

/** Every parent must be a real directory or not exist yet, and the path itself not a directory. */
async function checkWritable(top: string, path: string): Promise<void> {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i += 1) {
    const parent = parts.slice(0, i).join('/');
    const info = await lstat(join(top, parent)).catch(() => undefined);
    if (!info) return;
    if (!info.isDirectory()) {
      const what = info.isSymbolicLink() ? 'a symbolic link' : 'not a directory';
      throw new WorkTreeError(`cannot write ${path}: ${parent} is ${what}`, 'bad-path', [path]);
    }
  }
  if ((await lstat(join(top, path)).catch(() => undefined))?.isDirectory()) {
    throw new WorkTreeError(`cannot write ${path}: it is a directory`, 'bad-path', [path]);
  }
}
