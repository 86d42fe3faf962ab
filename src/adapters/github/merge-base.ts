import type { GitHubClient, GitHubRepository } from './client.js';
import { call, ForgeError } from './forge-error.js';

/**
 * Where `head` forked from `base` (their merge base), from GitHub's compare
 * API; both are branch names or shas. One page of one commit keeps the
 * answer small: the merge base comes with it whatever the page. Throws a
 * ForgeError when GitHub cannot tell (404 for unrelated histories or an
 * unknown revision) or fails.
 */
export async function mergeBase(
  octokit: Pick<GitHubClient, 'request'>,
  repository: GitHubRepository,
  base: string,
  head: string,
): Promise<string> {
  const operation = 'find the merge base';
  const { data } = await call(operation, () =>
    octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      ...repository,
      basehead: `${base}...${head}`,
      per_page: 1,
    }),
  );
  const sha = (data as { merge_base_commit?: { sha?: unknown } }).merge_base_commit?.sha;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new ForgeError(
      `GitHub ${operation}: GET /repos/${repository.owner}/${repository.repo}/compare/${base}...${head} answered without merge_base_commit.sha`,
      operation,
      'GET compare',
    );
  }
  return sha;
}
