import { fetchText, FetchTextError, parseHttpUrl } from '../../../src/adapters/http/fetch-text.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../../helpers/http-server.js';

const OPTIONS = { timeoutMs: 300, maxBytes: 1000 };

let server: LocalHttpServer;
beforeAll(async () => {
  server = await startHttpServer({
    '/manifest': { body: 'origin_references: []\n' },
    '/missing': { status: 404, body: 'nope' },
    '/hang': { hang: true },
    '/stall': { stall: true, body: 'origin_' },
    '/huge': { stream: { chunk: 'x'.repeat(100) } },
    '/binary': { body: Buffer.from([0xff, 0xfe, 0x00]) },
    '/moved': { status: 302, headers: { location: '/manifest' } },
    '/loop': { status: 302, headers: { location: '/loop' } },
    '/to-ftp': { status: 302, headers: { location: 'ftp://example.org/m' } },
    '/away': { status: 302, headers: { location: 'http://elsewhere.example/m?token=s3cret' } },
    '/reason': { status: 500, body: '' },
  });
});
afterAll(() => server.close());

const get = (path: string) => fetchText(parseHttpUrl(`${server.url}${path}`), OPTIONS);

describe('fetchText', () => {
  it('reads a text answer, following redirects', async () => {
    await expect(get('/manifest')).resolves.toBe('origin_references: []\n');
    await expect(get('/moved')).resolves.toBe('origin_references: []\n');
  });

  it.each([
    ['/missing', /\/missing: HTTP 404 Not Found$/],
    ['/hang', /\/hang: no answer within 300 ms$/],
    ['/stall', /\/stall: no whole answer within 300 ms$/],
    ['/huge', /\/huge: larger than 1000 bytes/],
    ['/binary', /\/binary: the answer is not UTF-8 text$/],
  ])('fails %s, naming the URL and why', async (path, message) => {
    const error = await get(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchTextError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(server.url)).toBe(true);
  });

  it('says a connection was refused', async () => {
    const url = await closedPortUrl();
    await expect(fetchText(parseHttpUrl(`${url}/x`), OPTIONS)).rejects.toThrow(/\/x: ECONNREFUSED$/);
  });

  it('follows at most 5 redirects, and only to http(s)', async () => {
    await expect(get('/loop')).rejects.toThrow(/\/loop: more than 5 redirects$/);
    await expect(get('/to-ftp')).rejects.toThrow(
      /\/to-ftp redirects to a URL it cannot follow: .*not an http\(s\) URL/,
    );
  });

  it('asks redirectProblem about each hop, and refuses one it objects to without showing its query', async () => {
    const seen: string[] = [];
    const redirectProblem = (url: URL) => {
      seen.push(url.host);
      return url.host === '127.0.0.1' || url.host.startsWith('127.0.0.1:') ? undefined : 'not a listed host';
    };
    await expect(fetchText(parseHttpUrl(`${server.url}/moved`), { ...OPTIONS, redirectProblem })).resolves.toBe(
      'origin_references: []\n',
    );
    const error = await fetchText(parseHttpUrl(`${server.url}/away`), { ...OPTIONS, redirectProblem }).catch(
      (e: unknown) => e as Error,
    );
    expect((error as Error).message).toMatch(/\/away redirects to http:\/\/elsewhere\.example\/m: not a listed host$/);
    expect((error as Error).message).not.toContain('s3cret');
    expect(seen).toEqual([new URL(server.url).host, 'elsewhere.example']);
  });

  it('says why fetch failed when only its cause knows (a port Node refuses)', async () => {
    await expect(fetchText(parseHttpUrl('http://127.0.0.1:9/m'), OPTIONS)).rejects.toThrow(
      /\/m: bad port: Node refuses to connect to this port/,
    );
  });

  it('keeps the status of an HTTP error', async () => {
    await expect(get('/missing')).rejects.toMatchObject({ status: 404 });
  });
});

describe('parseHttpUrl', () => {
  it.each([
    ['not a url', /is not a URL/],
    ['ftp://example.org/m', /is not an http\(s\) URL/],
    ['https://user:secret@example.org/m', /^https:\/\/example\.org\/m must not carry credentials$/],
  ])('refuses %j without echoing a secret', (text, message) => {
    expect(() => parseHttpUrl(text)).toThrow(message);
    try {
      parseHttpUrl(text);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });
});
