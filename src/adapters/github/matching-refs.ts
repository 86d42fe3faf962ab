import type { GitHubClient, GitHubRepository } from './client.js';
import { call } from './forge-error.js';

/** A repository with more refs under one prefix than this many pages is not read further. */
const MAX_PAGES = 20;

export interface MatchedRef {
  ref: string;
  object: { sha: string };
}

/** The `next` URL of a Link header, when it is on the API's own origin. */
function nextPage(link: string | undefined, origin: string): string | undefined {
  const next = link
    ?.split(',')
    .map((part) => /<([^>]+)>\s*;\s*rel="next"/.exec(part)?.[1])
    .find((url) => url !== undefined);
  if (next === undefined) return undefined;
  try {
    return new URL(next).origin === origin ? next : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every ref whose name starts with `refs/PREFIX`. GitHub documents no page
 * parameters for this endpoint, only a Link header: its `next` pages are
 * followed, up to MAX_PAGES.
 */
export async function matchingRefs(
  octokit: Pick<GitHubClient, 'request'>,
  repository: GitHubRepository,
  prefix: string,
  what: string,
): Promise<MatchedRef[]> {
  const refs: MatchedRef[] = [];
  let response: { data: unknown; headers: { link?: string }; url: string } = await call(what, () =>
    octokit.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', { ...repository, ref: prefix }),
  );
  for (let page = 1; ; page += 1) {
    refs.push(...(response.data as MatchedRef[]));
    const next = nextPage(response.headers.link, new URL(response.url).origin);
    if (next === undefined || page >= MAX_PAGES) return refs;
    response = await call(what, () => octokit.request(`GET ${next}`));
  }
}
