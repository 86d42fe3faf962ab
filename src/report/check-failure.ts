import { errorMessage, ReadError, SnapshotServerError } from '../errors.js';
import type { CheckReport } from '../ports/forge.js';
import { forgeErrorIn } from '../ports/forge-error.js';
import { subjectMarker, type CheckSubject } from './check-subject.js';
import { refOf, short } from './check-summary.js';
import { fencedBlock, inlineCode } from './markdown.js';

/** What an HTTP error from a forge carries that matters here. */
interface HttpLike {
  status: number;
  headers: Record<string, unknown>;
  /** "METHOD URL" without the query string, where a token could hide. */
  endpoint?: string;
}

type ErrorLink = {
  status?: unknown;
  response?: { headers?: unknown };
  request?: { method?: unknown; url?: unknown };
  endpoint?: unknown;
  cause?: unknown;
};

/**
 * Reads the chain of causes by shape, so Octokit's RequestError works
 * whether it arrives bare or wrapped by an adapter: the first status, the
 * first response headers and the first endpoint found along the chain.
 */
function httpErrorIn(error: unknown): HttpLike | undefined {
  let status: number | undefined;
  let headers: Record<string, unknown> | undefined;
  let endpoint: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const link = current as ErrorLink;
    if (status === undefined && typeof link.status === 'number') status = link.status;
    if (headers === undefined && typeof link.response?.headers === 'object' && link.response.headers !== null)
      headers = link.response.headers as Record<string, unknown>;
    if (endpoint === undefined && typeof link.endpoint === 'string') endpoint = link.endpoint;
    if (endpoint === undefined && typeof link.request?.url === 'string') {
      endpoint = `${typeof link.request.method === 'string' ? link.request.method : 'GET'} ${link.request.url.split('?')[0]}`;
    }
    current = link.cause;
  }
  return status === undefined ? undefined : { status, headers: headers ?? {}, ...(endpoint ? { endpoint } : {}) };
}

function requestLabel(http: HttpLike): string {
  return http.endpoint ? ` (${http.endpoint})` : '';
}

function headerText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function rateLimitWait(http: HttpLike, forge: string, reset: Date | undefined): string | undefined {
  const retryAfter = headerText(http.headers['retry-after']);
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter))
    return `${forge} asks to wait ${retryAfter} s before retrying`;
  if (reset !== undefined) return `the limit resets at ${reset.toISOString().replace('.000Z', 'Z')}`;
  if (String(http.headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(http.headers['x-ratelimit-reset']);
    return Number.isFinite(reset) && reset > 0
      ? `the limit resets at ${new Date(reset * 1000).toISOString().replace('.000Z', 'Z')}`
      : 'the limit resets within the hour';
  }
  return undefined;
}

export interface FailureDescription {
  /** A few words, e.g. "GitHub API error 500" (or GitLab's). */
  reason: string;
  /** Markdown: what happened and what to do. */
  detail: string;
}

/**
 * Words for why judging failed; never includes credentials, which no error
 * here carries. `again` says how to retry where the words will be read.
 */
export function describeFailure(error: unknown, again = 'Re-run this check'): FailureDescription {
  const message = errorMessage(error);
  const http = httpErrorIn(error);
  // The adapters say which forge answered; errors from before they did (a bare Octokit error) are GitHub's.
  const forgeError = forgeErrorIn(error);
  const forge = forgeError?.forge ?? 'GitHub';
  if (error instanceof SnapshotServerError) {
    return {
      reason: 'the snapshot server did not answer',
      detail: `The snapshot server at ${inlineCode(error.url)} could not answer a question the rules need:\n\n${fencedBlock(message)}\n\n${again} once the server is back.`,
    };
  }
  if (http && (http.status === 403 || http.status === 429)) {
    const wait = rateLimitWait(http, forge, forgeError?.rateLimitReset);
    if (wait !== undefined) {
      return {
        reason: `${forge} API rate limit exceeded`,
        detail: `${forge} refused a request because the app's API rate limit is exhausted${requestLabel(http)}; ${wait}. ${again} after that.`,
      };
    }
  }
  if (http && http.status >= 400) {
    const kind = http.status >= 500 ? `${forge} had an internal error` : `${forge} answered HTTP ${http.status}`;
    return {
      reason: `${forge} API error ${http.status}`,
      detail: `${kind}${requestLabel(http)}:\n\n${fencedBlock(message)}\n\n${http.status >= 500 ? `This is usually temporary: ${again.toLowerCase()}.` : `${again}; if it fails again, the app may lack a permission (see the README).`}`,
    };
  }
  if (http || (error instanceof Error && error.name === 'ForgeError')) {
    return {
      reason: `${forge} API request failed`,
      detail: `${fencedBlock(message)}\n\nThis is usually temporary: ${again.toLowerCase()}.`,
    };
  }
  if (error instanceof ReadError) {
    return {
      reason: 'a revision could not be read',
      detail: `${fencedBlock(message)}\n\n${again}; if it fails again, the revision may be gone (force-pushed away).`,
    };
  }
  return {
    reason: 'unexpected error',
    detail: `${fencedBlock(message)}\n\n${again}; if it fails again, please report it with this message.`,
  };
}

/**
 * The check run for a commit that could not be judged. It fails, so that a
 * required check never lets an unjudged commit through, and it carries the
 * subject, so "Re-run" judges again.
 */
export function renderFailure(
  name: string,
  subject: CheckSubject,
  error: unknown,
  changeRequestLabel?: string,
  again?: string,
): CheckReport {
  const { reason, detail } = describeFailure(error, again);
  const what =
    subject.kind === 'push'
      ? inlineCode(subject.branch)
      : `${changeRequestLabel ?? `pull request #${subject.number}`} (${inlineCode(subject.branch)})`;
  return {
    name,
    headSha: subject.sha,
    conclusion: 'failure',
    title: `Could not judge: ${reason}`,
    summary: [
      `**Could not judge ${what} at ${inlineCode(short(subject.sha))}.**`,
      '',
      detail,
      '',
      subjectMarker(subject),
    ].join('\n'),
    annotations: [],
    fixes: [],
    ...(subject.kind === 'pull_request' ? { changeRequest: subject.number } : {}),
    ...refOf(subject),
  };
}
