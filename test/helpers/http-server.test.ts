import { closedPortUrl, failThen, startHttpServer, type LocalHttpServer } from './http-server.js';

let server: LocalHttpServer;

afterEach(async () => {
  await server.close();
});

describe('startHttpServer', () => {
  it('serves routes on 127.0.0.1 and answers 404 elsewhere, recording every request', async () => {
    server = await startHttpServer({ '/a': { body: 'hello\n', headers: { 'x-test': '1' } } });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const ok = await fetch(`${server.url}/a`);
    expect([ok.status, ok.headers.get('x-test'), await ok.text()]).toEqual([200, '1', 'hello\n']);
    const missing = await fetch(`${server.url}/b?x=1`);
    expect([missing.status, await missing.text()]).toEqual([404, 'no route for GET /b?x=1\n']);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /a', 'GET /b?x=1']);
    expect(server.requestsTo('/b').map((r) => r.url)).toEqual(['/b?x=1']);
  });

  it('matches method and query before the bare path, and records request bodies', async () => {
    server = await startHttpServer({
      'POST /job': { status: 201, body: 'queued' },
      '/job?token=t': { body: 'query' },
      '/job': { body: 'any' },
    });
    const post = await fetch(`${server.url}/job`, {
      method: 'POST',
      body: 'VERSION=4.19',
      headers: { 'content-type': 'text/plain' },
    });
    expect([post.status, await post.text()]).toEqual([201, 'queued']);
    expect(await (await fetch(`${server.url}/job?token=t`)).text()).toBe('query');
    expect(await (await fetch(`${server.url}/job?other=1`)).text()).toBe('any');
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/job', body: 'VERSION=4.19' });
    expect(server.requests[0]?.headers['content-type']).toBe('text/plain');
  });

  it('plays a sequence of replies, repeating the last, and restarts it when the route is replaced', async () => {
    server = await startHttpServer({ '/s': failThen(2, { status: 500 }, { body: 'ok' }) });
    const statuses = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i += 1) out.push((await fetch(`${server.url}/s`)).status);
      return out;
    };
    expect(await statuses(4)).toEqual([500, 500, 200, 200]);
    server.route('/s', [{ status: 503 }, { status: 204 }]);
    expect(await statuses(3)).toEqual([503, 204, 204]);
  });

  it('answers from a function given the request and its index', async () => {
    server = await startHttpServer({ '/f': (request, index) => ({ body: `${request.method} #${index}` }) });
    expect(await (await fetch(`${server.url}/f`)).text()).toBe('GET #0');
    expect(await (await fetch(`${server.url}/f`, { method: 'PUT' })).text()).toBe('PUT #1');
  });

  it('answers after a delay', async () => {
    server = await startHttpServer({ '/slow': { body: 'late', delayMs: 100 } });
    const start = performance.now();
    expect(await (await fetch(`${server.url}/slow`)).text()).toBe('late');
    expect(performance.now() - start).toBeGreaterThanOrEqual(95);
  });

  it('streams a body of exactly the bytes asked for', async () => {
    server = await startHttpServer({ '/big': { stream: { chunk: 'abc', bytes: 10 } } });
    expect(await (await fetch(`${server.url}/big`)).text()).toBe('abcabcabca');
  });

  it('closes a connection without answering', async () => {
    server = await startHttpServer({ '/x': { destroy: true } });
    await expect(fetch(`${server.url}/x`)).rejects.toThrow('fetch failed');
    expect(server.requests).toHaveLength(1);
  });

  it('closes promptly with hung and stalled requests still open', async () => {
    server = await startHttpServer({ '/hang': { hang: true }, '/stall': { stall: true, body: 'part' } });
    const hung = fetch(`${server.url}/hang`).catch((e: unknown) => e);
    const stalled = await fetch(`${server.url}/stall`);
    const body = stalled.text().catch((e: unknown) => e);
    while (server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const start = performance.now();
    await server.close();
    expect(performance.now() - start).toBeLessThan(500);
    // Errors from fetch come from Node's realm, not the test's: compare by message.
    expect(String(await hung)).toMatch(/fetch failed/);
    expect(String(await body)).toMatch(/terminated/);
    server = await startHttpServer();
  });
});

describe('closedPortUrl', () => {
  it('gives a URL where connections are refused', async () => {
    server = await startHttpServer();
    const url = await closedPortUrl();
    const error = await fetch(url).catch((e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});
