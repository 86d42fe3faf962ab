import type { JobClaims } from '../../ports/job-claims.js';
import type { JobTrigger, ReleaseJobName } from '../../ports/job-trigger.js';
import type { ReadinessWatch } from './readiness-watch.js';

/** What the release flow needs beyond a branch check's dependencies. */
export interface ReleaseServices {
  claims: JobClaims;
  /** The deployment's triggers; a job without one is listed with its parameters, and not started. */
  triggers: Partial<Record<ReleaseJobName, JobTrigger>>;
  /** The repository's tags whose name starts with `prefix`. */
  tags(prefix: string): Promise<string[]>;
  /**
   * Reads a manifest from a URL the deployment or a release manager gave
   * (bounded in time and size); `redirectProblem` says why a redirect may
   * not be followed.
   */
  fetchText(url: URL, redirectProblem?: (next: URL) => string | undefined): Promise<string>;
  /** Whether a readiness URL answers 200. */
  isReady(url: URL): Promise<boolean>;
  /** Polls the readiness URL later, past this webhook. */
  watch: ReadinessWatch;
}
