import type { JobName } from './job-trigger.js';

/** What became of a claimed attempt, as recorded once the trigger answered. */
export type AttemptOutcome = 'started' | 'failed';

/** One start of a release job, as the forge recorded its claim. */
export interface JobAttempt {
  /** 1 for the first start, one more for each retry. */
  attempt: number;
  /** The commit the tag named when the attempt was claimed. */
  commit: string;
  /**
   * Absent while the attempt is being started, or when whoever claimed it
   * stopped before recording how it went: then nobody knows whether the CI
   * took the job, and only a person who looked may have it started again.
   */
  outcome?: AttemptOutcome;
}

/**
 * Claims on the forge, so that a job starts once per tag and attempt
 * however many webhooks arrive and however many copies of the bot run:
 * only one caller can create a claim. How each attempt went is recorded
 * there too, so that no check run, which anyone may re-run, is the only
 * record of whether a job started.
 */
export interface JobClaims {
  /** The attempts claimed so far for `job` of `tag`, oldest first. */
  attempts(tag: string, job: JobName): Promise<JobAttempt[]>;
  /** Claims attempt `attempt` at `commit`: true for the one caller that creates it, false when it exists already. */
  claim(tag: string, job: JobName, attempt: number, commit: string): Promise<boolean>;
  /** Records how attempt `attempt` went; recording it again changes nothing. */
  record(tag: string, job: JobName, attempt: number, commit: string, outcome: AttemptOutcome): Promise<void>;
}
