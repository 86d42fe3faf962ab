import { TriggerError, type JobName } from '../../ports/job-trigger.js';
import type { Redact } from './secrets.js';

/** Who failed at what, for messages: every TriggerError names the CI, its job and ours. */
export interface FailureContext {
  /** The trigger's description: "Jenkins at https://jenkins.example.org, job build_IUKs". */
  description: string;
  /** The CI as a person calls it, for "Jenkins may have taken it". */
  ci: string;
  job: JobName;
  /** Where the credentials come from, for a 401: "the user and API token in JENKINS_USER and JENKINS_TOKEN". */
  credentials?: string;
  redact: Redact;
  /** What failed, when it is not the start itself: "could not follow queue item …". */
  action?: string;
}

export function triggerError(
  context: FailureContext,
  detail: string,
  options: { status?: number; sent: boolean; cause?: unknown },
): TriggerError {
  const advice = options.sent
    ? `; ${context.ci} may have taken the job all the same: check before starting it again`
    : '';
  return new TriggerError(
    context.redact(`${context.description}: ${context.action ?? `could not start ${context.job}`}: ${detail}${advice}`),
    options,
  );
}
