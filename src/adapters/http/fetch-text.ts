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
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
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
      response = await (options.fetch ?? fetch)(url, { signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      if (controller.signal.aborted) throw new FetchTextError(`${shown}: no answer within ${options.timeoutMs} ms`);
      throw new FetchTextError(`${shown}: ${networkReason(error)}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new FetchTextError(`${shown}: HTTP ${response.status} ${response.statusText}`.trim(), {
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
