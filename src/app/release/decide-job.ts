import type { JobPlan } from '../../release/jobs.js';
import type { Conclusion } from '../../rules/judge.js';
import type { AttemptOutcome, JobAttempt } from '../../ports/job-claims.js';
import type { JobState } from '../../report/release-subject.js';

/** What to do about one job of a release, from what the forge's claims and the release check say. */
export type JobDecision =
  /** The tag was released from another commit: its jobs are not started twice. */
  | { kind: 'elsewhere'; commit: string }
  /** An attempt was claimed already: its own check says how it went, and the claims what was recorded. */
  | { kind: 'claimed'; attempt: number; outcome?: AttemptOutcome }
  /** The last attempt was claimed but how it went was never recorded: a person must look at the CI. */
  | { kind: 'unknown'; attempt: number }
  | { kind: 'held'; why: 'failure' | 'incomplete' }
  | { kind: 'no-trigger' }
  /** The job has nothing to do for this release (build_IUKs for the first release of a major version). */
  | { kind: 'nothing'; why: string }
  | { kind: 'waiting'; for: 'manifest' }
  /** `polled`: a readiness URL is configured, and watched. */
  | { kind: 'waiting'; for: 'readiness'; polled: boolean }
  | { kind: 'start'; attempt: number }
  /** The tag is gone: nothing starts. */
  | { kind: 'deleted' }
  /** The tag names another commit now: nothing starts for this one. */
  | { kind: 'moved'; commit: string };

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

function claimed(attempt: JobAttempt): JobDecision {
  return { kind: 'claimed', attempt: attempt.attempt, ...(attempt.outcome ? { outcome: attempt.outcome } : {}) };
}

/** What the release and the deployment allow, once nothing claimed stands in the way. */
function startable(facts: JobFacts, attempt: number, waitForImages: boolean): JobDecision {
  if (facts.plan.nothingToDo !== undefined) return { kind: 'nothing', why: facts.plan.nothingToDo };
  if (facts.conclusion !== 'success') return { kind: 'held', why: facts.conclusion };
  if (!facts.hasTrigger) return { kind: 'no-trigger' };
  if (facts.plan.waitingFor === 'manifest') return { kind: 'waiting', for: 'manifest' };
  if (waitForImages && facts.plan.waitingFor === 'readiness' && !facts.ready)
    return { kind: 'waiting', for: 'readiness', polled: facts.polled };
  return { kind: 'start', attempt };
}

/**
 * Whether a job starts now. Exactly once per tag: any claimed attempt, or
 * a claim at another commit, means nobody starts it again from a tag event;
 * only a re-run of its check may claim the next one (see decideRetry).
 */
export function decideJob(facts: JobFacts): JobDecision {
  const [first] = facts.attempts;
  if (first && first.commit !== facts.commit) return { kind: 'elsewhere', commit: first.commit };
  const last = facts.attempts.at(-1);
  if (last) return claimed(last);
  return startable(facts, 1, true);
}

/** What a re-run of a job's check knows: the state and attempt that check showed. */
export interface Rerun {
  state: JobState;
  attempt?: number;
}

/**
 * A re-run of a job's check. A job that started is never started again.
 * The next attempt is claimed only when the check shows the last one and
 * the forge recorded that it failed, or when it showed the last one's
 * outcome unknown and a person re-ran it, having looked at the CI; a check
 * an earlier re-run left behind (a double click, a redelivery) starts
 * nothing, and shows an attempt without a recorded outcome as unknown. A
 * check showing an attempt whose claim was never made (GitHub lost its
 * answer) claims it now.
 */
export function decideRetry(facts: JobFacts, rerun: Rerun): JobDecision {
  const [first] = facts.attempts;
  if (first && first.commit !== facts.commit) return { kind: 'elsewhere', commit: first.commit };
  const last = facts.attempts.at(-1);
  if (!last) return decideJob(facts);
  const shown = rerun.attempt ?? 0;
  if (last.outcome === 'started') return claimed(last);
  if (shown > last.attempt) return startable(facts, last.attempt + 1, false);
  if (shown < last.attempt)
    return last.outcome === undefined ? { kind: 'unknown', attempt: last.attempt } : claimed(last);
  if (last.outcome === 'failed' || rerun.state === 'unknown') return startable(facts, last.attempt + 1, false);
  return { kind: 'unknown', attempt: last.attempt };
}
