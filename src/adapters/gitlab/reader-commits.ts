import { commitSubject } from '../../domain/commit-subject.js';
import type { CommitInfo } from '../../domain/tree.js';
import { MissingRevisionError, ReadError } from '../../errors.js';
import { ForgeError } from '../../ports/forge-error.js';
import { gitlabCall, type GitLabApi, type GitLabProject } from './client.js';

/**
 * The revision as GitLab's API names it: a branch by its name (GitLab's
 * refs are short names; `refs/heads/NAME` is how the app names a branch),
 * anything else (a sha, a tag) as it is, without the `^{commit}` the
 * release flow adds to a tag (GitLab peels a tag to its commit anyway).
 */
export function gitlabRef(rev: string): string {
  // GitLab's commit endpoint peels an annotated tag to its commit itself, and takes no `^{commit}`.
  const peeled = rev.endsWith('^{commit}') ? rev.slice(0, -'^{commit}'.length) : rev;
  return peeled.startsWith('refs/heads/') ? peeled.slice('refs/heads/'.length) : peeled;
}

/** Whether `rev` can be a revision at all: anything else is refused before a request. */
export function checkRev(rev: string): void {
  if (gitlabRef(rev) === '' || /[\s\x00-\x1f\x7f]/.test(rev)) {
    throw new ReadError(
      `${JSON.stringify(rev)} is not a revision this reader accepts: use a commit sha, a tag or refs/heads/BRANCH`,
    );
  }
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * The commit `rev` names (GET /projects/:id/repository/commits/:sha, without
 * the diff stats GitLab computes by default), which pins every later read
 * of the revision to that sha: GraphQL has no parents of a commit.
 * @throws MissingRevisionError when GitLab has no such commit; ReadError when it cannot tell
 */
export async function readCommit(
  api: GitLabApi,
  project: GitLabProject,
  rev: string,
  where: string,
): Promise<CommitInfo> {
  checkRev(rev);
  let data: { id?: unknown; parent_ids?: unknown; committed_date?: unknown; message?: unknown };
  try {
    data = await gitlabCall('read commit', () => api.Commits.show(project.id, gitlabRef(rev), { stats: false }));
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404 && /Commit Not Found/i.test(error.message)) {
      throw new MissingRevisionError(`revision "${rev}" does not exist in ${where}`, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new ReadError(`cannot read revision "${rev}" of ${where}: ${message}`, { cause: error });
  }
  const parents = data.parent_ids;
  const date = typeof data.committed_date === 'string' ? new Date(data.committed_date) : undefined;
  if (
    typeof data.id !== 'string' ||
    !SHA.test(data.id) ||
    !Array.isArray(parents) ||
    !parents.every((p): p is string => typeof p === 'string' && SHA.test(p)) ||
    !date ||
    Number.isNaN(date.getTime()) ||
    typeof data.message !== 'string'
  ) {
    throw new ReadError(
      `GitLab answered revision "${rev}" of ${where} without its id, parent_ids, committed_date or message`,
    );
  }
  return { sha: data.id, parents, date, subject: commitSubject(data.message) };
}
