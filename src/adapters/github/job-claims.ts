import type { JobAttempt, JobClaims } from '../../ports/job-claims.js';
import type { ReleaseJobName } from '../../ports/job-trigger.js';
import type { GitHubClient, GitHubRepository } from './client.js';
import { call, ForgeError } from './forge-error.js';

/**
 * Claims are refs outside branches and tags, `refs/apt-snapshots-bot/
 * releases/TAG/JOB/ATTEMPT`, each pointing at the commit the tag named:
 * GitHub creates a ref once and answers 422 to every other caller, which is
 * the atomic "only one" a claim needs, across webhooks and replicas. They
 * show in no branch or tag list and start no CI.
 */
export const CLAIMS_NAMESPACE = 'apt-snapshots-bot/releases';

function prefix(tag: string, job: ReleaseJobName): string {
  return `${CLAIMS_NAMESPACE}/${tag}/${job}/`;
}

const exists = (error: unknown) =>
  error instanceof ForgeError && error.status === 422 && /reference already exists/i.test(error.message);

export class GitHubJobClaims implements JobClaims {
  constructor(
    private readonly octokit: Pick<GitHubClient, 'request'>,
    private readonly repository: GitHubRepository,
  ) {}

  async attempts(tag: string, job: ReleaseJobName): Promise<JobAttempt[]> {
    const { data } = await call('list job claims', () =>
      this.octokit.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
        ...this.repository,
        ref: prefix(tag, job),
        per_page: 100,
      }),
    );
    const full = `refs/${prefix(tag, job)}`;
    return (data as { ref: string; object: { sha: string } }[])
      .filter((ref) => ref.ref.startsWith(full) && /^[1-9][0-9]*$/.test(ref.ref.slice(full.length)))
      .map((ref) => ({ attempt: Number(ref.ref.slice(full.length)), commit: ref.object.sha }))
      .sort((a, b) => a.attempt - b.attempt);
  }

  async claim(tag: string, job: ReleaseJobName, attempt: number, commit: string): Promise<boolean> {
    try {
      await call('claim a release job', () =>
        this.octokit.request('POST /repos/{owner}/{repo}/git/refs', {
          ...this.repository,
          ref: `refs/${prefix(tag, job)}${attempt}`,
          sha: commit,
        }),
      );
      return true;
    } catch (error) {
      if (exists(error)) return false;
      throw error;
    }
  }
}
