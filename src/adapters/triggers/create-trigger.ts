import type { TriggerConfig } from '../../config/schema.js';
import type { JobTrigger } from '../../ports/job-trigger.js';
import { CommandTrigger } from './command-trigger.js';
import { GitHubActionsTrigger } from './github-actions-trigger.js';
import { GitLabTrigger } from './gitlab-trigger.js';
import { JenkinsTrigger } from './jenkins-trigger.js';
import { resolveOptions, type TriggerOptions } from './trigger-options.js';
import { WebhookTrigger } from './webhook-trigger.js';

/**
 * The trigger a `jobs.*.trigger` section describes, its credentials read
 * from `env` now, so that a missing one stops the bot at startup rather
 * than at the release.
 * @throws UsageError naming the variable (never its value) when a credential is missing or unusable
 */
export function createTrigger(config: TriggerConfig, env: NodeJS.ProcessEnv, options: TriggerOptions = {}): JobTrigger {
  const resolved = resolveOptions(options);
  switch (config.type) {
    case 'jenkins':
      return new JenkinsTrigger(config, env, resolved);
    case 'gitlab':
      return new GitLabTrigger(config, env, resolved);
    case 'github-actions':
      return new GitHubActionsTrigger(config, env, resolved);
    case 'webhook':
      return new WebhookTrigger(config, env, resolved);
    case 'command':
      return new CommandTrigger(config, env, options, resolved.log);
  }
}
