import { run } from 'probot';
import { appOctokit } from './adapters/github/app-octokit.js';
import type { RateLimitsOptions } from './adapters/github/rate-limits-plugin.js';
import { createApp } from './app.js';

/**
 * What `run` takes besides the app and its Octokit (tests pass the
 * environment and a logger), and the rate limits' clock (tests pass one
 * that does not wait).
 */
export type ServeOptions = Omit<NonNullable<Parameters<typeof run>[1]>, 'Octokit'> & {
  rateLimits?: RateLimitsOptions;
};

/**
 * `npm start`: Probot's server, as `probot run` starts it (the setup page
 * without credentials, webhooks on /api/github/webhooks with them), running
 * the app with its own Octokit, whose rate-limit handling is the app's
 * (see appOctokit).
 */
export function serve({ rateLimits, ...options }: ServeOptions = {}): ReturnType<typeof run> {
  return run(createApp(options.env ? { env: options.env } : {}), { ...options, Octokit: appOctokit(rateLimits) });
}
