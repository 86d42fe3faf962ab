import type { GitHubClient, GitHubRepository } from './client.js';
import { call } from './forge-error.js';

const PAGE = 100;
/** Tails has a few hundred tags; a prefix keeps this to a page or two, and this bounds a repository with too many. */
const MAX_PAGES = 20;

/** The names of the repository's tags that start with `prefix` (e.g. `4.` for the 4.x releases). */
export async function listTagsWithPrefix(
  octokit: Pick<GitHubClient, 'request'>,
  repository: GitHubRepository,
  prefix: string,
): Promise<string[]> {
  const names: string[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const { data } = await call('list tags', () =>
      octokit.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
        ...repository,
        ref: `tags/${prefix}`,
        per_page: PAGE,
        page,
      }),
    );
    const refs = data as { ref: string }[];
    names.push(...refs.filter((r) => r.ref.startsWith('refs/tags/')).map((r) => r.ref.slice('refs/tags/'.length)));
    if (refs.length < PAGE) break;
  }
  return names;
}
