import type { Octokit } from '@octokit/core';
import type { EndpointDefaults } from '@octokit/types';

/** How long one request to GitHub may take, answer included; GitHub's own GraphQL limit is 10 s. */
export const GITHUB_REQUEST_TIMEOUT_MS = 30_000;

/** On a signal this plugin made: the caller's own signal it also follows, if any. */
const CALLERS = Symbol('the caller signal of an apt-snapshots-bot request timeout');

type TimedSignal = AbortSignal & { [CALLERS]?: AbortSignal | null };
type RequestOptions = Required<EndpointDefaults> & { request?: { signal?: TimedSignal } };

/**
 * Octokit sends a request with no time limit: a GitHub (or a proxy in
 * front of a GitHub Enterprise Server) that accepts the connection and
 * never answers held a webhook, and its lock, for Node's 300 s header
 * timeout times every retry, some twenty minutes. A request now gets
 * `timeoutMs` (@octokit/plugin-retry's attempts, which run inside this
 * hook, included), beside the caller's own signal if it passed one; each
 * time rateLimits sends it again, it gets `timeoutMs` afresh. The hook sees
 * the same options object every time, so the signal it set before is told
 * apart and replaced.
 */
export function requestTimeout(timeoutMs = GITHUB_REQUEST_TIMEOUT_MS): (octokit: Octokit) => void {
  return (octokit) => {
    octokit.hook.wrap('request', async (request, options: RequestOptions) => {
      const previous = options.request?.signal;
      const callers = previous === undefined ? null : previous[CALLERS] === undefined ? previous : previous[CALLERS];
      // An Error as the reason, not AbortSignal.timeout's DOMException, which Octokit reports as "Unknown Error".
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new Error(`GitHub did not answer within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const signal: TimedSignal = callers ? AbortSignal.any([callers, timeout.signal]) : timeout.signal;
      signal[CALLERS] = callers;
      // Mutated in place: before-after-hook hands every hook the same object, and ignores a new one.
      options.request = { ...options.request, signal };
      try {
        return await request(options);
      } finally {
        clearTimeout(timer);
      }
    });
  };
}
