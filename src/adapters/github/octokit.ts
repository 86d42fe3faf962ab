import { ProbotOctokit } from 'probot';
import type { GitHubClient } from './client.js';

export interface OctokitOptions {
  /** A token (personal, installation or Actions); never logged. */
  auth: string;
  /** The API root, e.g. https://ghe.example.org/api/v3; GitHub.com when absent. */
  baseUrl?: string;
  /** Retries of a request that failed with a 5xx or a rate limit; 0 for none. */
  retries: number;
  /** Wait out rate limits (primary and secondary) instead of failing at once. */
  throttle: boolean;
  /**
   * Length of a second of waiting, in ms: the unit of the retries' quadratic
   * back-off and of the rate limits' Retry-After (1000; tests shrink it).
   */
  waitUnitMs?: number;
  /** Longest rate-limit wait worth taking, in seconds (60 by default); a longer one fails. */
  maxWaitSeconds?: number;
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * An Octokit for the command line, with the retry and throttling plugins
 * Probot gives the app's own clients, bounded so that a command ends.
 */
export function makeOctokit(options: OctokitOptions): GitHubClient {
  const maxWait = options.maxWaitSeconds ?? 60;
  const unit = options.waitUnitMs ?? 1000;
  const onLimit = (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < options.retries && retryAfter <= maxWait;
  return new ProbotOctokit({
    auth: { token: options.auth },
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    log: quiet,
    retry: { enabled: options.retries > 0, retries: options.retries, retryAfterBaseValue: unit },
    throttle: {
      enabled: options.throttle,
      retryAfterBaseValue: unit,
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
    },
  });
}
