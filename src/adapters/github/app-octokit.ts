import { ProbotOctokit } from 'probot';
import { eventInstallationGuard } from './event-installation.js';
import { fastJson } from './fast-json-plugin.js';
import { githubMetrics } from './metrics-plugin.js';
import type { AppMetrics } from '../../server/metrics.js';
import { rateLimits, type RateLimitsOptions } from './rate-limits-plugin.js';
import { timedFetch } from './timed-fetch.js';

/** @octokit/plugin-retry's statuses it never retries, plus 429: a rate limit waits as GitHub says (rateLimits), not 1, 4 and 9 s. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

/**
 * The Octokit the app runs with: Probot's, with its rate-limit handling
 * replaced by the app's own (see rateLimits). Under `probot run`,
 * @octokit/plugin-throttling only logs a secondary rate limit, never
 * retrying it, and paces every POST one second apart per installation,
 * GraphQL queries included; it cannot tell a query from a mutation (its
 * pacing never sees the request body) nor back off exponentially (its
 * handlers only say whether to retry after the one wait it computed). So
 * it is off, and rateLimits paces and retries instead. @octokit/plugin-retry
 * still retries server errors. fastJson parses answers with JSON.parse
 * rather than json-with-bigint. githubMetrics counts requests for GET
 * /metrics. timedFetch gives each attempt 20 s. eventInstallationGuard keeps a webhook whose
 * installation id is not one from failing before the app sees it.
 */
export function appOctokit(
  options: RateLimitsOptions & { attemptTimeoutMs?: number } = {},
  metrics?: AppMetrics,
): typeof ProbotOctokit {
  // fastJson before rateLimits: its hook is then inside, and rateLimits sees parsed answers.
  // githubMetrics innermost of these: a request rateLimits sends again counts again (plugin-retry's retries do not).
  const plugins = [fastJson, rateLimits(options), eventInstallationGuard];
  return ProbotOctokit.plugin(...(metrics ? [githubMetrics(metrics), ...plugins] : plugins)).defaults(
    (instance: Record<string, unknown>) => ({
      ...instance,
      throttle: { ...(instance.throttle as object | undefined), enabled: false },
      retry: { ...(instance.retry as object | undefined), doNotRetry: DO_NOT_RETRY },
      request: {
        ...(instance.request as object | undefined),
        fetch: timedFetch(options.attemptTimeoutMs, (instance.request as { fetch?: typeof fetch } | undefined)?.fetch),
      },
    }),
  );
}
