import { printable } from '../../domain/serial.js';

/** A URL that could not be read: the message names it (without credentials) and says why. */
export class FetchTextError extends Error {
  override name = 'FetchTextError';
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

export interface FetchTextOptions {
  /** Covers the headers and the whole body. */
  timeoutMs: number;
  maxBytes: number;
  fetch?: typeof fetch;
  /**
   * Why a redirect may not be followed to `url`, or undefined when it may: a
   * URL a person gave may only lead to the hosts the deployment lists.
   * Without it, any http(s) redirect is followed.
   */
  redirectProblem?: (url: URL) => string | undefined;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The final answer to a GET of `url`, redirects followed one by one so that
 * each hop is checked; refused hops and loops throw.
 */
async function follow(url: URL, options: FetchTextOptions, signal: AbortSignal): Promise<Response> {
  let at = url;
  for (let hops = 0; ; hops += 1) {
    const response = await (options.fetch ?? fetch)(at, { signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null) return response;
    await response.body?.cancel();
    if (hops === MAX_REDIRECTS) throw new FetchTextError(`${shownUrl(url)}: more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = parseHttpUrl(new URL(location, at).href);
    } catch (error) {
      throw new FetchTextError(`${shownUrl(url)} redirects to a URL it cannot follow: ${(error as Error).message}`);
    }
    const problem = options.redirectProblem?.(next);
    if (problem !== undefined) throw new FetchTextError(`${shownUrl(url)} redirects to ${shownUrl(next)}: ${problem}`);
    at = next;
  }
}

/** The URL as a message may show it: no user, no password, no query (which may hold a token). */
export function shownUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Parses a URL someone gave (a manifest, a readiness page): http(s) only,
 * never with credentials in it.
 * @throws FetchTextError naming what is wrong
 */
export function parseHttpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FetchTextError(`"${printable(text)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchTextError(`${shownUrl(url)} is not an http(s) URL`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new FetchTextError(`${shownUrl(url)} must not carry credentials`);
  }
  return url;
}

function networkReason(error: unknown): string {
  let current: unknown = error;
  let deepest = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') deepest = message;
    current = (current as { cause?: unknown }).cause;
  }
  // undici says "fetch failed" and puts the reason (a port it refuses to use: "bad port") in its cause.
  return deepest === 'bad port'
    ? 'bad port: Node refuses to connect to this port (the Fetch standard blocks it)'
    : deepest;
}

/**
 * GETs a URL as UTF-8 text, within a time and size limit: a wrong URL or a
 * server that streams for ever cannot hold the bot or fill its memory.
 * @throws FetchTextError
 */
export async function fetchText(url: URL, options: FetchTextOptions): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const shown = shownUrl(url);
  try {
    let response: Response;
    try {
      response = await follow(url, options, controller.signal);
    } catch (error) {
      if (error instanceof FetchTextError) throw error;
      if (controller.signal.aborted) throw new FetchTextError(`${shown}: no answer within ${options.timeoutMs} ms`);
      throw new FetchTextError(`${shown}: ${networkReason(error)}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      // The reason phrase is the server's to choose: shown, never trusted.
      throw new FetchTextError(`${shown}: HTTP ${response.status} ${printable(response.statusText, 80)}`.trim(), {
        status: response.status,
      });
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
    try {
      for (;;) {
        if (!reader) break;
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > options.maxBytes) {
          controller.abort();
          throw new FetchTextError(`${shown}: larger than ${options.maxBytes} bytes, more than it can be`);
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof FetchTextError) throw error;
      if (controller.signal.aborted)
        throw new FetchTextError(`${shown}: no whole answer within ${options.timeoutMs} ms`);
      throw new FetchTextError(`${shown}: ${networkReason(error)}`, { cause: error });
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch {
      throw new FetchTextError(`${shown}: the answer is not UTF-8 text`);
    }
  } finally {
    clearTimeout(timer);
  }
}
