import { branchNameProblem } from '../../domain/branch-name.js';
import { ReadError } from '../../errors.js';
import type { CommitInfo } from '../../domain/tree.js';
import { GitCommandError, runGit } from './run-git.js';

export interface GitEnvOptions {
  /** Defaults to this process's environment, so GIT_DIR and friends apply. */
  env?: NodeJS.ProcessEnv;
}

export interface HistoryOptions extends GitEnvOptions {
  /** Only commits whose committer date is at or after this. */
  since?: Date;
}

// A revision that starts with "-" would reach git as an option.
function checkRevision(repoDir: string, rev: string): void {
  if (rev === '' || rev.startsWith('-') || /[\0\n]/.test(rev)) {
    throw new ReadError(`${JSON.stringify(rev)} is not a valid revision (repository ${repoDir})`);
  }
}

/**
 * The first-parent history of `rev`, OLDEST FIRST (the order a timeline is
 * told in), read by one `git log`.
 * @throws ReadError naming the revision and the repository
 */
export async function firstParentHistory(
  repoDir: string,
  rev: string,
  options: HistoryOptions = {},
): Promise<CommitInfo[]> {
  checkRevision(repoDir, rev);
  const args = ['log', '--first-parent', '--reverse', '-z', '--format=tformat:%H%x00%P%x00%ct%x00%s'];
  if (options.since) args.push(`--max-age=${Math.floor(options.since.getTime() / 1000)}`);
  args.push(rev, '--');
  let stdout: string;
  try {
    ({ stdout } = await runGit(repoDir, args, { env: options.env }));
  } catch (error) {
    throw new ReadError(
      `cannot read the first-parent history of "${rev}" in repository ${repoDir}: ${describe(error)}`,
      { cause: error },
    );
  }
  const fields = stdout.split('\0');
  const commits: CommitInfo[] = [];
  for (let i = 0; i + 4 <= fields.length; i += 4) {
    const [sha, parents, time, subject] = fields.slice(i, i + 4) as [string, string, string, string];
    commits.push({
      sha,
      parents: parents === '' ? [] : parents.split(' '),
      date: new Date(Number(time) * 1000),
      subject,
    });
  }
  return commits;
}

/**
 * Whether the repository is a shallow clone, whose history stops at the
 * oldest commit fetched.
 * @throws ReadError naming the repository
 */
export async function isShallowRepository(repoDir: string, options: GitEnvOptions = {}): Promise<boolean> {
  try {
    const { stdout } = await runGit(repoDir, ['rev-parse', '--is-shallow-repository'], { env: options.env });
    return stdout.trim() === 'true';
  } catch (error) {
    throw new ReadError(`cannot tell whether repository ${repoDir} is shallow: ${describe(error)}`, { cause: error });
  }
}

/**
 * The full commit id `rev` names.
 * @throws ReadError naming the revision and the repository when there is no such commit
 */
export async function resolveRevision(repoDir: string, rev: string, options: GitEnvOptions = {}): Promise<string> {
  checkRevision(repoDir, rev);
  let run;
  try {
    run = await runGit(repoDir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
      env: options.env,
      okCodes: [1],
    });
  } catch (error) {
    throw new ReadError(`cannot resolve revision "${rev}" in repository ${repoDir}: ${describe(error)}`, {
      cause: error,
    });
  }
  if (run.code !== 0) throw new ReadError(`revision "${rev}" does not exist in repository ${repoDir}`);
  return run.stdout.trim();
}

/**
 * The first parent of `rev`, or undefined for a root commit.
 * @throws ReadError naming the revision and the repository when there is no such commit
 */
export async function firstParent(
  repoDir: string,
  rev: string,
  options: GitEnvOptions = {},
): Promise<string | undefined> {
  const commit = await resolveRevision(repoDir, rev, options);
  let run;
  try {
    run = await runGit(repoDir, ['rev-parse', '--verify', '--quiet', `${commit}^1`], {
      env: options.env,
      okCodes: [1],
    });
  } catch (error) {
    throw new ReadError(`cannot read the parent of "${rev}" in repository ${repoDir}: ${describe(error)}`, {
      cause: error,
    });
  }
  return run.code === 0 ? run.stdout.trim() : undefined;
}

/**
 * Where two revisions forked: their best common ancestor (git merge-base),
 * or undefined when their histories share no commit (or a shallow clone
 * does not reach it).
 * @throws ReadError naming the revisions and the repository
 */
export async function mergeBase(
  repoDir: string,
  a: string,
  b: string,
  options: GitEnvOptions = {},
): Promise<string | undefined> {
  checkRevision(repoDir, a);
  checkRevision(repoDir, b);
  let run;
  try {
    run = await runGit(repoDir, ['merge-base', a, b], { env: options.env, okCodes: [1] });
  } catch (error) {
    throw new ReadError(`cannot find where "${a}" and "${b}" forked in repository ${repoDir}: ${describe(error)}`, {
      cause: error,
    });
  }
  return run.code === 0 ? run.stdout.trim() : undefined;
}

/**
 * Where a base branch is in a local repository: the local branch if there is
 * one, else the remote-tracking branch of `origin` (a fresh clone has only
 * that), else undefined.
 * @returns a full ref name, `refs/heads/NAME` or `refs/remotes/origin/NAME`
 */
export async function resolveBaseBranchRev(
  repoDir: string,
  branchName: string,
  options: GitEnvOptions = {},
): Promise<string | undefined> {
  const candidates = [`refs/heads/${branchName}`, `refs/remotes/origin/${branchName}`];
  let stdout: string;
  try {
    ({ stdout } = await runGit(repoDir, ['for-each-ref', '--format=%(refname)', ...candidates], { env: options.env }));
  } catch (error) {
    throw new ReadError(`cannot list the branches of repository ${repoDir}: ${describe(error)}`, { cause: error });
  }
  // for-each-ref also lists refs below a pattern (refs/heads/NAME/…); only exact names count.
  const found = new Set(stdout.split('\n'));
  return candidates.find((ref) => found.has(ref));
}

/**
 * What a push of `rev` to `branch` would go onto: `origin`'s branch, when
 * it is a strict ancestor of `rev` (commits not pushed yet are the change);
 * undefined when there is no such branch, it is `rev` itself, or `rev`
 * does not descend from it (a rewrite, judged from its parent).
 * @throws ReadError naming the repository
 */
export async function publishedBefore(
  repoDir: string,
  branch: string,
  rev: string,
  options: GitEnvOptions = {},
): Promise<string | undefined> {
  checkRevision(repoDir, rev);
  const published = `refs/remotes/origin/${branch}`;
  try {
    const verify = (name: string) =>
      runGit(repoDir, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`], { env: options.env, okCodes: [1] });
    const [at, tip] = await Promise.all([verify(published), verify(rev)]);
    if (at.code !== 0 || tip.code !== 0 || at.stdout.trim() === tip.stdout.trim()) return undefined;
    const ancestor = await runGit(repoDir, ['merge-base', '--is-ancestor', published, rev], {
      env: options.env,
      okCodes: [1],
    });
    return ancestor.code === 0 ? published : undefined;
  } catch (error) {
    throw new ReadError(`cannot tell where ${branch} was pushed in repository ${repoDir}: ${describe(error)}`, {
      cause: error,
    });
  }
}

/**
 * The names of the repository's tags.
 * @throws ReadError naming the repository
 */
export async function listTags(repoDir: string, options: GitEnvOptions = {}): Promise<string[]> {
  try {
    const { stdout } = await runGit(repoDir, ['for-each-ref', '--format=%(refname:strip=2)', 'refs/tags'], {
      env: options.env,
    });
    return stdout.split('\n').filter((name) => name !== '');
  } catch (error) {
    throw new ReadError(`cannot list the tags of repository ${repoDir}: ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  return error instanceof GitCommandError ? error.stderr.trim() || error.message : String(error);
}

/** What `git symbolic-ref` says `name` points to, or undefined when it is not a symbolic ref. */
async function symbolicRef(repoDir: string, name: string, options: GitEnvOptions): Promise<string | undefined> {
  const run = await runGit(repoDir, ['symbolic-ref', '--quiet', name], { env: options.env, okCodes: [1, 128] });
  return run.code === 0 ? run.stdout.trim() : undefined;
}

/**
 * The repository's default branch, as far as a local repository knows it:
 * what `origin/HEAD` points to (a clone sets it), else a bare repository's
 * HEAD (a Git server's), else `$CI_DEFAULT_BRANCH` (GitLab CI), else the
 * first of `candidates` (the development branches) that exists. A work
 * tree's HEAD is the checked-out branch, never taken for the default.
 * @returns the branch and the ref to read it at; undefined when none is found
 * @throws ReadError when git cannot answer
 */
export async function defaultBranchOf(
  repoDir: string,
  candidates: readonly string[],
  options: GitEnvOptions = {},
): Promise<{ branch: string; rev: string } | undefined> {
  try {
    // A symbolic ref may dangle (a default branch renamed since the clone): then the next source is asked.
    const exists = async (ref: string) =>
      (
        await runGit(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
          env: options.env,
          okCodes: [1],
        })
      ).code === 0;
    const remote = await symbolicRef(repoDir, 'refs/remotes/origin/HEAD', options);
    if (remote?.startsWith('refs/remotes/origin/') && (await exists(remote)))
      return { branch: remote.slice('refs/remotes/origin/'.length), rev: remote };
    const bare = await runGit(repoDir, ['rev-parse', '--is-bare-repository'], { env: options.env });
    if (bare.stdout.trim() === 'true') {
      const head = await symbolicRef(repoDir, 'HEAD', options);
      if (head?.startsWith('refs/heads/') && (await exists(head)))
        return { branch: head.slice('refs/heads/'.length), rev: head };
    }
  } catch (error) {
    throw new ReadError(`cannot tell the default branch of repository ${repoDir}: ${describe(error)}`, {
      cause: error,
    });
  }
  const ci = options.env?.CI_DEFAULT_BRANCH;
  const problem = ci ? branchNameProblem(ci) : undefined;
  if (problem !== undefined) throw new ReadError(`$CI_DEFAULT_BRANCH is not a branch name: ${problem}`);
  for (const name of [...(ci ? [ci] : []), ...candidates]) {
    const rev = await resolveBaseBranchRev(repoDir, name, options);
    if (rev !== undefined) return { branch: name, rev };
  }
  return undefined;
}
