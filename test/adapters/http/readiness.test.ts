import { isReady } from '../../../src/adapters/http/readiness.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../../helpers/http-server.js';

let server: LocalHttpServer;
let elsewhere: LocalHttpServer;
beforeAll(async () => {
  elsewhere = await startHttpServer({ '/login': { body: 'sign in' } });
  server = await startHttpServer({
    '/iso/4.19/': { body: 'index' },
    '/iso/4.20/': { status: 404 },
    '/iso/4.19': { status: 301, headers: { location: '/iso/4.19/' } },
    '/login-wall': { status: 302, headers: { location: `${elsewhere.url}/login` } },
    '/loop': { status: 302, headers: { location: '/loop' } },
    '/hang': { hang: true },
  });
});
afterAll(async () => {
  await server.close();
  await elsewhere.close();
});

const ask = (path: string) => isReady(new URL(`${server.url}${path}`), { timeoutMs: 300 });

describe('isReady', () => {
  it('is ready on a 200, after a redirect on the same origin', async () => {
    await expect(ask('/iso/4.19/')).resolves.toBe(true);
    await expect(ask('/iso/4.19')).resolves.toBe(true);
  });

  it('is not ready on a 404, a redirect to another origin that answers 200, or a loop', async () => {
    await expect(ask('/iso/4.20/')).resolves.toBe(false);
    await expect(ask('/login-wall')).resolves.toBe(false);
    expect(elsewhere.requests).toEqual([]);
    await expect(ask('/loop')).resolves.toBe(false);
  });

  it('throws, naming the URL, only when it cannot ask', async () => {
    await expect(ask('/hang')).rejects.toThrow(/\/hang: no answer within 300 ms$/);
    const closed = await closedPortUrl();
    await expect(isReady(new URL(`${closed}/iso/`), { timeoutMs: 300 })).rejects.toThrow(
      /^http:\/\/127\.0\.0\.1:\d+\/iso\/: /,
    );
  });
});
