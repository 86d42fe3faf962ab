import type { JobPlan } from '../../release/jobs.js';
import type { Conclusion } from '../../rules/judge.js';
import type { JobAttempt } from '../../ports/job-claims.js';

/** What to do about one job of a release, from what the forge's claims and the release check say. */
export type JobDecision =
  /** The tag was released from another commit: its jobs are not started twice. */
  | { kind: 'elsewhere'; commit: string }
  /** An attempt was claimed already: its own check says how it went. */
  | { kind: 'claimed'; attempt: number }
  | { kind: 'held'; why: 'failure' | 'incomplete' }
  | { kind: 'no-trigger' }
  | { kind: 'waiting'; for: 'manifest' }
  /** `polled`: a readiness URL is configured, and watched. */
  | { kind: 'waiting'; for: 'readiness'; polled: boolean }
  | { kind: 'start'; attempt: number }
  /** The tag is gone: nothing starts. */
  | { kind: 'deleted' };

export interface JobFacts {
  plan: JobPlan;
  attempts: readonly JobAttempt[];
  /** The commit the tag names now. */
  commit: string;
  conclusion: Conclusion;
  hasTrigger: boolean;
  /** The released images are known to be there (a readiness URL answered, or a person said so). */
  ready: boolean;
  /** A readiness URL is configured: the images are watched for. */
  polled: boolean;
}

/**
 * Whether a job starts now. Exactly once per tag: any claimed attempt, or
 * a claim at another commit, means nobody starts it again from a tag event;
 * only a re-run of a failed attempt claims the next one (see decideRetry).
 */
export function decideJob(facts: JobFacts): JobDecision {
  const [first] = facts.attempts;
  if (first && first.commit !== facts.commit) return { kind: 'elsewhere', commit: first.commit };
  const last = facts.attempts.at(-1);
  if (last) return { kind: 'claimed', attempt: last.attempt };
  if (facts.conclusion !== 'success') return { kind: 'held', why: facts.conclusion };
  if (!facts.hasTrigger) return { kind: 'no-trigger' };
  if (facts.plan.waitingFor === 'manifest') return { kind: 'waiting', for: 'manifest' };
  if (facts.plan.waitingFor === 'readiness' && !facts.ready)
    return { kind: 'waiting', for: 'readiness', polled: facts.polled };
  return { kind: 'start', attempt: 1 };
}

/**
 * A re-run of a job whose last attempt failed, or whose outcome was never
 * recorded: the next attempt, claimed like the first. A job that started
 * is never started again.
 */
export function decideRetry(facts: JobFacts & { lastState: 'started' | 'failed' | 'starting' }): JobDecision {
  const [first] = facts.attempts;
  if (first && first.commit !== facts.commit) return { kind: 'elsewhere', commit: first.commit };
  const last = facts.attempts.at(-1);
  if (facts.lastState === 'started' && last) return { kind: 'claimed', attempt: last.attempt };
  if (facts.conclusion !== 'success') return { kind: 'held', why: facts.conclusion };
  if (!facts.hasTrigger) return { kind: 'no-trigger' };
  if (facts.plan.waitingFor === 'manifest') return { kind: 'waiting', for: 'manifest' };
  return { kind: 'start', attempt: (last?.attempt ?? 0) + 1 };
}
