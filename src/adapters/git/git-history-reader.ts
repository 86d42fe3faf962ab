import { ReadError } from '../../errors.js';
import type { CommitInfo } from '../../domain/tree.js';
import type { HistoryCommit, HistoryReader } from '../../ports/history.js';
import { firstParentHistory, type GitEnvOptions } from './history.js';
import { GitCommandError, runGit } from './run-git.js';

/** The fingerprint of commits before any commit touched the paths: they all lack them alike. */
export const NO_CHANGE_YET = 'none';

export interface GitHistoryReaderOptions extends GitEnvOptions {
  /** The revision a branch is read at; `refs/heads/NAME` when absent (a clone may want origin's). */
  revisionOf?: (branch: string) => string;
}

/**
 * A branch's first-parent history from a local repository, in two git
 * invocations whatever its length: the first-parent chain, and the commits
 * of that chain that changed the paths (a merge counts when it differs from
 * its first parent there, so one that brings a serial change does). A
 * commit's fingerprint is the newest commit of the chain, at or before it,
 * that changed the paths: between two such commits the paths do not change.
 * Walking back from the tip, as the GraphQL reader does, the first commit
 * committed before `since` ends the history and is kept: the state the
 * window starts in.
 */
export class GitHistoryReader implements HistoryReader {
  constructor(
    private readonly repoDir: string,
    private readonly options: GitHistoryReaderOptions = {},
  ) {}

  async firstParentHistory(
    branch: string,
    options: { since: Date; paths: readonly string[]; stopAt?: string },
  ): Promise<HistoryCommit[]> {
    const rev = this.options.revisionOf?.(branch) ?? `refs/heads/${branch}`;
    // Both reads run at once, so the revision is checked before either: one starting with "-" is an option to git.
    if (rev === '' || rev.startsWith('-') || /[\0\n]/.test(rev))
      throw new ReadError(`${JSON.stringify(rev)} is not a valid revision of ${branch} (repository ${this.repoDir})`);
    const env = { env: this.options.env };
    // The whole chain, not only the commits since `since`: a commit before them may still be the one whose
    // change a later commit's fingerprint names.
    const [chainRead, changedRead] = await Promise.allSettled([
      firstParentHistory(this.repoDir, rev, env),
      this.changedPaths(rev, options.paths),
    ]);
    // The chain's error first, whichever git failed sooner: it names the revision plainly.
    if (chainRead.status === 'rejected') throw chainRead.reason;
    if (changedRead.status === 'rejected') throw changedRead.reason;
    const [chain, changed] = [chainRead.value, changedRead.value];
    const stop = options.stopAt === undefined ? -1 : chain.map((c) => c.sha).lastIndexOf(options.stopAt);
    let start = stop + 1;
    for (let i = chain.length - 1; i > stop; i -= 1) {
      if ((chain[i] as CommitInfo).date.getTime() < options.since.getTime()) {
        start = i;
        break;
      }
    }
    const commits: HistoryCommit[] = [];
    let fingerprint = NO_CHANGE_YET;
    chain.forEach((commit, i) => {
      if (changed.has(commit.sha)) fingerprint = commit.sha;
      if (i < start) return;
      const parent = commit.parents[0];
      commits.push({
        sha: commit.sha,
        date: commit.date,
        subject: commit.subject,
        ...(parent === undefined ? {} : { parent }),
        fingerprint,
      });
    });
    return commits;
  }

  /** The commits of the first-parent chain of `rev` that changed any of `paths`. */
  private async changedPaths(rev: string, paths: readonly string[]): Promise<Set<string>> {
    if (paths.length === 0) return new Set();
    // Literal: a configured path is a path, never a glob.
    const args = ['--literal-pathspecs', 'log', '--first-parent', '--format=%H', rev, '--', ...paths];
    try {
      const { stdout } = await runGit(this.repoDir, args, { env: this.options.env });
      return new Set(stdout.split('\n').filter((sha) => sha !== ''));
    } catch (error) {
      const detail = error instanceof GitCommandError ? error.stderr.trim() || error.message : String(error);
      throw new ReadError(
        `cannot read which commits of "${rev}" changed ${paths.join(', ')} in ${this.repoDir}: ${detail}`,
        {
          cause: error,
        },
      );
    }
  }
}
