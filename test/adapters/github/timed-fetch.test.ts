import { Octokit } from '@octokit/core';
import { appOctokit } from '../../../src/adapters/github/app-octokit.js';
import { timedFetch } from '../../../src/adapters/github/timed-fetch.js';
import { startHttpServer, type LocalHttpServer } from '../../helpers/http-server.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('timedFetch', () => {
  let github: LocalHttpServer;
  afterEach(async () => {
    await github.close();
  });

  it('gives up on a GitHub that takes the request and never answers, saying so', async () => {
    github = await startHttpServer({ '/app': { hang: true } });
    const octokit = new Octokit({ baseUrl: github.url, request: { fetch: timedFetch(100) } });
    await expect(octokit.request('GET /app')).rejects.toThrow('GitHub did not answer within 0.1 s');
  });

  it("still follows the caller's own signal", async () => {
    github = await startHttpServer({ '/app': { hang: true } });
    const octokit = new Octokit({ baseUrl: github.url, request: { fetch: timedFetch(60_000) } });
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error('stopped by the caller')), 50);
    await expect(octokit.request('GET /app', { request: { signal: caller.signal } })).rejects.toThrow(
      'stopped by the caller',
    );
  });
});

describe("the app's Octokit (appOctokit)", () => {
  let github: LocalHttpServer;
  afterEach(async () => {
    await github.close();
  });

  const client = (retry: object, attemptTimeoutMs = 300) =>
    new (appOctokit({ attemptTimeoutMs }))({ auth: { token: 'ghs_test' }, baseUrl: github.url, retry });

  it('gives up on an answer whose body stalls, though its headers came', async () => {
    github = await startHttpServer({ '/app': { stall: true, headers: JSON_HEADERS, body: '{"id":' } });
    const started = performance.now();
    await expect(client({ enabled: false }).request('GET /app')).rejects.toThrow('GitHub did not answer within 0.3 s');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('gives each of its retries a time of its own', async () => {
    github = await startHttpServer({ '/app': [{ hang: true }, { body: '{"id":1}', headers: JSON_HEADERS }] });
    // Probot's retry plugin, with its waits shortened: the first attempt times out, the second is answered.
    // A second of its own, so that a busy test machine answers within it.
    await expect(client({ retryAfterBaseValue: 1 }, 1000).request('GET /app')).resolves.toMatchObject({
      status: 200,
      data: { id: 1 },
    });
    expect(github.requestsTo('/app')).toHaveLength(2);
  });
});
