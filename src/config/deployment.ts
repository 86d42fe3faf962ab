import { readFileSync } from 'node:fs';
import { defaultConfig } from './defaults.js';
import { applyConfigOverride, describeConfigProblem } from './load.js';
import type { Config } from './schema.js';
import { LIMITS } from '../domain/state.js';

/** The environment variable naming the deployment's own configuration file. */
export const DEPLOYMENT_CONFIG_ENV = 'APT_SNAPSHOTS_BOT_CONFIG';

/**
 * The app's configuration: the shipped defaults, with the deployment's file
 * merged over them when APT_SNAPSHOTS_BOT_CONFIG names one. That file is
 * trusted (it sets the release jobs' triggers); a repository's file never
 * is. A file that cannot be read or is invalid stops the app at start,
 * naming the field.
 * @throws Error naming the file and what is wrong
 */
export function deploymentConfig(env: NodeJS.ProcessEnv): Config {
  const path = env[DEPLOYMENT_CONFIG_ENV];
  if (path === undefined || path === '') return defaultConfig();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${DEPLOYMENT_CONFIG_ENV}=${path}: ${(error as Error).message}`, { cause: error });
  }
  if (Buffer.byteLength(text) > LIMITS.configBytes) {
    throw new Error(`${DEPLOYMENT_CONFIG_ENV}=${path}: larger than ${LIMITS.configBytes} bytes`);
  }
  const result = applyConfigOverride(defaultConfig(), text, path, { trusted: true });
  if (!result.ok) {
    throw new Error(
      `${DEPLOYMENT_CONFIG_ENV}=${path} is invalid:\n${result.problems.map((p) => `  ${describeConfigProblem(p)}`).join('\n')}`,
    );
  }
  return result.config;
}
