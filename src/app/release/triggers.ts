import { createTrigger } from '../../adapters/triggers/create-trigger.js';
import type { TriggerOptions } from '../../adapters/triggers/trigger-options.js';
import type { Config } from '../../config/schema.js';
import type { JobName, JobTrigger, ReleaseJobName } from '../../ports/job-trigger.js';
import { JOB_NAMES } from '../../release/jobs.js';

/**
 * The deployment's triggers, made at start: a credential missing from the
 * environment stops the app now, not on release night.
 * @throws UsageError naming the variable
 */
export function releaseTriggers(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: TriggerOptions,
): Partial<Record<ReleaseJobName, JobTrigger>> {
  const triggers: Partial<Record<ReleaseJobName, JobTrigger>> = {};
  for (const job of JOB_NAMES) {
    const trigger = config.jobs[job].trigger;
    if (trigger !== null) triggers[job] = createTrigger(trigger, env, options);
  }
  return triggers;
}

/** The deployment's bump-valid-until trigger, made at start like the release jobs'; undefined when none is configured. */
export function bumpTrigger(config: Config, env: NodeJS.ProcessEnv, options: TriggerOptions): JobTrigger | undefined {
  const trigger = config.jobs['bump-valid-until'].trigger;
  return trigger === null ? undefined : createTrigger(trigger, env, options);
}

/** The jobs a deployment starts, whichever forge the webhooks come from: counted when metrics are kept. */
export interface DeploymentJobs {
  triggers: Partial<Record<ReleaseJobName, JobTrigger>>;
  bump?: JobTrigger;
}

/**
 * The release jobs' and the bump's triggers, made once at start (see
 * releaseTriggers) and wrapped by `measure` (the server's metrics) when given.
 */
export function deploymentJobs(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: TriggerOptions,
  measure?: <K extends JobName>(triggers: Partial<Record<K, JobTrigger>>) => Partial<Record<K, JobTrigger>>,
): DeploymentJobs {
  const configured = releaseTriggers(config, env, options);
  const bump = bumpTrigger(config, env, options);
  const measured = measure ? measure(configured) : configured;
  const measuredBump = bump && measure ? measure({ 'bump-valid-until': bump })['bump-valid-until'] : bump;
  return { triggers: measured, ...(measuredBump ? { bump: measuredBump } : {}) };
}
