/** How long one attempt at a GitHub request may take, its answer's body included. */
export const GITHUB_ATTEMPT_TIMEOUT_MS = 20_000;

/**
 * Octokit's fetch, with a time limit on each attempt. Octokit sets none: a
 * GitHub (or a proxy in front of a GitHub Enterprise Server) that accepts
 * the connection and never answers, or stalls the body, held a webhook and
 * its lock for Node's 300 s timeouts times every retry, some twenty
 * minutes. It is the fetch, not an Octokit hook, that is timed, so that
 * each of @octokit/plugin-retry's attempts gets its own time, and the body
 * (read after the hooks have returned) is covered: the timer is left to
 * run out rather than cleared, aborting nothing once the body is read. The
 * reason is an Error, not AbortSignal.timeout's DOMException, which
 * Octokit reports as "Unknown Error".
 */
export function timedFetch(timeoutMs = GITHUB_ATTEMPT_TIMEOUT_MS, base?: typeof fetch): typeof fetch {
  return (input, init) => {
    const timeout = new AbortController();
    setTimeout(() => timeout.abort(new Error(`GitHub did not answer within ${timeoutMs / 1000} s`)), timeoutMs).unref();
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    // globalThis.fetch read at each call, as Octokit does: the tests' nock replaces it.
    return (base ?? globalThis.fetch)(input, { ...init, signal });
  };
}
