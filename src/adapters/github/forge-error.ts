import { ForgeError } from '../../ports/forge-error.js';

export { ForgeError, isGone } from '../../ports/forge-error.js';

interface ErrorShape {
  status?: unknown;
  message?: unknown;
  request?: { method?: unknown; url?: unknown };
  response?: { status?: unknown; headers?: Record<string, unknown>; data?: unknown };
  errors?: unknown;
  headers?: Record<string, unknown>;
}

function endpointOf(request: ErrorShape['request']): string {
  if (!request) return 'unknown endpoint';
  const method = typeof request.method === 'string' ? request.method : 'GET';
  if (typeof request.url !== 'string') return method;
  try {
    const url = new URL(request.url);
    return `${method} ${url.origin}${url.pathname}`;
  } catch {
    // A relative URL, as GraphQL errors carry ("/graphql").
    return `${method} ${request.url.split('?')[0] ?? ''}`;
  }
}

function githubMessage(error: ErrorShape): string {
  if (Array.isArray(error.errors)) {
    const messages = error.errors.map((e: { message?: unknown }) =>
      typeof e?.message === 'string' ? e.message : 'unknown error',
    );
    return messages.join('; ');
  }
  const data = error.response?.data as { message?: unknown; errors?: unknown } | null | undefined;
  if (typeof data?.message === 'string') {
    // A 422 says what failed in `errors`, e.g. "A pull request already exists for o:branch."
    const details = Array.isArray(data.errors)
      ? data.errors
          .map((e: { message?: unknown; code?: unknown }) =>
            typeof e?.message === 'string' ? e.message : typeof e?.code === 'string' ? e.code : '',
          )
          .filter((m) => m !== '')
      : [];
    return details.length > 0 ? `${data.message} (${details.join('; ')})` : data.message;
  }
  return transportMessage(typeof error.message === 'string' ? error.message : 'no message');
}

/**
 * Without a response, the message comes from the HTTP stack, and some stacks
 * (nock's, for one) dump the request with its headers: keep the first line
 * and blank anything shaped like a credential.
 */
function transportMessage(message: string): string {
  const firstLine = (message.split('\n')[0] ?? '').slice(0, 200);
  return firstLine.replace(/\b(token|bearer|basic)\s+[^\s"',)]+/gi, '$1 [REDACTED]');
}

function rateLimitResetOf(headers: Record<string, unknown> | undefined): Date | undefined {
  if (!headers || String(headers['x-ratelimit-remaining']) !== '0') return undefined;
  const reset = Number(headers['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined;
}

/** Wraps what Octokit threw (RequestError, GraphqlResponseError, a network failure). */
export function toForgeError(operation: string, error: unknown): ForgeError {
  if (error instanceof ForgeError) return error;
  const shape: ErrorShape = typeof error === 'object' && error !== null ? error : { message: String(error) };
  const isGraphqlError = Array.isArray(shape.errors);
  // A GraphQL error carries the query and variables, and a URL only on GitHub Enterprise Server.
  const endpoint = isGraphqlError
    ? `POST ${typeof shape.request?.url === 'string' ? shape.request.url : '/graphql'}`
    : endpointOf(shape.request);
  const hasResponse = isGraphqlError || shape.response !== undefined;
  const status = !hasResponse
    ? undefined
    : isGraphqlError
      ? 200
      : typeof shape.status === 'number'
        ? shape.status
        : undefined;
  const rateLimitReset = rateLimitResetOf(shape.response?.headers ?? shape.headers);
  const answered = status === undefined ? 'failed' : `answered ${status}`;
  const limit = rateLimitReset ? ` (rate limit exhausted until ${rateLimitReset.toISOString()})` : '';
  const message = githubMessage(shape);
  const gone =
    status === 404 ||
    status === 410 ||
    (status === 422 && /\bno commit found\b/i.test(message)) ||
    (isGraphqlError && (shape.errors as { type?: unknown }[]).some((e) => e?.type === 'NOT_FOUND'));
  return new ForgeError(`GitHub ${operation}: ${endpoint} ${answered}: ${message}${limit}`, operation, endpoint, {
    forge: 'GitHub',
    status,
    rateLimitReset,
    gone,
    cause: error,
  });
}

/** Runs one API call, turning any failure into a ForgeError about `operation`. */
export async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toForgeError(operation, error);
  }
}
