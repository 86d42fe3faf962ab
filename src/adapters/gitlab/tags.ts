import type { GitLabApi, GitLabProject } from './client.js';
import { gitlabCall } from './client.js';

const PER_PAGE = 100;
const MAX_PAGES = 10;

/** The names of the project's tags that start with `prefix` (e.g. `4.` for the 4.x releases). */
export async function listGitLabTags(api: GitLabApi, project: GitLabProject, prefix: string): Promise<string[]> {
  const names: string[] = [];
  // One page more than read: a full last page may be the end, or not.
  for (let page = 1; page <= MAX_PAGES + 1; page += 1) {
    // GitLab's `search=^PREFIX` matches tags starting with it; the filter below keeps the contract exact.
    const tags = await gitlabCall('list tags', () =>
      api.Tags.all(project.id, { search: `^${prefix}`, perPage: PER_PAGE, page, maxPages: 1 }),
    );
    if (page > MAX_PAGES && tags.length === 0) return names;
    if (page > MAX_PAGES) break;
    names.push(...tags.map((t) => t.name).filter((name) => name.startsWith(prefix)));
    if (tags.length < PER_PAGE) return names;
  }
  // A list cut short would leave release versions out of what the release jobs are told.
  throw new Error(
    `more than ${MAX_PAGES * PER_PAGE} tags start with "${prefix}" in ${String(project.id)}: not read further`,
  );
}
