import { Octokit } from '@octokit/core';
import { requestTimeout } from '../../../src/adapters/github/request-timeout-plugin.js';
import { startHttpServer, type LocalHttpServer } from '../../helpers/http-server.js';

/** Sends a request that failed once more, with the same options, as rateLimits does. */
function sendAgainOnce(octokit: Octokit): void {
  octokit.hook.wrap('request', async (request, options) => {
    try {
      return await request(options);
    } catch {
      return request(options);
    }
  });
}

describe('requestTimeout', () => {
  let github: LocalHttpServer;
  afterEach(async () => {
    await github.close();
  });

  it('gives up on a GitHub that takes the request and never answers', async () => {
    github = await startHttpServer({ '/app': { hang: true } });
    const octokit = new (Octokit.plugin(requestTimeout(100)))({ baseUrl: github.url });
    const started = performance.now();
    await expect(octokit.request('GET /app')).rejects.toThrow('GitHub did not answer within 0.1 s');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('gives a request sent again a time of its own, not the one that ran out', async () => {
    github = await startHttpServer({
      '/app': [{ hang: true }, { body: '{"id":1}', headers: { 'content-type': 'application/json' } }],
    });
    const octokit = new (Octokit.plugin(requestTimeout(100), sendAgainOnce))({ baseUrl: github.url });
    await expect(octokit.request('GET /app')).resolves.toMatchObject({ status: 200, data: { id: 1 } });
    expect(github.requestsTo('/app')).toHaveLength(2);
  });

  it("still follows the caller's own signal, on every attempt", async () => {
    github = await startHttpServer({ '/app': { hang: true } });
    const octokit = new (Octokit.plugin(requestTimeout(60_000), sendAgainOnce))({ baseUrl: github.url });
    const caller = new AbortController();
    const request = octokit.request('GET /app', { request: { signal: caller.signal } });
    setTimeout(() => caller.abort(new Error('stopped by the caller')), 50);
    const started = performance.now();
    await expect(request).rejects.toThrow('stopped by the caller');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
