import { Gitlab } from '@gitbeaker/rest';
import { createRequesterFn, type RequestHandlerFn } from '@gitbeaker/requester-utils';
import { ForgeError } from '../../ports/forge-error.js';
import { gitlabRoute } from './request-route.js';

/** The gitbeaker client every GitLab adapter takes. */
export type GitLabApi = InstanceType<typeof Gitlab<false>>;

export interface GitLabConnection {
  /** https://gitlab.example (no /api/v4). */
  host: string;
  /** A personal, project or group access token of the bot's user; never logged. */
  token: string;
  /** Waits for a 429's Retry-After up to this long, then fails naming when to retry; 60 s by default. */
  maxRetryAfterMs?: number;
  /** One request's time limit; 30 s by default. */
  timeoutMs?: number;
  /** Sleeps between attempts; tests pass one that records instead. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Told of every request once it is over, retries included, with its last
   * status (0: no answer), for /metrics; `route` is a template (`/projects/:id/statuses/:sha`).
   */
  onRequest?: (method: string, route: string, status: number) => void;
}

/** A project as the adapters address it. */
export interface GitLabProject {
  /** `namespace/name` (URL-encoded into one path segment by gitbeaker) or the numeric id. */
  id: string | number;
  /** https://gitlab.example/namespace/name, for links. */
  webUrl: string;
}

const RETRIED_STATUSES = [502, 503, 504];
const ATTEMPTS = 3;

function endpointOf(method: string, url: URL): string {
  return `${method} ${url.origin}${url.pathname}`;
}

/** The path of `url` after the host's own, for gitlabRoute. */
function apiPathOf(url: URL, host: string): string {
  const root = new URL(host).pathname.replace(/\/+$/, '');
  return url.pathname.startsWith(`${root}/`) ? url.pathname.slice(root.length) : url.pathname;
}

/** GitLab's own message: `{"message": …}` or `{"error": …}`, an object of field errors, or text; one line. */
async function gitlabMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  let message: unknown = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    message = parsed.message ?? parsed.error ?? text;
  } catch {
    // Not JSON: the text itself.
  }
  const line = typeof message === 'string' ? message : JSON.stringify(message);
  return (line.split('\n')[0] ?? '').slice(0, 300) || 'no message';
}

/** Seconds (or an HTTP date) a 429 asks to wait, as milliseconds. */
function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface Outgoing {
  url: URL;
  /** `METHOD URL` without query string, for messages. */
  where: string;
  method: string;
  /** gitbeaker's path, relative to its prefix URL. */
  endpoint: string;
  headers: Record<string, string> | undefined;
  body: string | FormData | undefined;
}

interface Answer {
  body: Record<string, unknown>;
  headers: Record<string, string>;
  status: number;
}

/** Whether fetch gave up at its timeout: a DOMException, which is no `instanceof Error` in another realm (jest's). */
function timedOut(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** Why an answer's body could not be read, in a few words. */
function bodyFailure(error: unknown, timeoutMs: number): string {
  if (timedOut(error)) return `not all of it within ${timeoutMs / 1000} s`;
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
  };
  // By name, as for the timeout: fetch's errors come from another realm.
  if (name === 'SyntaxError') return 'not valid JSON';
  return `cut off (${typeof message === 'string' ? message : String(error)})`;
}

/**
 * gitbeaker's own handler retries 429 and 502 ten times within a quarter
 * of a second and ignores Retry-After, so a rate-limited bot would give up
 * at once and hammer the server while doing so. This one waits as GitLab
 * asks (up to `maxRetryAfterMs`), retries 502, 503 and 504 twice with a
 * growing pause (but for a POST other than a GraphQL read, which the
 * server may have carried out before failing), and turns every failure into a ForgeError naming the
 * endpoint, without query string or headers. `answered` hears each answer's status.
 */
async function send(
  connection: GitLabConnection,
  request: Outgoing,
  answered: (status: number) => void,
): Promise<Answer> {
  const maxWait = connection.maxRetryAfterMs ?? 60_000;
  const timeoutMs = connection.timeoutMs ?? 30_000;
  const sleep = connection.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { url, where, method, endpoint, headers, body } = request;
  for (let attempt = 1; ; attempt += 1) {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        ...(headers ? { headers } : {}),
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // An earlier attempt's answer is not this request's last.
      answered(0);
      throw new ForgeError(
        `GitLab ${where} failed: ${timedOut(error) ? `no answer within ${timeoutMs / 1000} s` : 'could not connect'}`,
        'request',
        where,
        { forge: 'GitLab', cause: error },
      );
    }
    answered(response.status);
    if (response.ok) {
      const type = response.headers.get('content-type') ?? '';
      let parsed: unknown;
      try {
        parsed =
          response.status === 204
            ? null
            : type.includes('application/json')
              ? await response.json()
              : await response.text();
      } catch (error) {
        // The timeout covers the body too, and a body may be cut or not JSON: either is this request's failure.
        throw new ForgeError(
          `GitLab ${where} answered ${response.status}, but its body could not be read: ${bodyFailure(error, timeoutMs)}`,
          'request',
          where,
          { forge: 'GitLab', status: response.status, cause: error },
        );
      }
      return {
        body: (parsed ?? {}) as Record<string, unknown>,
        headers: Object.fromEntries(response.headers.entries()),
        status: response.status,
      };
    }
    const wait = response.status === 429 ? retryAfterMs(response.headers.get('retry-after'), Date.now()) : undefined;
    if (attempt < ATTEMPTS && response.status === 429 && wait !== undefined && wait <= maxWait) {
      await response.body?.cancel();
      await sleep(wait);
      continue;
    }
    // A POST that failed with a 5xx may have been done (a commit made, a status posted): never sent twice.
    // GraphQL's POSTs here only read.
    const idempotent = method !== 'POST' || endpoint === 'api/graphql';
    if (attempt < ATTEMPTS && RETRIED_STATUSES.includes(response.status) && idempotent) {
      await response.body?.cancel();
      await sleep(1000 * attempt);
      continue;
    }
    const message = await gitlabMessage(response);
    const reset =
      response.status === 429
        ? new Date(Date.now() + (wait ?? 60_000))
        : response.headers.get('ratelimit-remaining') === '0' && response.headers.get('ratelimit-reset')
          ? new Date(Number(response.headers.get('ratelimit-reset')) * 1000)
          : undefined;
    throw new ForgeError(
      `GitLab ${where} answered ${response.status}: ${message}${reset ? ` (rate limit exhausted until ${reset.toISOString()})` : ''}`,
      'request',
      where,
      {
        forge: 'GitLab',
        status: response.status,
        ...(reset ? { rateLimitReset: reset } : {}),
        gone: response.status === 404 || response.status === 410,
      },
    );
  }
}

/**
 * gitbeaker's request handler: send, counted once per request (a retried
 * one with its last answer, as GitHub's are). Unlike GitHub's, writes are
 * not paced: GitLab's limits that the bot's few writes per event could meet
 * count per user and per minute across all projects (note creation, 300 by
 * default: https://docs.gitlab.com/administration/settings/rate_limit_on_notes_creation/;
 * every API request, 2,000 on GitLab.com: https://docs.gitlab.com/user/gitlab_com/rate_limits/),
 * and GitLab answers them with a 429 and Retry-After, which send waits out.
 */
function requestHandler(connection: GitLabConnection): RequestHandlerFn {
  return async (endpoint, options = {}) => {
    const {
      prefixUrl,
      searchParams,
      method = 'GET',
      headers,
      body,
    } = options as {
      prefixUrl?: string;
      searchParams?: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string | FormData;
    };
    const base = prefixUrl?.endsWith('/') ? prefixUrl : `${prefixUrl ?? ''}/`;
    const url = new URL(endpoint, base);
    url.search = searchParams ?? '';
    let status = 0;
    try {
      return await send(connection, { url, where: endpointOf(method, url), method, endpoint, headers, body }, (got) => {
        status = got;
      });
    } finally {
      connection.onRequest?.(method, gitlabRoute(apiPathOf(url, connection.host)), status);
    }
  };
}

/** The client: gitbeaker's resources, with requests made by requestHandler. */
export function gitlabApi(connection: GitLabConnection): GitLabApi {
  return new Gitlab({
    // A trailing slash would make every path start with //, which GitLab does not route.
    host: connection.host.replace(/\/+$/, ''),
    token: connection.token,
    requesterFn: createRequesterFn((_, options) => Promise.resolve(options), requestHandler(connection)),
  });
}

/**
 * Runs one call, re-wrapping its ForgeError so that the message says what
 * the bot was doing: `operation` (e.g. "create commit status").
 */
export async function gitlabCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ForgeError) {
      throw new ForgeError(error.message.replace(/^GitLab /, `GitLab ${operation}: `), operation, error.endpoint, {
        forge: 'GitLab',
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.rateLimitReset ? { rateLimitReset: error.rateLimitReset } : {}),
        gone: error.gone,
        cause: error,
      });
    }
    throw new ForgeError(
      `GitLab ${operation} failed: ${error instanceof Error ? error.message : String(error)}`,
      operation,
      'unknown endpoint',
      { forge: 'GitLab', cause: error },
    );
  }
}

/**
 * One GraphQL request (POST /api/graphql), with the same token, waits and
 * error model as the REST calls. GraphQL errors (a 200 with `errors`)
 * become a ForgeError too.
 */
export async function gitlabGraphql<T>(
  connection: GitLabConnection,
  operation: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const handler = requestHandler(connection);
  const response = await gitlabCall(operation, () =>
    handler('api/graphql', {
      prefixUrl: connection.host,
      method: 'POST',
      headers: { authorization: `Bearer ${connection.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
  );
  const result = response.body as { data?: T; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
  if (Array.isArray(result.errors) && result.errors.length > 0) {
    const messages = result.errors.map((e) => (typeof e?.message === 'string' ? e.message : 'unknown error'));
    // A timeout or a query too complex is no sign of anything gone: only GitLab's own "not found" is.
    const notFound = messages.some((message) => /\bnot found\b/i.test(message));
    const endpoint = `POST ${new URL('api/graphql', connection.host.endsWith('/') ? connection.host : `${connection.host}/`).toString()}`;
    throw new ForgeError(`GitLab ${operation}: ${endpoint} answered 200: ${messages.join('; ')}`, operation, endpoint, {
      forge: 'GitLab',
      status: 200,
      gone: notFound,
    });
  }
  if (result.data === undefined)
    throw new ForgeError(`GitLab ${operation}: no data`, operation, 'POST /api/graphql', { forge: 'GitLab' });
  return result.data;
}
