import type { AttemptOutcome, JobAttempt, JobClaims } from '../../ports/job-claims.js';
import type { JobName } from '../../ports/job-trigger.js';

/**
 * Claims held by this process alone: for a forge without refs outside
 * branches and tags (GitLab) and a single replica without Redis. A
 * restart forgets them, so a release tag's webhook delivered again after
 * one would start its jobs again: the README says to use Redis there.
 */
export class MemoryJobClaims implements JobClaims {
  private readonly claims = new Map<string, JobAttempt>();

  constructor(private readonly repository: string) {}

  private key(tag: string, job: JobName, attempt: number): string {
    return `${this.repository}\n${tag}\n${job}\n${attempt}`;
  }

  attempts(tag: string, job: JobName): Promise<JobAttempt[]> {
    const prefix = `${this.repository}\n${tag}\n${job}\n`;
    return Promise.resolve(
      [...this.claims.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .map(([, attempt]) => ({ ...attempt }))
        .sort((a, b) => a.attempt - b.attempt),
    );
  }

  claim(tag: string, job: JobName, attempt: number, commit: string): Promise<boolean> {
    const key = this.key(tag, job, attempt);
    if (this.claims.has(key)) return Promise.resolve(false);
    this.claims.set(key, { attempt, commit });
    return Promise.resolve(true);
  }

  record(tag: string, job: JobName, attempt: number, _commit: string, outcome: AttemptOutcome): Promise<void> {
    const claim = this.claims.get(this.key(tag, job, attempt));
    // The first outcome stays, as a ref created once does on GitHub.
    if (claim && claim.outcome === undefined) claim.outcome = outcome;
    return Promise.resolve();
  }
}
