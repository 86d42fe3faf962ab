import type { Octokit } from '@octokit/rest';
import type { GitHubClient, GitHubRepository } from './client.js';
import { call } from './forge-error.js';

/** A repository the app is installed on, with what the handlers need to work on it. */
export interface InstalledRepository {
  installationId: number;
  repository: GitHubRepository;
  nodeId: string;
  htmlUrl: string;
  defaultBranch: string;
}

type Paginating = Pick<Octokit, 'paginate' | 'request'>;

/**
 * Calls `each` for every repository of every installation of the app,
 * one at a time (the schedule is no hurry, and GitHub asks integrators not
 * to make requests in parallel). Archived repositories and suspended
 * installations are skipped: the bot could not write to them. A failure of one installation or repository
 * goes to `failed`, and the others are still visited.
 */
export async function forEachInstalledRepository(
  auth: (installationId?: number) => Promise<GitHubClient>,
  each: (octokit: GitHubClient, installed: InstalledRepository) => Promise<void>,
  failed: (what: string, error: unknown) => void,
): Promise<void> {
  const appOctokit = (await auth()) as unknown as Paginating;
  const installations = await call('list the app installations', () =>
    appOctokit.paginate('GET /app/installations', { per_page: 100 }),
  );
  for (const installation of installations as { id: number; suspended_at?: string | null }[]) {
    // A suspended installation refuses every request until its owner lifts the suspension.
    if (installation.suspended_at) continue;
    let octokit: GitHubClient;
    let repositories: Awaited<ReturnType<Paginating['paginate']>>;
    try {
      octokit = await auth(installation.id);
      repositories = await call('list the repositories of an installation', () =>
        (octokit as unknown as Paginating).paginate('GET /installation/repositories', { per_page: 100 }),
      );
    } catch (error) {
      failed(`installation ${installation.id}`, error);
      continue;
    }
    for (const repository of repositories as {
      name: string;
      owner: { login: string };
      node_id: string;
      html_url: string;
      default_branch: string;
      archived?: boolean;
    }[]) {
      if (repository.archived) continue;
      try {
        await each(octokit, {
          installationId: installation.id,
          repository: { owner: repository.owner.login, repo: repository.name },
          nodeId: repository.node_id,
          htmlUrl: repository.html_url,
          defaultBranch: repository.default_branch,
        });
      } catch (error) {
        failed(`${repository.owner.login}/${repository.name}`, error);
      }
    }
  }
}
