import type { TriggerError } from '../../ports/job-trigger.js';
import { printable } from '../../domain/serial.js';
import { classifyNetworkError } from './network-error.js';
import { redactingLogger, type Redact } from './secrets.js';
import { triggerError, type FailureContext } from './trigger-failure.js';
import type { ResolvedOptions } from './trigger-options.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /**
   * Whether the CI taking this request starts the job (the trigger itself,
   * not a crumb or a queue look-up): only then may a failure after sending
   * have started it (`sent: true`).
   */
  startsJob: boolean;
}

/** A body is a detail: once the status says the job was taken, failing to read it must not say otherwise. */
type AnswerBody = { ok: true; text: string } | { ok: false; problem: string };

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  /** Where the answer came from, after same-origin redirects. */
  url: URL;
  /** "POST https://host/path", for messages. */
  where: string;
  body: AnswerBody;
}

export interface HttpSettings extends Pick<ResolvedOptions, 'fetch' | 'sleep' | 'log'> {
  /** One attempt: connecting, sending, the answer and its whole body. */
  timeoutMs: number;
}

/** An adapter's HTTP settings: its log redacts the adapter's credentials. */
export function httpSettings(options: ResolvedOptions, redact: Redact, timeoutMs: number): HttpSettings {
  return { fetch: options.fetch, sleep: options.sleep, log: redactingLogger(options.log, redact), timeoutMs };
}

/** The largest body read; CI answers are a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Delays before the retries of a request that could not connect; their number bounds the retries. */
const RETRY_DELAYS_MS = [1000, 3000];
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type Outcome =
  | { kind: 'answer'; answer: HttpAnswer }
  | { kind: 'redirect'; status: number; location: string | null }
  | { kind: 'failed'; detail: string; connected: boolean; retry: boolean; cause?: unknown };

function where(request: Pick<HttpRequest, 'method' | 'url'>): string {
  return `${request.method} ${request.url.origin}${request.url.pathname}`;
}

/**
 * Sends one request. Retries only what could not connect (the request never
 * left); follows redirects only within the same origin, since every request
 * carries a credential or a signature meant for that origin; bounds each
 * attempt, body included, by the timeout and the body by its size.
 * Answers of any status come back; what failed to bring one is a TriggerError.
 * @throws TriggerError
 */
export async function exchange(
  settings: HttpSettings,
  first: HttpRequest,
  context: FailureContext,
): Promise<HttpAnswer> {
  let request = first;
  for (let hops = 0; ; hops += 1) {
    const outcome = await attemptWithRetries(settings, request, context);
    if (outcome.kind === 'answer') return outcome.answer;
    if (hops === MAX_REDIRECTS) {
      throw triggerError(context, `more than ${MAX_REDIRECTS} redirects from ${where(first)}`, {
        status: outcome.status,
        sent: false,
      });
    }
    request = redirected(request, outcome.status, outcome.location, context);
  }
}

/** The request to send after a redirect, or why it is not followed (a redirect means the CI did not take the job). */
function redirected(
  request: HttpRequest,
  status: number,
  location: string | null,
  context: FailureContext,
): HttpRequest {
  const refuse = (why: string) =>
    triggerError(context, `HTTP ${status} from ${where(request)}: ${why}`, { status, sent: false });
  const target =
    location === null || !URL.canParse(location, request.url.href) ? undefined : new URL(location, request.url);
  if (target === undefined) throw refuse('a redirect without a usable Location');
  const shown = `${target.origin}${target.pathname}`;
  if (target.origin !== request.url.origin) {
    throw refuse(
      `redirects to ${shown}, not followed: the request carries credentials meant for ${request.url.origin} only; configure the address it redirects to`,
    );
  }
  if (status === 307 || status === 308) return { ...request, url: target };
  if (request.method === 'GET') return { ...request, url: target };
  throw refuse(`redirects to ${shown}, not followed: a ${status} would turn the POST into a GET`);
}

async function attemptWithRetries(
  settings: HttpSettings,
  request: HttpRequest,
  context: FailureContext,
): Promise<Exclude<Outcome, { kind: 'failed' }>> {
  for (let retries = 0; ; retries += 1) {
    const outcome = await attempt(settings, request);
    if (outcome.kind !== 'failed') return outcome;
    const delay = RETRY_DELAYS_MS[retries];
    if (!outcome.retry || delay === undefined) {
      const attempts = retries > 0 ? ` (${retries + 1} attempts)` : '';
      throw triggerError(context, `${outcome.detail} at ${where(request)}${attempts}`, {
        sent: request.startsJob && outcome.connected,
        cause: outcome.cause,
      });
    }
    settings.log.warn(
      `${context.description}: ${outcome.detail} at ${where(request)}; the request did not leave, trying again in ${delay} ms`,
    );
    await settings.sleep(delay);
  }
}

async function attempt(settings: HttpSettings, request: HttpRequest): Promise<Outcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeoutMs);
  try {
    let response: Response;
    try {
      response = await settings.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (error) {
      // Our own timeout may cut a connection that never opened; we cannot
      // tell it from an answer that never came, so it counts as sent.
      if (timedOut)
        return { kind: 'failed', detail: `no answer within ${settings.timeoutMs} ms`, connected: true, retry: false };
      return { kind: 'failed', ...classifyNetworkError(error), cause: error };
    }
    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'redirect', status: response.status, location: response.headers.get('location') };
    }
    const body = await readBody(response, controller, () => timedOut, settings.timeoutMs);
    return {
      kind: 'answer',
      answer: {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        url: request.url,
        where: where(request),
        body,
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

async function readBody(
  response: Response,
  controller: AbortController,
  timedOut: () => boolean,
  timeoutMs: number,
): Promise<AnswerBody> {
  if (!response.body) return { ok: true, text: '' };
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        controller.abort();
        return { ok: false, problem: `the body is larger than ${MAX_BODY_BYTES} bytes` };
      }
      chunks.push(value);
    }
  } catch (error) {
    if (timedOut()) return { ok: false, problem: `the body did not arrive within ${timeoutMs} ms` };
    return { ok: false, problem: `${classifyNetworkError(error).detail} while reading the body` };
  }
  return { ok: true, text: new TextDecoder().decode(Buffer.concat(chunks)) };
}

/** What the CI said, short and printable: its JSON `message` or `error`, else the text of the page. */
function excerpt(answer: HttpAnswer): string {
  if (!answer.body.ok) return `(${answer.body.problem})`;
  const text = answer.body.text;
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    const said = data.message ?? data.error;
    if (typeof said === 'string') return printable(said, 300);
    // GitLab puts field errors in an object: {"message": {"base": ["Reference not found"]}}
    if (typeof said === 'object' && said !== null) return printable(flatten(said as Record<string, unknown>), 300);
  } catch {
    // Not JSON: a page.
  }
  const plain = text
    .replace(/<(head|script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return printable(plain, 300);
}

function flatten(errors: Record<string, unknown>): string {
  return Object.entries(errors)
    .map(([field, value]) => `${field}: ${Array.isArray(value) ? value.map(String).join(', ') : String(value)}`)
    .join('; ');
}

/**
 * The error for an answer that is not what the CI gives when it takes the
 * job. A 5xx may come after the CI took it (a proxy timing out on a slow
 * CI), so it counts as sent; any other status is a refusal.
 */
export function refusal(request: HttpRequest, answer: HttpAnswer, context: FailureContext): TriggerError {
  const said = excerpt(answer);
  const status = `HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}`;
  const hint =
    answer.status === 401 && context.credentials !== undefined
      ? ` (${context.ci} does not accept ${context.credentials})`
      : '';
  return triggerError(context, `${status} from ${answer.where}${said ? `: ${said}` : ''}${hint}`, {
    status: answer.status,
    sent: request.startsJob && answer.status >= 500,
  });
}

/** The answer's body as JSON, or why not. */
export function jsonBody(answer: HttpAnswer): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (!answer.body.ok) return answer.body;
  try {
    return { ok: true, value: JSON.parse(answer.body.text) as unknown };
  } catch {
    return { ok: false, problem: `the body is not JSON: "${printable(answer.body.text, 80)}"` };
  }
}
