import nock from 'nock';
import { makeOctokit } from '../../../src/adapters/github/octokit.js';
import { GITHUB_API, TEST_TOKEN, guardNock, recordRequests } from '../../helpers/nock-guard.js';

guardNock();

const SECONDARY = {
  message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
};
const get = (octokit: ReturnType<typeof makeOctokit>) =>
  octokit.request('GET /repos/{owner}/{repo}', { owner: 'tails', repo: 'tails' });

describe('makeOctokit', () => {
  it('retries a server error when asked to', async () => {
    const scope = nock(GITHUB_API);
    const requests = recordRequests(scope);
    scope.get('/repos/tails/tails').reply(502, { message: 'Bad Gateway' });
    scope.get('/repos/tails/tails').reply(200, { full_name: 'tails/tails' });

    const { data } = await get(makeOctokit({ auth: TEST_TOKEN, retries: 2, throttle: false, waitUnitMs: 1 }));

    expect(data).toEqual({ full_name: 'tails/tails' });
    expect(requests).toHaveLength(2);
  });

  it('does not retry when retries is 0', async () => {
    nock(GITHUB_API).get('/repos/tails/tails').reply(502, { message: 'Bad Gateway' });

    await expect(get(makeOctokit({ auth: TEST_TOKEN, retries: 0, throttle: false }))).rejects.toMatchObject({
      status: 502,
    });
  });

  it('waits out a secondary rate limit as Retry-After says when throttling', async () => {
    const scope = nock(GITHUB_API);
    const requests = recordRequests(scope);
    scope.get('/repos/tails/tails').reply(403, SECONDARY, { 'retry-after': '2' });
    scope.get('/repos/tails/tails').reply(200, { full_name: 'tails/tails' });

    await expect(
      get(makeOctokit({ auth: TEST_TOKEN, retries: 1, throttle: true, waitUnitMs: 1 })),
    ).resolves.toMatchObject({ status: 200 });
    expect(requests).toHaveLength(2);
  });

  it('fails at once on a rate limit when not throttling', async () => {
    nock(GITHUB_API).get('/repos/tails/tails').reply(403, SECONDARY, { 'retry-after': '2' });

    await expect(
      get(makeOctokit({ auth: TEST_TOKEN, retries: 1, throttle: false, waitUnitMs: 1 })),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('fails rather than wait longer than maxWaitSeconds for a rate limit', async () => {
    nock(GITHUB_API).get('/repos/tails/tails').reply(403, SECONDARY, { 'retry-after': '3600' });

    await expect(
      get(makeOctokit({ auth: TEST_TOKEN, retries: 3, throttle: true, maxWaitSeconds: 60, waitUnitMs: 1 })),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('talks to a GitHub Enterprise Server API root with the token', async () => {
    nock('https://ghe.example.org', { reqheaders: { authorization: `token ${TEST_TOKEN}` } })
      .get('/api/v3/repos/tails/tails')
      .reply(200, { full_name: 'tails/tails' });

    await expect(
      get(makeOctokit({ auth: TEST_TOKEN, baseUrl: 'https://ghe.example.org/api/v3', retries: 0, throttle: false })),
    ).resolves.toMatchObject({
      data: { full_name: 'tails/tails' },
    });
  });
});
