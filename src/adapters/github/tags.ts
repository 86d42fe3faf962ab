import type { GitHubClient, GitHubRepository } from './client.js';
import { matchingRefs } from './matching-refs.js';

/** The names of the repository's tags that start with `prefix` (e.g. `4.` for the 4.x releases). */
export async function listTagsWithPrefix(
  octokit: Pick<GitHubClient, 'request'>,
  repository: GitHubRepository,
  prefix: string,
): Promise<string[]> {
  const refs = await matchingRefs(octokit, repository, `tags/${prefix}`, 'list tags');
  return refs.filter((r) => r.ref.startsWith('refs/tags/')).map((r) => r.ref.slice('refs/tags/'.length));
}
