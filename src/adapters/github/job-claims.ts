import type { AttemptOutcome, JobAttempt, JobClaims } from '../../ports/job-claims.js';
import type { JobName } from '../../ports/job-trigger.js';
import type { GitHubClient, GitHubRepository } from './client.js';
import { call, ForgeError } from './forge-error.js';
import { matchingRefs } from './matching-refs.js';

/**
 * Claims are refs outside branches and tags, `refs/apt-snapshots-bot/
 * releases/TAG/JOB/ATTEMPT`, each pointing at the commit the tag named:
 * GitHub creates a ref once and answers 422 to every other caller, which is
 * the atomic "only one" a claim needs, across webhooks and replicas. How an
 * attempt went is a ref beside it, `ATTEMPT-started` or `ATTEMPT-failed`.
 * They show in no branch or tag list and start no CI.
 */
export const CLAIMS_NAMESPACE = 'apt-snapshots-bot/releases';

function prefix(tag: string, job: JobName): string {
  return `${CLAIMS_NAMESPACE}/${tag}/${job}/`;
}

const exists = (error: unknown) =>
  error instanceof ForgeError && error.status === 422 && /reference already exists/i.test(error.message);

const NAME = /^([1-9][0-9]*)(?:-(started|failed))?$/;

export class GitHubJobClaims implements JobClaims {
  constructor(
    private readonly octokit: Pick<GitHubClient, 'request'>,
    private readonly repository: GitHubRepository,
  ) {}

  async attempts(tag: string, job: JobName): Promise<JobAttempt[]> {
    const refs = await matchingRefs(this.octokit, this.repository, prefix(tag, job), 'list job claims');
    const full = `refs/${prefix(tag, job)}`;
    const claims = new Map<number, JobAttempt>();
    const outcomes = new Map<number, AttemptOutcome>();
    for (const ref of refs) {
      const name = NAME.exec(ref.ref.startsWith(full) ? ref.ref.slice(full.length) : '');
      if (!name) continue;
      const attempt = Number(name[1]);
      const outcome = name[2] as AttemptOutcome | undefined;
      if (outcome === undefined) claims.set(attempt, { attempt, commit: ref.object.sha });
      // Both recorded cannot happen but by hand; a start that may have happened is the safe reading.
      else if (outcomes.get(attempt) !== 'started') outcomes.set(attempt, outcome);
    }
    return [...claims.values()]
      .map((claim) => {
        const outcome = outcomes.get(claim.attempt);
        return outcome === undefined ? claim : { ...claim, outcome };
      })
      .sort((a, b) => a.attempt - b.attempt);
  }

  claim(tag: string, job: JobName, attempt: number, commit: string): Promise<boolean> {
    return this.create(`refs/${prefix(tag, job)}${attempt}`, commit, 'claim a release job');
  }

  async record(tag: string, job: JobName, attempt: number, commit: string, outcome: AttemptOutcome): Promise<void> {
    await this.create(`refs/${prefix(tag, job)}${attempt}-${outcome}`, commit, 'record how a release job went');
  }

  private async create(ref: string, sha: string, what: string): Promise<boolean> {
    try {
      await call(what, () =>
        this.octokit.request('POST /repos/{owner}/{repo}/git/refs', {
          ...this.repository,
          ref,
          sha,
          // A retry after a lost answer would read "already exists" as someone else's claim: the caller decides.
          request: { retries: 0 },
        }),
      );
      return true;
    } catch (error) {
      if (exists(error)) return false;
      throw error;
    }
  }
}
