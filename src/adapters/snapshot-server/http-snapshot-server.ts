import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config/schema.js';
import { parseValidUntil } from '../../domain/release-file.js';
import { parseRfc2822Date } from '../../domain/rfc2822-date.js';
import { parseSerial, printable, type Serial } from '../../domain/serial.js';
import { parseTraceFile } from '../../domain/trace-file.js';
import { SnapshotServerError, UsageError } from '../../errors.js';
import type { SnapshotServer } from '../../ports/snapshot-server.js';

export interface HttpSnapshotServerOptions {
  /** The server's root, e.g. http://time-based.snapshots.deb.tails.boum.org/ (trailing "/" optional). */
  baseUrl: string;
  /** Per attempt, covering the response headers and the whole body. */
  timeoutMs: number;
  /** Further attempts after a 5xx or a network error; never after a 4xx. */
  retries: number;
  /** Delay before the first retry, doubled at each further one. */
  retryDelayMs?: number;
  /** The longest wait between attempts; a Retry-After asking for more ends the retries. */
  maxDelayMs?: number;
  /** The largest body read; trace and Release files are far smaller. */
  maxBytes?: number;
  fetch?: typeof fetch;
}

const HTTP_DEFAULTS = { retryDelayMs: 500, maxDelayMs: 10_000, maxBytes: 1024 * 1024 } as const;

/** One path segment as origins and dists are named; never "." or "..". */
const SEGMENT_RE = /^[a-z0-9][a-z0-9.+-]*$/;

type Attempt =
  | { ok: true; text: string }
  | { ok: false; retry: boolean; message: string; status?: number; retryAfterMs?: number; cause?: unknown };

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (temporary DNS failure)',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  UND_ERR_SOCKET: 'connection closed by the server',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** fetch wraps the reason in `cause`, sometimes twice; the innermost code says what happened. */
function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  let deepest = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERRORS[code]) return NETWORK_ERRORS[code];
    deepest = current;
    current = (current as { cause?: unknown }).cause;
  }
  const message = (deepest as { message?: unknown } | null)?.message;
  return `network error: ${typeof message === 'string' ? message : String(deepest)}`;
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = parseRfc2822Date(value);
  return date.ok ? Math.max(0, date.value.getTime() - now) : undefined;
}

function checkBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`snapshot server URL "${printable(baseUrl)}" is not a URL`);
  }
  if (url.username !== '' || url.password !== '') {
    // Never echo the credentials themselves.
    throw new UsageError(
      `snapshot server URL ${url.protocol}//${url.host}${url.pathname} must not contain credentials`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`snapshot server URL ${url.href} must be http or https`);
  if (url.search !== '' || url.hash !== '')
    throw new UsageError(`snapshot server URL ${url.href} must not have a query or a fragment`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** The time-based snapshot server over HTTP(S). */
export class HttpSnapshotServer implements SnapshotServer {
  /** The server's root, always ending in "/". */
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxBytes: number;
  private readonly fetchImpl: typeof fetch;

  /** @throws UsageError when the base URL is unusable */
  constructor(options: HttpSnapshotServerOptions) {
    this.baseUrl = checkBaseUrl(options.baseUrl).href;
    this.timeoutMs = options.timeoutMs;
    this.retries = options.retries;
    this.retryDelayMs = options.retryDelayMs ?? HTTP_DEFAULTS.retryDelayMs;
    this.maxDelayMs = options.maxDelayMs ?? HTTP_DEFAULTS.maxDelayMs;
    this.maxBytes = options.maxBytes ?? HTTP_DEFAULTS.maxBytes;
    this.fetchImpl = options.fetch ?? fetch;
  }

  static fromConfig(config: Config, overrides: Partial<HttpSnapshotServerOptions> = {}): HttpSnapshotServer {
    return new HttpSnapshotServer({
      baseUrl: config.snapshot_server.url,
      timeoutMs: config.snapshot_server.timeout_ms,
      retries: config.snapshot_server.retries,
      ...overrides,
    });
  }

  async latestSerial(origin: string): Promise<Serial> {
    this.checkSegment('origin', origin);
    const url = this.url([origin, 'project', 'trace', origin]);
    const parsed = parseTraceFile(await this.get(url), url);
    if (!parsed.ok) throw new SnapshotServerError(parsed.error, url);
    return parsed.value;
  }

  async validUntil(origin: string, dist: string, serial: Serial): Promise<Date | null> {
    this.checkSegment('origin', origin);
    for (const part of dist.split('/')) this.checkSegment('dist', part, dist);
    const valid = parseSerial(serial);
    if (!valid.ok)
      throw new SnapshotServerError(`${this.baseUrl}: refusing to look up serial ${valid.error}`, this.baseUrl);
    const url = this.url([origin, 'dists', ...dist.split('/'), 'snapshots', serial, 'Release']);
    const parsed = parseValidUntil(await this.get(url), url);
    if (!parsed.ok) throw new SnapshotServerError(parsed.error, url);
    return parsed.value;
  }

  /** Values reach URLs from repositories and comments: a hostile one must not leave its path. */
  private checkSegment(what: string, segment: string, whole = segment): void {
    if (!SEGMENT_RE.test(segment)) {
      throw new SnapshotServerError(
        `${this.baseUrl}: refusing to look up ${what} "${printable(whole)}": not a valid ${what} name`,
        this.baseUrl,
      );
    }
  }

  private url(segments: string[]): string {
    return new URL(segments.join('/'), this.baseUrl).href;
  }

  private async get(url: string): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.attempt(url);
      if (result.ok) return result.text;
      const fail = (message: string) => {
        const after = attempt > 1 ? ` (after ${attempt} attempts)` : '';
        return new SnapshotServerError(`${url}: ${message}${after}`, url, {
          cause: result.cause,
          status: result.status,
        });
      };
      if (!result.retry || attempt > this.retries) throw fail(result.message);
      if (result.retryAfterMs !== undefined && result.retryAfterMs > this.maxDelayMs) {
        throw fail(
          `${result.message}, and the server asks to retry after ${Math.ceil(result.retryAfterMs / 1000)} s, longer than the ${this.maxDelayMs} ms we wait`,
        );
      }
      await sleep(result.retryAfterMs ?? Math.min(this.retryDelayMs * 2 ** (attempt - 1), this.maxDelayMs));
    }
  }

  private async attempt(url: string): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          signal: controller.signal,
          headers: { accept: 'text/plain, */*;q=0.1', 'cache-control': 'no-cache', 'user-agent': 'apt-snapshots-bot' },
        });
      } catch (error) {
        if (timedOut)
          return { ok: false, retry: true, message: `timed out after ${this.timeoutMs} ms waiting for the response` };
        return { ok: false, retry: true, message: describeNetworkError(error), cause: error };
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return {
          ok: false,
          retry: response.status >= 500,
          status: response.status,
          message: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()),
        };
      }
      const announced = Number(response.headers.get('content-length') ?? 0);
      if (announced > this.maxBytes) {
        controller.abort();
        return {
          ok: false,
          retry: false,
          message: `the response is too large: ${announced} bytes announced, the limit is ${this.maxBytes}`,
        };
      }
      return await this.readBody(response, controller, () => timedOut);
    } finally {
      clearTimeout(timer);
    }
  }

  private async readBody(response: Response, controller: AbortController, timedOut: () => boolean): Promise<Attempt> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (response.body) {
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (total > this.maxBytes) {
            controller.abort();
            return {
              ok: false,
              retry: false,
              message: `the response is too large: more than the limit of ${this.maxBytes} bytes`,
            };
          }
          chunks.push(value);
        }
      } catch (error) {
        if (timedOut())
          return {
            ok: false,
            retry: true,
            message: `timed out after ${this.timeoutMs} ms reading the body (${total} bytes received)`,
          };
        return {
          ok: false,
          retry: true,
          message: `${describeNetworkError(error)} while reading the body`,
          cause: error,
        };
      }
    }
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
    } catch {
      return { ok: false, retry: false, message: 'bad content: the body is not UTF-8 text' };
    }
  }
}
