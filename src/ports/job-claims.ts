import type { ReleaseJobName } from './job-trigger.js';

/** One start of a release job, as the forge recorded its claim. */
export interface JobAttempt {
  /** 1 for the first start, one more for each retry. */
  attempt: number;
  /** The commit the tag named when the attempt was claimed. */
  commit: string;
}

/**
 * Claims on the forge, so that a job starts once per tag and attempt
 * however many webhooks arrive and however many copies of the bot run:
 * only one caller can create a claim.
 */
export interface JobClaims {
  /** The attempts claimed so far for `job` of `tag`, oldest first. */
  attempts(tag: string, job: ReleaseJobName): Promise<JobAttempt[]>;
  /** Claims attempt `attempt` at `commit`: true for the one caller that creates it, false when it exists already. */
  claim(tag: string, job: ReleaseJobName, attempt: number, commit: string): Promise<boolean>;
}
