import type { GitLabProjectRef } from './webhook-events.js';
import { gitlabCall, type GitLabApi } from './client.js';

const PER_PAGE = 100;
/** A bot user is a member of a few projects; more pages than this is a token with far too much reach. */
const MAX_PAGES = 20;
/** GitLab's Developer access level: what the bot needs to post statuses and push its branches. */
const DEVELOPER = 30;

interface ProjectFields {
  id: number;
  path_with_namespace: string;
  web_url: string;
  default_branch?: string | null;
  archived?: boolean;
}

/**
 * Calls `each` for every project the bot user is a Developer (or more)
 * of, one at a time: GitLab's counterpart of a GitHub App's installed
 * repositories. Archived projects and projects without a default branch
 * (empty ones) are skipped; a failure of one project goes to `failed`,
 * and the others are still visited.
 */
export async function forEachGitLabProject(
  api: GitLabApi,
  each: (project: GitLabProjectRef) => Promise<void>,
  failed: (what: string, error: unknown) => void,
): Promise<void> {
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const projects: ProjectFields[] = await gitlabCall('list the bot user’s projects', () =>
      api.Projects.all({
        membership: true,
        minAccessLevel: DEVELOPER,
        archived: false,
        simple: true,
        perPage: PER_PAGE,
        page,
        maxPages: 1,
        pagination: 'offset',
      }),
    );
    for (const project of projects) {
      if (project.archived === true || !project.default_branch) continue;
      try {
        await each({
          id: project.id,
          pathWithNamespace: project.path_with_namespace,
          webUrl: project.web_url,
          defaultBranch: project.default_branch,
        });
      } catch (error) {
        failed(`project ${project.path_with_namespace}`, error);
      }
    }
    if (projects.length < PER_PAGE) return;
  }
}
