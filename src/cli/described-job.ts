import { createTrigger } from '../adapters/triggers/create-trigger.js';
import type { TriggerConfig } from '../config/schema.js';
import type { DescribedRequest, JobRequest } from '../ports/job-trigger.js';

/** The environment variables a trigger reads its credentials from (its `*_env` fields), in the configuration's order. */
export function credentialVariables(config: TriggerConfig): string[] {
  return Object.entries(config).flatMap(([key, value]) =>
    key.endsWith('_env') && typeof value === 'string' ? [value] : [],
  );
}

export interface DescribedJob {
  /** The trigger's name for people: "Jenkins at https://jenkins.example.org, job build_IUKs". */
  description: string;
  request: DescribedRequest;
}

/**
 * What the configured trigger would send for `request`, without its
 * credentials being set: the release check and `trigger --dry-run` show it
 * on any machine. The trigger is made with a placeholder in each `*_env`
 * variable, which only describe() ever sees, and describe() carries no
 * credential; createTrigger itself still refuses a missing one.
 * @throws TriggerError when the trigger refuses the parameters
 */
export function describeJob(config: TriggerConfig, request: JobRequest): DescribedJob {
  const placeholders = Object.fromEntries(credentialVariables(config).map((name) => [name, 'placeholder']));
  const trigger = createTrigger(config, placeholders);
  return { description: trigger.description, request: trigger.describe(request) };
}
