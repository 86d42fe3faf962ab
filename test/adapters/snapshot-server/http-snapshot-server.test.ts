import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  HttpSnapshotServer,
  type HttpSnapshotServerOptions,
} from '../../../src/adapters/snapshot-server/http-snapshot-server.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import type { Serial } from '../../../src/domain/serial.js';
import { SnapshotServerError, UsageError } from '../../../src/errors.js';
import {
  closedPortUrl,
  failThen,
  startHttpServer,
  type LocalHttpServer,
  type Reply,
} from '../../helpers/http-server.js';

const SERIAL = '2021051301' as Serial;

const TRACE = [
  'Thu May 13 06:00:01 UTC 2021',
  'Date: Thu, 13 May 2021 06:00:01 +0000',
  'Date Started: Thu, 13 May 2021 05:52:12 +0000',
  'Archive serial: 2021051301',
  'Used ftpsync version: 20180513',
  'Running on host: time-based.snapshots.deb.tails.boum.org',
  '',
].join('\n');

function release(validUntil: string | null): string {
  return [
    'Origin: Debian',
    'Label: Debian-Security',
    'Suite: stable',
    'Codename: buster',
    'Date: Thu, 13 May 2021 05:52:12 UTC',
    ...(validUntil === null ? [] : [`Valid-Until: ${validUntil}`]),
    'Architectures: amd64 arm64 i386',
    'Components: updates/main updates/contrib updates/non-free',
    'Description: Debian 10 - Security Updates',
    'SHA256:',
    ' 4d2e3ba41a5ec0ecd2d4a9f0a0b4d6c5a5b0fbb6b3a2f9a1e2d3c4b5a6978899   174568 updates/main/binary-amd64/Packages.gz',
    '',
  ].join('\n');
}

const TRACE_PATH = '/debian/project/trace/debian';
const RELEASE_PATH = `/debian-security/dists/buster/updates/snapshots/${SERIAL}/Release`;
const OK_TRACE: Reply = { body: TRACE };

let server: LocalHttpServer;

beforeEach(async () => {
  server = await startHttpServer({
    [TRACE_PATH]: OK_TRACE,
    [RELEASE_PATH]: { body: release('Sat, 22 May 2021 13:43:45 UTC') },
  });
});

afterEach(async () => {
  await server.close();
});

function client(options: Partial<HttpSnapshotServerOptions> = {}): HttpSnapshotServer {
  return new HttpSnapshotServer({ baseUrl: server.url, timeoutMs: 1000, retries: 2, retryDelayMs: 10, ...options });
}

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<SnapshotServerError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotServerError);
  return error as SnapshotServerError;
}

function elapsedSince(start: number): number {
  return performance.now() - start;
}

describe('HttpSnapshotServer: answers', () => {
  it('reads the newest serial from a real trace file', async () => {
    await expect(client().latestSerial('debian')).resolves.toBe('2021051301');
    expect(server.requests.map((r) => [r.method, r.url])).toEqual([['GET', TRACE_PATH]]);
    expect(server.requests[0]?.headers['user-agent']).toBe('apt-snapshots-bot');
  });

  it('reads Valid-Until from a real Release file, with a dist that has a slash', async () => {
    const date = await client().validUntil('debian-security', 'buster/updates', SERIAL);
    expect(date?.toISOString()).toBe('2021-05-22T13:43:45.000Z');
    expect(server.requests.map((r) => r.url)).toEqual([RELEASE_PATH]);
  });

  it('reads a tagged snapshot without Valid-Until as never expiring', async () => {
    server.route('/torproject/dists/buster/snapshots/2021051301/Release', { body: release(null) });
    await expect(client().validUntil('torproject', 'buster', SERIAL)).resolves.toBeNull();
  });

  it.each([
    ['without a trailing slash', '', TRACE_PATH],
    ['with a trailing slash', '/', TRACE_PATH],
    ['under a path, without a trailing slash', '/mirror', `/mirror${TRACE_PATH}`],
    ['under a path, with a trailing slash', '/mirror/', `/mirror${TRACE_PATH}`],
  ])('joins a base URL %s', async (_name, suffix, path) => {
    server.route(path, OK_TRACE);
    const http = client({ baseUrl: `${server.url}${suffix}` });
    await expect(http.latestSerial('debian')).resolves.toBe('2021051301');
    expect(server.requests.map((r) => r.url)).toEqual([path]);
    expect(http.baseUrl.endsWith('/')).toBe(true);
  });

  it('reads a body of exactly maxBytes', async () => {
    server.route(TRACE_PATH, { body: TRACE.padEnd(1000, '#') });
    await expect(client({ maxBytes: 1000 }).latestSerial('debian')).resolves.toBe('2021051301');
  });

  it('fromConfig takes the URL, timeout and retries from the configuration', async () => {
    const defaults = HttpSnapshotServer.fromConfig(defaultConfig());
    expect(defaults.baseUrl).toBe('http://time-based.snapshots.deb.tails.boum.org/');

    const base = defaultConfig();
    const config = {
      ...base,
      snapshot_server: { ...base.snapshot_server, url: `${server.url}/`, retries: 1, timeout_ms: 150 },
    };
    server.route(TRACE_PATH, { status: 500 });
    const error = await failure(HttpSnapshotServer.fromConfig(config, { retryDelayMs: 1 }).latestSerial('debian'));
    expect(error.message).toMatch(/after 2 attempts/);
    expect(server.requests).toHaveLength(2);

    server.route(TRACE_PATH, { hang: true });
    const start = performance.now();
    const timeout = await failure(HttpSnapshotServer.fromConfig(config, { retries: 0 }).latestSerial('debian'));
    expect(timeout.message).toMatch(/timed out after 150 ms/);
    expect(elapsedSince(start)).toBeLessThan(1000);
  });

  it('uses the fetch it is given', async () => {
    const urls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : input.toString());
      return fetch(input, init);
    };
    await client({ fetch: counting }).latestSerial('debian');
    expect(urls).toEqual([`${server.url}${TRACE_PATH}`]);
  });
});

describe('HttpSnapshotServer: retries', () => {
  it('retries a 500 twice, then succeeds with exactly 3 requests', async () => {
    server.route(TRACE_PATH, failThen(2, { status: 500 }, OK_TRACE));
    await expect(client({ retries: 2 }).latestSerial('debian')).resolves.toBe('2021051301');
    expect(server.requestsTo(TRACE_PATH)).toHaveLength(3);
  });

  it('gives up after retries + 1 requests when the server keeps failing, naming the URL and the status', async () => {
    server.route(TRACE_PATH, { status: 500 });
    const error = await failure(client({ retries: 3 }).latestSerial('debian'));
    expect(error.message).toBe(`${server.url}${TRACE_PATH}: HTTP 500 Internal Server Error (after 4 attempts)`);
    expect(error.url).toBe(`${server.url}${TRACE_PATH}`);
    expect(error.status).toBe(500);
    expect(server.requests).toHaveLength(4);
  });

  it('backs off, doubling the delay', async () => {
    server.route(TRACE_PATH, { status: 502 });
    await failure(client({ retries: 2, retryDelayMs: 60 }).latestSerial('debian'));
    const [a, b, c] = server.requests.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(55);
    expect(c - b).toBeGreaterThanOrEqual(115);
  });

  it.each([
    [404, 'Not Found'],
    [403, 'Forbidden'],
    [410, 'Gone'],
    [429, 'Too Many Requests'],
  ])('does not retry HTTP %i', async (status, text) => {
    server.route(TRACE_PATH, { status });
    const error = await failure(client({ retries: 3 }).latestSerial('debian'));
    expect(error.message).toBe(`${server.url}${TRACE_PATH}: HTTP ${status} ${text}`);
    expect(error.status).toBe(status);
    expect(server.requests).toHaveLength(1);
  });

  it('waits as long as Retry-After says on a 503, rather than its own backoff', async () => {
    server.route(TRACE_PATH, failThen(1, { status: 503, headers: { 'retry-after': '1' } }, OK_TRACE));
    await expect(client({ retryDelayMs: 1 }).latestSerial('debian')).resolves.toBe('2021051301');
    const [a, b] = server.requests.map((r) => r.at) as [number, number];
    expect(b - a).toBeGreaterThanOrEqual(990);
  });

  it('honours Retry-After: 0 and a past HTTP date immediately, whatever its own backoff', async () => {
    server.route(TRACE_PATH, [
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 503, headers: { 'retry-after': 'Thu, 13 May 2021 06:00:01 GMT' } },
      OK_TRACE,
    ]);
    const start = performance.now();
    await expect(client({ retryDelayMs: 5000 }).latestSerial('debian')).resolves.toBe('2021051301');
    expect(elapsedSince(start)).toBeLessThan(1000);
    expect(server.requests).toHaveLength(3);
  });

  it('stops when Retry-After asks for longer than it waits', async () => {
    server.route(TRACE_PATH, { status: 503, headers: { 'retry-after': '3600' } });
    const error = await failure(client({ maxDelayMs: 2000 }).latestSerial('debian'));
    expect(error.message).toBe(
      `${server.url}${TRACE_PATH}: HTTP 503 Service Unavailable, and the server asks to retry after 3600 s, longer than the 2000 ms we wait`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('retries a connection closed without an answer', async () => {
    server.route(TRACE_PATH, failThen(1, { destroy: true }, OK_TRACE));
    await expect(client().latestSerial('debian')).resolves.toBe('2021051301');
    expect(server.requests).toHaveLength(2);
  });

  it('reports a connection always closed without an answer', async () => {
    server.route(TRACE_PATH, { destroy: true });
    const error = await failure(client({ retries: 1 }).latestSerial('debian'));
    expect(error.message).toMatch(
      new RegExp(`^${server.url}${TRACE_PATH}: connection (closed|reset) by the server \\(after 2 attempts\\)$`),
    );
    expect(server.requests).toHaveLength(2);
  });

  it('reports a refused connection, naming the URL, with a hint that fits, after its retries', async () => {
    const url = await closedPortUrl();
    const { port } = new URL(url);
    const error = await failure(client({ baseUrl: url, retries: 1 }).latestSerial('debian'));
    expect(error.message).toBe(`${url}${TRACE_PATH}: connection refused by 127.0.0.1:${port} (after 2 attempts)`);
    expect(error.hint).toBe(
      `nothing listens at 127.0.0.1:${port}: check that the snapshot server is running and the port in its URL`,
    );
  });
});

/** The global fetch, counting its calls: the attempts the client made. */
function countingFetch(): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls += 1;
      return fetch(input, init);
    },
    calls: () => calls,
  };
}

describe('HttpSnapshotServer: network errors get a hint that fits, and only those that may pass are retried', () => {
  // 6000 (X11) is one of the Fetch standard's "bad ports": Node's fetch refuses it before connecting.
  it('a port fetch refuses, once', async () => {
    const counting = countingFetch();
    const error = await failure(
      client({ baseUrl: 'http://127.0.0.1:6000/', fetch: counting.fetch, retries: 2 }).latestSerial('debian'),
    );
    expect(error.message).toBe(
      `http://127.0.0.1:6000${TRACE_PATH}: Node's fetch refuses to connect to port 6000, one that browsers block (the Fetch standard's "bad ports", such as 6000 for X11)`,
    );
    expect(error.hint).toBe('serve the snapshot server on another port, or put a proxy on another port in front of it');
    expect(counting.calls()).toBe(1);
  });

  describe('over TLS', () => {
    const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'tls');
    let tls: Server;
    let tlsUrl: string;
    beforeAll(async () => {
      tls = createServer(
        {
          cert: await readFile(join(FIXTURES, 'self-signed.crt')),
          key: await readFile(join(FIXTURES, 'self-signed.key')),
        },
        (_req, res) => res.end(TRACE),
      );
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => tls.close(() => resolve())));

    it('a certificate Node does not trust, once', async () => {
      const counting = countingFetch();
      const error = await failure(client({ baseUrl: tlsUrl, fetch: counting.fetch }).latestSerial('debian'));
      expect(error.message).toBe(
        `${tlsUrl}${TRACE_PATH}: TLS: the certificate of 127.0.0.1 is not accepted: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`,
      );
      expect(error.hint).toContain('NODE_EXTRA_CA_CERTS=FILE');
      expect(counting.calls()).toBe(1);
    });

    it('an https:// URL on a server that speaks plain HTTP, once', async () => {
      const counting = countingFetch();
      const plain = server.url.replace('http:', 'https:');
      const error = await failure(client({ baseUrl: plain, fetch: counting.fetch }).latestSerial('debian'));
      expect(error.message).toMatch(
        new RegExp(
          `^${plain}${TRACE_PATH}: TLS handshake with 127\\.0\\.0\\.1:${server.port} failed: .*wrong version number.* \\(ERR_SSL_WRONG_VERSION_NUMBER\\)$`,
        ),
      );
      expect(error.hint).toBe(
        `the server at 127.0.0.1:${server.port} does not speak TLS there: use http:// rather than https://, or the server's TLS port`,
      );
      expect(counting.calls()).toBe(1);
    });
  });

  /*
   * DNS is injected: a .invalid host gets NXDOMAIN from a working resolver,
   * but a machine with no network has none, and getaddrinfo then says
   * EAI_AGAIN after its own timeout. The errors are built as Node's fetch
   * builds them (TypeError "fetch failed", its cause the getaddrinfo error).
   */
  it.each([
    [
      'ENOTFOUND',
      'cannot resolve host snapshots.invalid: no such host',
      "check the host name in the snapshot server's URL",
      1,
    ],
    [
      'EAI_AGAIN',
      'cannot resolve host snapshots.invalid: temporary DNS failure (after 2 attempts)',
      'check the network connection and the DNS resolver; it may work again in a moment',
      2,
    ],
  ])('a host that does not resolve (%s)', async (code, message, hint, attempts) => {
    let calls = 0;
    const lookupFails: typeof fetch = () => {
      calls += 1;
      const reason = Object.assign(new Error(`getaddrinfo ${code} snapshots.invalid`), {
        code,
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname: 'snapshots.invalid',
      });
      return Promise.reject(new TypeError('fetch failed', { cause: reason }));
    };
    const error = await failure(
      client({ baseUrl: 'http://snapshots.invalid/', fetch: lookupFails, retries: 1 }).latestSerial('debian'),
    );
    expect(error.message).toBe(`http://snapshots.invalid${TRACE_PATH}: ${message}`);
    expect(error.hint).toBe(hint);
    expect(calls).toBe(attempts);
  });

  it.each([
    ['ECONNRESET', 'connection reset by the server', 2],
    ['UND_ERR_CONNECT_TIMEOUT', 'connection timed out', 2],
    ['EHOSTUNREACH', 'host unreachable', 2],
    [
      'CERT_HAS_EXPIRED',
      'TLS: the certificate of 127.0.0.1 is not accepted: certificate has expired (CERT_HAS_EXPIRED)',
      1,
    ],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'TLS: the certificate of 127.0.0.1 is not accepted: certificate has expired (ERR_TLS_CERT_ALTNAME_INVALID)',
      1,
    ],
    [undefined, 'network error: certificate has expired', 2],
  ])('describes a network error with code %s as "%s", in %d attempt(s)', async (code, description, attempts) => {
    let calls = 0;
    const failing: typeof fetch = () => {
      calls += 1;
      const reason = Object.assign(new Error('certificate has expired'), { code });
      return Promise.reject(new TypeError('fetch failed', { cause: reason }));
    };
    const error = await failure(client({ fetch: failing, retries: 1 }).latestSerial('debian'));
    expect(error.message).toBe(
      `${server.url}${TRACE_PATH}: ${description}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`,
    );
    expect(error.hint).not.toContain('snapshot exists');
    expect(calls).toBe(attempts);
  });

  it('gives a timeout a hint', async () => {
    server.route(TRACE_PATH, { hang: true });
    const error = await failure(client({ timeoutMs: 100, retries: 0 }).latestSerial('debian'));
    expect(error.hint).toBe('the server is slow or not answering: try again later, or allow it more time');
  });
});

describe('HttpSnapshotServer: a server that hangs or lies', () => {
  it('times out when the headers never come, within timeoutMs', async () => {
    server.route(TRACE_PATH, { hang: true });
    const start = performance.now();
    const error = await failure(client({ timeoutMs: 200, retries: 0 }).latestSerial('debian'));
    const elapsed = elapsedSince(start);
    expect(error.message).toBe(`${server.url}${TRACE_PATH}: timed out after 200 ms waiting for the response`);
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(700);
  });

  it('retries a timeout', async () => {
    server.route(TRACE_PATH, failThen(1, { hang: true }, OK_TRACE));
    await expect(client({ timeoutMs: 150, retries: 1 }).latestSerial('debian')).resolves.toBe('2021051301');
    expect(server.requests).toHaveLength(2);
  });

  it('times out when the body stalls after the headers', async () => {
    server.route(TRACE_PATH, { stall: true, body: 'Thu May 13 06:00:01 UTC 2021\n' });
    const start = performance.now();
    const error = await failure(client({ timeoutMs: 200, retries: 0 }).latestSerial('debian'));
    expect(error.message).toBe(
      `${server.url}${TRACE_PATH}: timed out after 200 ms reading the body (29 bytes received)`,
    );
    expect(elapsedSince(start)).toBeLessThan(700);
  });

  it('stops reading a body that never ends', async () => {
    server.route(TRACE_PATH, { stream: { chunk: 'Archive serial: 2021051301\n'.repeat(1000) } });
    const start = performance.now();
    const error = await failure(client({ timeoutMs: 5000 }).latestSerial('debian'));
    expect(error.message).toBe(
      `${server.url}${TRACE_PATH}: the response is too large: more than the limit of 1048576 bytes`,
    );
    expect(elapsedSince(start)).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a body one byte over maxBytes', async () => {
    server.route(TRACE_PATH, { stream: { chunk: TRACE.padEnd(1001, '#'), bytes: 1001 } });
    const error = await failure(client({ maxBytes: 1000 }).latestSerial('debian'));
    expect(error.message).toMatch(/too large: more than the limit of 1000 bytes$/);
  });

  it('refuses a body whose announced length is over the limit without reading it', async () => {
    server.route(TRACE_PATH, { stall: true, headers: { 'content-length': String(10 * 1024 ** 3) }, body: TRACE });
    const error = await failure(client({ timeoutMs: 5000 }).latestSerial('debian'));
    expect(error.message).toBe(
      `${server.url}${TRACE_PATH}: the response is too large: 10737418240 bytes announced, the limit is 1048576`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['garbage', 'Thu May 13 06:00:01 UTC 2021\nhello\n', /trace file has no "Archive serial:" line/],
    ['two different serial lines', `${TRACE}Archive serial: 2021051302\n`, /2 different "Archive serial:" lines/],
    ['an invalid serial', TRACE.replace('2021051301', '2021133101'), /"Archive serial:" line is invalid/],
    ['an empty body', '', /no "Archive serial:" line/],
  ])('rejects a trace file with %s, naming the URL, without retrying', async (_name, body, message) => {
    server.route(TRACE_PATH, { body });
    const error = await failure(client().latestSerial('debian'));
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${server.url}${TRACE_PATH}: `)).toBe(true);
    expect(error.url).toBe(`${server.url}${TRACE_PATH}`);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['an HTML page', '<html><body>Under maintenance</body></html>\n', /not a Release file/],
    ['a malformed Valid-Until', release('next week'), /Valid-Until "next week" is not a date/],
  ])('rejects a Release file that is %s', async (_name, body, message) => {
    server.route(RELEASE_PATH, { body });
    const error = await failure(client().validUntil('debian-security', 'buster/updates', SERIAL));
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${server.url}${RELEASE_PATH}: `)).toBe(true);
  });

  it('rejects a body that is not UTF-8', async () => {
    server.route(TRACE_PATH, { body: Buffer.from([0x41, 0xff, 0xfe, 0x0a]) });
    const error = await failure(client().latestSerial('debian'));
    expect(error.message).toBe(`${server.url}${TRACE_PATH}: bad content: the body is not UTF-8 text`);
  });
});

describe('HttpSnapshotServer: hostile input', () => {
  it.each([
    '..',
    '.',
    '../../etc/passwd',
    'debian/../tails',
    '',
    '.hidden',
    'Debian',
    'debian%2f..',
    'debian?x=1',
    'debian#x',
    'http://evil.example/x',
  ])('refuses origin %j without a request', async (origin) => {
    const error = await failure(client().latestSerial(origin));
    expect(error.message).toMatch(/refusing to look up origin .*not a valid origin name/);
    expect(error.url).toBe(`${server.url}/`);
    await failure(client().validUntil(origin, 'stable', SERIAL));
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    '..',
    'buster/../../..',
    '/buster',
    'buster/',
    'buster//updates',
    'buster/./updates',
    'Buster',
    'buster%2f..',
  ])('refuses dist %j without a request', async (dist) => {
    const error = await failure(client().validUntil('debian', dist, SERIAL));
    expect(error.message).toMatch(/refusing to look up dist .*not a valid dist name/);
    expect(server.requests).toHaveLength(0);
  });

  it.each(['latest', '../../x', '2021051300', '2021051301/..'])(
    'refuses serial %j without a request',
    async (serial) => {
      const error = await failure(client().validUntil('debian', 'stable', serial as Serial));
      expect(error.message).toMatch(/refusing to look up serial/);
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each([
    ['not a URL', 'time-based.snapshots', /is not a URL/],
    ['another protocol', 'ftp://snapshots.example/', /must be http or https/],
    ['a query', 'http://snapshots.example/?mirror=1', /must not have a query or a fragment/],
    ['a fragment', 'http://snapshots.example/#top', /must not have a query or a fragment/],
  ])('refuses a base URL with %s', (_name, baseUrl, message) => {
    expect(() => new HttpSnapshotServer({ baseUrl, timeoutMs: 1000, retries: 0 })).toThrow(UsageError);
    expect(() => new HttpSnapshotServer({ baseUrl, timeoutMs: 1000, retries: 0 })).toThrow(message);
  });

  it('refuses a base URL with credentials without repeating them', () => {
    const create = () =>
      new HttpSnapshotServer({ baseUrl: 'http://rm:s3cret@snapshots.example/', timeoutMs: 1000, retries: 0 });
    expect(create).toThrow(UsageError);
    expect(create).toThrow('snapshot server URL http://snapshots.example/ must not contain credentials');
  });
});
