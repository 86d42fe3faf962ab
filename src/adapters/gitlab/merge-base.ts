import { ForgeError } from '../../ports/forge-error.js';
import { gitlabCall, type GitLabApi, type GitLabProject } from './client.js';
import { gitlabRef } from './reader-commits.js';

const OPERATION = 'find the merge base';

/**
 * Where `head` forked from `base` (their merge base), from GET
 * /projects/:id/repository/merge_base; both are branch names (bare or
 * `refs/heads/NAME`), tags or shas. GitLab answers 404 when the histories
 * share no commit and 400 when it does not know a ref; both reject with a
 * ForgeError of status 404, as GitHub's compare does, so the caller reads
 * "no merge base" the same on either forge (judge.ts's forkPoint logs it
 * as information, not as a fault).
 * @throws ForgeError with forge 'GitLab'
 */
export async function gitlabMergeBase(
  api: GitLabApi,
  project: GitLabProject,
  base: string,
  head: string,
): Promise<string> {
  let data: { id?: unknown };
  try {
    data = await gitlabCall(OPERATION, () =>
      api.Repositories.mergeBase(project.id, [gitlabRef(base), gitlabRef(head)]),
    );
  } catch (error) {
    if (error instanceof ForgeError && error.status === 400 && /Could not find ref/i.test(error.message)) {
      throw new ForgeError(error.message, error.operation, error.endpoint, {
        forge: 'GitLab',
        status: 404,
        cause: error,
      });
    }
    throw error;
  }
  if (typeof data.id !== 'string' || !/^[0-9a-f]{40}$/.test(data.id)) {
    throw new ForgeError(
      `GitLab ${OPERATION}: GET /projects/${encodeURIComponent(String(project.id))}/repository/merge_base answered without the commit's id`,
      OPERATION,
      'GET merge_base',
      { forge: 'GitLab' },
    );
  }
  return data.id;
}
