import type { Octokit, OctokitOptions } from '@octokit/core';
import type { EndpointDefaults, OctokitResponse } from '@octokit/types';
import type { AppMetrics } from '../../server/metrics.js';

type RequestOptions = Required<EndpointDefaults> & { state?: unknown };

const PULLS = '/repos/{owner}/{repo}/pulls';
const PULL = '/repos/{owner}/{repo}/pulls/{pull_number}';

function headerOf(headers: unknown, name: string): string | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * The route as a label: the URL template, without GitHub Enterprise
 * Server's /api/v3 prefix. A full URL is a page GitHub linked to (the next
 * page of a list), already expanded: one label for all of them.
 */
function routeOf(url: string): string {
  return url.startsWith('/') ? url.replace(/^\/api\/v3(?=\/)/, '') : '(next page)';
}

/**
 * Counts every request the app's Octokit makes by its URL template (the
 * hook sees `/repos/{owner}/{repo}/check-runs` before it is expanded, so
 * the label values stay few), keeps the rate limit GitHub reported last
 * to an installation,
 * and tells the pull requests opened, updated and closed from the
 * requests that did it. A retried request counts once, with its last
 * answer: @octokit/plugin-retry runs inside this hook.
 */
export function githubMetrics(metrics: AppMetrics): (octokit: Octokit, octokitOptions?: OctokitOptions) => void {
  return (octokit, octokitOptions = {}) => {
    // The app's own client (its JWT, asked by the readiness probe) draws on another budget than an installation's.
    const installation =
      (octokitOptions.auth as { installationId?: unknown } | undefined)?.installationId !== undefined;
    octokit.hook.wrap('request', async (request, options: RequestOptions) => {
      const route = routeOf(options.url);
      const method = options.method;
      let status = 0;
      let headers: unknown;
      try {
        const response: OctokitResponse<unknown> = await request(options);
        status = response.status;
        headers = response.headers;
        if (method === 'POST' && route === PULLS) metrics.pullRequest('opened');
        if (method === 'PATCH' && route === PULL)
          metrics.pullRequest(options.state === 'closed' ? 'closed' : 'updated');
        return response;
      } catch (error) {
        const shape = error as { status?: unknown; response?: { headers?: unknown } };
        // Octokit says 500 for a request that got no answer at all; only an answer has a status here.
        status = shape.response && typeof shape.status === 'number' ? shape.status : 0;
        headers = shape.response?.headers;
        throw error;
      } finally {
        metrics.githubRequest(method, route, status);
        const remaining = Number(headerOf(headers, 'x-ratelimit-remaining'));
        if (installation && headerOf(headers, 'x-ratelimit-remaining') !== undefined && Number.isFinite(remaining))
          metrics.rateLimit(headerOf(headers, 'x-ratelimit-resource') ?? 'core', remaining);
      }
    });
  };
}
