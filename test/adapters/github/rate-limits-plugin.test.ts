import nock from 'nock';
import { appOctokit } from '../../../src/adapters/github/app-octokit.js';
import { createsContent } from '../../../src/adapters/github/rate-limits-plugin.js';
import type { Clock } from '../../../src/adapters/github/token-bucket.js';
import { ManualClock, SkippingClock } from '../../helpers/manual-clock.js';
import { GITHUB_API, TEST_TOKEN, guardNock, recordRequests } from '../../helpers/nock-guard.js';

guardNock();

const SECONDARY = {
  message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
};
const PULLS = '/repos/tails/tails/pulls';
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** The app's Octokit on a token, as installation `installationId`, with plugin-retry's waits shrunk to 1 ms. */
function client(clock: Clock, installationId = 4242) {
  const Octokit = appOctokit({ clock });
  return new Octokit({ auth: { token: TEST_TOKEN, installationId }, log: quiet, retry: { retryAfterBaseValue: 1 } });
}

const openPullRequest = (octokit: ReturnType<typeof client>, title = 'Thaw APT snapshots.') =>
  octokit.rest.pulls.create({
    owner: 'tails',
    repo: 'tails',
    head: 'apt-snapshots-bot/thaw-devel',
    base: 'devel',
    title,
  });

describe('rate limits: retries', () => {
  it('retries a secondary limit after the Retry-After GitHub sent', async () => {
    const clock = new SkippingClock();
    const scope = nock(GITHUB_API);
    const requests = recordRequests(scope);
    scope.post(PULLS).reply(403, SECONDARY, { 'retry-after': '2' });
    scope.post(PULLS).reply(201, { number: 40 });

    await expect(openPullRequest(client(clock))).resolves.toMatchObject({ status: 201, data: { number: 40 } });
    expect(requests).toEqual([`POST ${PULLS}`, `POST ${PULLS}`]);
    expect(clock.slept).toEqual([2000]);
  });

  it('without a Retry-After, waits a minute, then two, then four, and then passes the limit on', async () => {
    const clock = new SkippingClock();
    nock(GITHUB_API).post(PULLS).times(4).reply(403, SECONDARY);

    await expect(openPullRequest(client(clock))).rejects.toMatchObject({ status: 403 });
    expect(clock.slept).toEqual([60_000, 120_000, 240_000]);
  });

  it('fails at once rather than wait longer than a request may', async () => {
    const clock = new SkippingClock();
    nock(GITHUB_API).post(PULLS).reply(403, SECONDARY, { 'retry-after': '3600' });

    await expect(openPullRequest(client(clock))).rejects.toMatchObject({ status: 403 });
    expect(clock.slept).toEqual([]);
  });

  it('waits for the primary limit to reset', async () => {
    const clock = new SkippingClock();
    const reset = String(clock.now() / 1000 + 30);
    const scope = nock(GITHUB_API);
    scope
      .get('/repos/tails/tails')
      .reply(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset });
    scope.get('/repos/tails/tails').reply(200, { full_name: 'tails/tails' });

    await expect(client(clock).rest.repos.get({ owner: 'tails', repo: 'tails' })).resolves.toMatchObject({
      status: 200,
    });
    expect(clock.slept).toEqual([31_000]);
  });

  it("retries a 429 as GitHub asks, not after plugin-retry's 1 s", async () => {
    const clock = new SkippingClock();
    const scope = nock(GITHUB_API);
    const requests = recordRequests(scope);
    scope.post(PULLS).reply(429, SECONDARY, { 'retry-after': '5' });
    scope.post(PULLS).reply(201, { number: 40 });

    await expect(openPullRequest(client(clock))).resolves.toMatchObject({ status: 201 });
    expect(requests).toHaveLength(2);
    expect(clock.slept).toEqual([5000]);
  });

  it('retries a GraphQL answer that says RATE_LIMITED once the limit resets', async () => {
    const clock = new SkippingClock();
    const reset = String(clock.now() / 1000 + 10);
    const scope = nock(GITHUB_API);
    scope
      .post('/graphql')
      .reply(
        200,
        { data: null, errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      );
    scope.post('/graphql').reply(200, { data: { viewer: { login: 'apt-snapshots-bot[bot]' } } });

    await expect(client(clock).graphql('query { viewer { login } }')).resolves.toEqual({
      viewer: { login: 'apt-snapshots-bot[bot]' },
    });
    expect(clock.slept).toEqual([11_000]);
  });

  it.each([
    ['a missing permission', 403, { message: 'Resource not accessible by integration' }],
    ['a validation error', 422, { message: 'Validation Failed' }],
  ])('does not retry %s', async (_what, status, body) => {
    const clock = new SkippingClock();
    nock(GITHUB_API).post(PULLS).reply(status, body);

    await expect(openPullRequest(client(clock))).rejects.toMatchObject({ status });
    expect(clock.slept).toEqual([]);
  });

  it('leaves server errors to plugin-retry, which still retries them', async () => {
    const clock = new SkippingClock();
    const scope = nock(GITHUB_API);
    scope.get('/repos/tails/tails').reply(502, { message: 'Bad Gateway' });
    scope.get('/repos/tails/tails').reply(200, { full_name: 'tails/tails' });

    await expect(client(clock).rest.repos.get({ owner: 'tails', repo: 'tails' })).resolves.toMatchObject({
      status: 200,
    });
    expect(clock.slept).toEqual([]);
  });
});

describe('rate limits: pacing', () => {
  it.each<[string, boolean, string, string, unknown]>([
    ['a REST POST', true, 'POST', '/repos/{owner}/{repo}/check-runs', undefined],
    ['a REST PATCH', true, 'PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', undefined],
    ['a REST PUT', true, 'PUT', '/repos/{owner}/{repo}/contents/{path}', undefined],
    ['a REST DELETE', true, 'DELETE', '/repos/{owner}/{repo}/git/refs/{ref}', undefined],
    ['a GraphQL mutation', true, 'POST', '/graphql', 'mutation { updateRefs(input: {}) { clientMutationId } }'],
    ['a GraphQL query', false, 'POST', '/graphql', 'query Read { repository(owner: "t", name: "t") { id } }'],
    ['a REST GET', false, 'GET', '/repos/{owner}/{repo}/pulls', undefined],
    ['the installation token exchange', false, 'POST', '/app/installations/{installation_id}/access_tokens', undefined],
  ])('%s creates content: %s', (_what, expected, method, url, query) => {
    expect(createsContent(method, url, query)).toBe(expected);
  });

  it('sends a burst of 5 writes at once and then one a second per installation; reads never wait behind them', async () => {
    const clock = new ManualClock();
    const octokit = client(clock, 1);
    const scope = nock(GITHUB_API);
    const requests = recordRequests(scope);
    scope
      .post(PULLS)
      .times(7)
      .reply(201, (_uri, body) => ({ title: (body as { title: string }).title }));
    scope
      .post('/graphql', (body: { query: string }) => body.query.startsWith('mutation'))
      .reply(200, { data: { updateRefs: { clientMutationId: null } } });
    scope
      .post('/graphql', (body: { query: string }) => body.query.startsWith('query'))
      .reply(200, { data: { repository: { id: 'R_1' } } });
    scope.get('/repos/tails/tails').reply(200, { full_name: 'tails/tails' });

    const writes = [0, 1, 2, 3, 4, 5].map((i) => openPullRequest(octokit, `write ${i}`));
    const mutation = octokit.graphql('mutation Move { updateRefs(input: {}) { clientMutationId } }');
    const query = octokit.graphql('query Read { repository(owner: "tails", name: "tails") { id } }');
    const get = octokit.rest.repos.get({ owner: 'tails', repo: 'tails' });
    // Another installation has a bucket of its own.
    const elsewhere = client(clock, 2);
    const other = openPullRequest(elsewhere, 'elsewhere');

    await Promise.all([query, get, other, ...writes.slice(0, 5)]);
    expect(clock.slept).toEqual([1000]);
    expect(requests.filter((r) => r === `POST ${PULLS}`)).toHaveLength(6);

    await clock.advance(1000);
    await expect(writes[5]).resolves.toMatchObject({ data: { title: 'write 5' } });
    expect(clock.slept).toEqual([1000, 1000]);

    await clock.advance(1000);
    await expect(mutation).resolves.toEqual({ updateRefs: { clientMutationId: null } });
    expect(requests.at(-1)).toBe('POST /graphql');
  });
});
