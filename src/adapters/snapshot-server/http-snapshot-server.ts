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

const TIMEOUT_HINT = 'the server is slow or not answering: try again later, or allow it more time';

/** One path segment as origins and dists are named; never "." or "..". */
const SEGMENT_RE = /^[a-z0-9][a-z0-9.+-]*$/;

type Attempt =
  | { ok: true; text: string }
  | {
      ok: false;
      retry: boolean;
      message: string;
      hint?: string;
      status?: number;
      retryAfterMs?: number;
      cause?: unknown;
    };

/** What went wrong on the network, what to do about it, and whether trying again could help. */
interface NetworkProblem {
  message: string;
  hint: string;
  retry: boolean;
}

/** Certificates Node does not accept: trying again cannot change that. */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function certificateHint(code: string): string {
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return "the server's certificate is out of its validity dates (or this machine's clock is wrong): renew the certificate, or set the clock right";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return 'the certificate was issued for another host name: use the host name it names in the URL';
  return 'the certificate is not signed by an authority Node trusts: if the server is yours, give its authority to Node with NODE_EXTRA_CA_CERTS=FILE';
}

/** fetch wraps the reason in `cause`, sometimes twice; the innermost code (or message) says what happened. */
function networkCause(error: unknown): { code?: string; message: string } {
  let current: unknown = error;
  let deepest = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    const message = (current as { message?: unknown }).message;
    if (typeof code === 'string' && code !== '') return { code, message: typeof message === 'string' ? message : code };
    deepest = current;
    current = (current as { cause?: unknown }).cause;
  }
  const message = (deepest as { message?: unknown } | null)?.message;
  return { message: typeof message === 'string' ? message : String(deepest) };
}

/**
 * Names a network failure in words and says what fits it: a host that does
 * not resolve needs its name checked, a closed port the server started. Only
 * what may change by itself (a refused or reset connection, a temporary DNS
 * failure, a timeout) is retried; a host that does not exist, a port fetch
 * refuses, a certificate it rejects, or a server that speaks no TLS stay so.
 */
function describeNetworkError(error: unknown, url: URL): NetworkProblem {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const where = `${url.hostname}:${port}`;
  const { code, message } = networkCause(error);
  if (code === undefined && message === 'bad port') {
    return {
      message: `Node's fetch refuses to connect to port ${port}, one that browsers block (the Fetch standard's "bad ports", such as 6000 for X11)`,
      hint: 'serve the snapshot server on another port, or put a proxy on another port in front of it',
      retry: false,
    };
  }
  switch (code) {
    case 'ENOTFOUND':
      return {
        message: `cannot resolve host ${url.hostname}: no such host`,
        hint: "check the host name in the snapshot server's URL",
        retry: false,
      };
    case 'EAI_AGAIN':
      return {
        message: `cannot resolve host ${url.hostname}: temporary DNS failure`,
        hint: 'check the network connection and the DNS resolver; it may work again in a moment',
        retry: true,
      };
    case 'ECONNREFUSED':
      return {
        message: `connection refused by ${where}`,
        hint: `nothing listens at ${where}: check that the snapshot server is running and the port in its URL`,
        retry: true,
      };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return {
        message: code === 'ECONNRESET' ? 'connection reset by the server' : 'connection closed by the server',
        hint: 'the server, or a proxy on the way, dropped the connection: try again later; an https:// URL on a plain HTTP server does this too',
        retry: true,
      };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return {
        message: 'connection timed out',
        hint: `${where} did not accept the connection in time: check the network, a firewall, and the host in the URL`,
        retry: true,
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return {
        message: code === 'EHOSTUNREACH' ? 'host unreachable' : 'network unreachable',
        hint: 'check the network connection',
        retry: true,
      };
  }
  if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
    return {
      message: `TLS: the certificate of ${url.hostname} is not accepted: ${message} (${code})`,
      hint: certificateHint(code),
      retry: false,
    };
  }
  if (code !== undefined && (code.startsWith('ERR_SSL_') || code === 'EPROTO')) {
    return {
      message: `TLS handshake with ${where} failed: ${message.split('\n')[0] ?? message} (${code})`,
      hint: `the server at ${where} does not speak TLS there: use http:// rather than https://, or the server's TLS port`,
      retry: false,
    };
  }
  return {
    message: `network error: ${message}`,
    hint: "check the network connection and the snapshot server's URL",
    retry: true,
  };
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
          hint: result.hint,
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
          return {
            ok: false,
            retry: true,
            message: `timed out after ${this.timeoutMs} ms waiting for the response`,
            hint: TIMEOUT_HINT,
          };
        return { ok: false, ...describeNetworkError(error, new URL(url)), cause: error };
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
            hint: TIMEOUT_HINT,
          };
        const problem = describeNetworkError(error, new URL(response.url || this.baseUrl));
        return { ok: false, ...problem, message: `${problem.message} while reading the body`, cause: error };
      }
    }
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
    } catch {
      return { ok: false, retry: false, message: 'bad content: the body is not UTF-8 text' };
    }
  }
}
