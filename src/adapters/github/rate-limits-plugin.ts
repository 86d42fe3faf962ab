import type { Octokit, OctokitOptions } from '@octokit/core';
import type { EndpointDefaults, OctokitResponse } from '@octokit/types';
import { isMutation } from './graphql-operation.js';
import { MemoryPacer, type Pacer } from './pacer.js';
import { RATE_LIMIT_POLICY, rateLimitWait, type LimitedAnswer, type RateLimitPolicy } from './rate-limit-policy.js';
import { systemClock, type Clock } from './token-bucket.js';

type RequestOptions = Required<EndpointDefaults>;
type Response = OctokitResponse<unknown>;

/** App endpoints (the installation token exchange among them) are authentication, not content. */
const APP_AUTHENTICATION = /^\/(app|applications|login)\//;

/**
 * Whether a request creates content in GitHub's sense: a REST POST, PATCH,
 * PUT or DELETE, or a GraphQL document with a mutation. A GraphQL query is
 * a read, though it is POSTed too: GitHub's secondary limits count it as
 * one point like a GET, and a mutation as five like a REST write.
 */
export function createsContent(method: string, url: string, query: unknown): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  const { pathname } = new URL(url, 'http://github.invalid');
  if (pathname === '/graphql') return typeof query !== 'string' || isMutation(query);
  return !APP_AUTHENTICATION.test(pathname);
}

interface ErrorShape {
  status?: unknown;
  message?: unknown;
  response?: { headers?: unknown };
}

/** What a thrown HTTP error says, if GitHub answered at all. */
function answerOf(error: unknown): LimitedAnswer | undefined {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const headers = shape.response?.headers;
  if (typeof shape.status !== 'number' || typeof headers !== 'object' || headers === null) return undefined;
  return {
    status: shape.status,
    headers: headers as Record<string, unknown>,
    message: typeof shape.message === 'string' ? shape.message : '',
  };
}

function graphqlRateLimited(response: Response): LimitedAnswer | undefined {
  const errors = (response.data as { errors?: unknown } | null | undefined)?.errors;
  if (!Array.isArray(errors) || !errors.some((e: { type?: unknown } | null) => e?.type === 'RATE_LIMITED'))
    return undefined;
  return {
    status: response.status,
    headers: response.headers,
    message: 'RATE_LIMITED',
    graphqlRateLimited: true,
  };
}

export interface RateLimitsOptions {
  policy?: RateLimitPolicy;
  clock?: Clock;
  /** Paces content-creating requests per installation; replicas share a RedisPacer. Default: this process's own buckets. */
  pacer?: Pacer;
}

/**
 * An Octokit plugin that keeps an installation within GitHub's limits:
 * content-creating requests are paced per installation (a token bucket,
 * see RATE_LIMIT_POLICY), and a request GitHub refuses for a rate limit
 * is retried after the wait GitHub asks for (rateLimitWait), a bounded
 * number of times within a bounded total wait; past those, GitHub's
 * answer is passed on as it came. Each plugin instance has one pacer,
 * shared by every Octokit of its class (Probot makes one per webhook), so
 * the pace holds across webhooks within one process, and across replicas
 * when the pacer is shared.
 */
export function rateLimits(
  options: RateLimitsOptions = {},
): (octokit: Octokit, octokitOptions: OctokitOptions) => void {
  const policy = options.policy ?? RATE_LIMIT_POLICY;
  const clock = options.clock ?? systemClock;
  const pacer = options.pacer ?? new MemoryPacer(policy, clock);

  return (octokit, octokitOptions) => {
    // Probot's installation clients carry their installation's id; the app's own client (its JWT) has none.
    const installationId = (octokitOptions.auth as { installationId?: unknown } | undefined)?.installationId;
    const key =
      typeof installationId === 'number' || typeof installationId === 'string' ? String(installationId) : 'app';

    octokit.hook.wrap('request', async (request, requestOptions: RequestOptions) => {
      const { method, url } = requestOptions;
      const paced = createsContent(method, url, (requestOptions as { query?: unknown }).query);
      let waited = 0;
      for (let attempt = 0; ; attempt += 1) {
        if (paced) await pacer.take(key);
        let response: Response | undefined;
        let answer: LimitedAnswer | undefined;
        let failure: unknown;
        try {
          response = await request(requestOptions);
          answer = graphqlRateLimited(response);
          if (!answer) return response;
        } catch (error) {
          failure = error;
          answer = answerOf(error);
        }
        const wait = answer && rateLimitWait(answer, attempt, clock.now(), policy);
        if (wait === undefined || attempt >= policy.retries || waited + wait > policy.maxTotalWaitMs) {
          if (response) return response;
          throw failure;
        }
        octokit.log.warn(
          `GitHub rate limit on ${method} ${url}: retrying in ${Math.ceil(wait / 1000)} s (retry ${attempt + 1} of ${policy.retries})`,
        );
        await clock.sleep(wait);
        waited += wait;
      }
    });
  };
}
