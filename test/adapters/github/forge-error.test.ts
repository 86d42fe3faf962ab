import nock from 'nock';
import { call, ForgeError, isGone, toForgeError } from '../../../src/adapters/github/forge-error.js';
import { ReadError } from '../../../src/errors.js';
import { GITHUB_API, TEST_TOKEN, guardNock, testOctokit } from '../../helpers/nock-guard.js';

const guard = guardNock();

/** What Octokit throws for a request `mock` answers. */
async function octokitError(
  mock: (scope: nock.Scope) => unknown,
  run: (o: ReturnType<typeof testOctokit>) => Promise<unknown> = (o) =>
    o.request('GET /repos/{owner}/{repo}/pulls', { owner: 'tails', repo: 'tails', head: 'tails:secret-branch' }),
): Promise<unknown> {
  mock(nock(GITHUB_API));
  return run(testOctokit()).then(
    () => {
      throw new Error('the request was expected to fail');
    },
    (error: unknown) => error,
  );
}

function expectNoToken(error: ForgeError): void {
  expect(error.message).not.toContain(TEST_TOKEN);
  expect(String(error)).not.toContain(TEST_TOKEN);
  expect(
    JSON.stringify({ message: error.message, endpoint: error.endpoint, operation: error.operation }),
  ).not.toContain(TEST_TOKEN);
}

describe('toForgeError', () => {
  it.each([
    [
      'a 500',
      (s: nock.Scope) => s.get('/repos/tails/tails/pulls').query(true).reply(500, { message: 'Server Error' }),
      500,
      'GitHub listPulls: GET https://api.github.com/repos/tails/tails/pulls answered 500: Server Error',
    ],
    [
      'a 404',
      (s: nock.Scope) =>
        s
          .get('/repos/tails/tails/pulls')
          .query(true)
          .reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com' }),
      404,
      'GitHub listPulls: GET https://api.github.com/repos/tails/tails/pulls answered 404: Not Found',
    ],
    [
      'a 422 with details',
      (s: nock.Scope) =>
        s
          .get('/repos/tails/tails/pulls')
          .query(true)
          .reply(422, {
            message: 'Validation Failed',
            errors: [
              { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for tails:x.' },
              { code: 'invalid' },
            ],
          }),
      422,
      'GitHub listPulls: GET https://api.github.com/repos/tails/tails/pulls answered 422: Validation Failed (A pull request already exists for tails:x.; invalid)',
    ],
  ])(
    'names the operation, the endpoint without its query, the status and GitHub message for %s',
    async (_what, mock, status, message) => {
      const error = toForgeError('listPulls', await octokitError(mock));

      expect(error).toBeInstanceOf(ForgeError);
      expect(error.message).toBe(message);
      expect(error.status).toBe(status);
      expect(error.operation).toBe('listPulls');
      expect(error.endpoint).toBe('GET https://api.github.com/repos/tails/tails/pulls');
      expect(error.rateLimitReset).toBeUndefined();
      expectNoToken(error);
    },
  );

  it('says until when an exhausted rate limit lasts (403)', async () => {
    const raw = await octokitError((s) =>
      s
        .get('/repos/tails/tails/pulls')
        .query(true)
        .reply(
          403,
          { message: 'API rate limit exceeded for installation ID 42.' },
          { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1620900000' },
        ),
    );
    const error = toForgeError('listPulls', raw);

    expect(error.status).toBe(403);
    expect(error.rateLimitReset).toEqual(new Date('2021-05-13T10:00:00Z'));
    expect(error.message).toBe(
      'GitHub listPulls: GET https://api.github.com/repos/tails/tails/pulls answered 403: API rate limit exceeded for installation ID 42. (rate limit exhausted until 2021-05-13T10:00:00.000Z)',
    );
    expect(error.cause).toBe(raw);
    expectNoToken(error);
  });

  it('keeps Octokit error as the cause, whose copy of the headers Octokit redacted', async () => {
    const raw = await octokitError((s) => s.get('/repos/tails/tails/pulls').query(true).reply(500, {}));
    const cause = toForgeError('listPulls', raw).cause as { request: { headers: Record<string, string> } };

    expect(cause.request.headers.authorization).toBe('token [REDACTED]');
  });

  it('has no status and no credentials when no response came back', async () => {
    const raw = await octokitError((s) =>
      s.get('/repos/tails/tails/pulls').query(true).replyWithError('connect ECONNREFUSED 140.82.112.6:443'),
    );
    const error = toForgeError('listPulls', raw);

    expect(error.status).toBeUndefined();
    expect(error.message).toBe(
      'GitHub listPulls: GET https://api.github.com/repos/tails/tails/pulls failed: connect ECONNREFUSED 140.82.112.6:443',
    );
  });

  it('keeps the token out even when the HTTP stack dumps the request headers (nock does)', async () => {
    const raw = await octokitError((s) => s.get('/somewhere-else').reply(200, {}));
    guard.unexpected.splice(0);
    nock.cleanAll();
    expect(String((raw as Error).message)).toContain(TEST_TOKEN);

    const error = toForgeError('listPulls', raw);

    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(
      /^GitHub listPulls: GET https:\/\/api\.github\.com\/repos\/tails\/tails\/pulls failed: Nock: No match/,
    );
    expectNoToken(error);
  });

  it.each([
    [
      'a bearer token',
      'socket hang up (Authorization: Bearer abc.def)',
      'socket hang up (Authorization: Bearer [REDACTED])',
    ],
    ['a token', 'boom token ghs_secret, again', 'boom token [REDACTED], again'],
    ['basic credentials', 'basic dXNlcjpwYXNz\nsecond line', 'basic [REDACTED]'],
  ])('blanks %s in a transport message, and keeps its first line only', (_what, message, expected) => {
    const error = toForgeError(
      'op',
      Object.assign(new Error(message), {
        request: { method: 'GET', url: 'https://api.github.com/x?access_token=zzz' },
      }),
    );

    expect(error.message).toBe(`GitHub op: GET https://api.github.com/x failed: ${expected}`);
  });

  it('reports GraphQL errors, which come with a 200', async () => {
    const raw = await octokitError(
      (s) =>
        s.post('/graphql').reply(200, {
          data: null,
          errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }, { message: 'second' }],
        }),
      (o) => o.graphql('query { viewer { login } }'),
    );
    const error = toForgeError('read', raw);

    expect(error.status).toBe(200);
    expect(error.message).toBe('GitHub read: POST /graphql answered 200: API rate limit exceeded; second');
    expectNoToken(error);
  });

  it.each([
    ['a string', 'boom', 'GitHub op: unknown endpoint failed: boom'],
    ['null', null, 'GitHub op: unknown endpoint failed: null'],
  ])('describes %s thrown instead of an error', (_what, thrown, message) => {
    expect(toForgeError('op', thrown).message).toBe(message);
  });

  it('returns a ForgeError as it is', () => {
    const error = new ForgeError('m', 'op', 'GET x', { status: 500 });
    expect(toForgeError('other', error)).toBe(error);
  });
});

describe('gone', () => {
  const rest = (status: number, message: string) => (s: nock.Scope) =>
    s.get('/repos/tails/tails/pulls').query(true).reply(status, { message });
  const graphql = (type: string) => ({
    mock: (s: nock.Scope) =>
      s.post('/graphql').reply(200, { data: { repository: null }, errors: [{ type, message: 'Could not resolve' }] }),
    run: (o: ReturnType<typeof testOctokit>) => o.graphql('query { repository(owner: "t", name: "x") { id } }'),
  });

  it.each<[string, Parameters<typeof octokitError>, boolean]>([
    ['a 404 (a repository, issue or installation GitHub does not have)', [rest(404, 'Not Found')], true],
    ['a 410 (an issue deleted)', [rest(410, 'This issue was deleted')], true],
    ['a 422 saying the commit is not there', [rest(422, 'No commit found for SHA: abc')], true],
    ['a GraphQL NOT_FOUND', [graphql('NOT_FOUND').mock, graphql('NOT_FOUND').run], true],
    ['another 422', [rest(422, 'Validation Failed')], false],
    ['a 500', [rest(500, 'Server Error')], false],
    ['a 403', [rest(403, 'Resource not accessible by integration')], false],
    ['another GraphQL error', [graphql('FORBIDDEN').mock, graphql('FORBIDDEN').run], false],
  ])('%s: %s', async (_what, args, gone) => {
    const error = toForgeError('op', await octokitError(...args));
    expect(error.gone).toBe(gone);
    expect(isGone(error)).toBe(gone);
  });

  it('is found among the causes, as a failed read wraps it', async () => {
    const forgeError = toForgeError('read', await octokitError(rest(404, 'Not Found')));
    expect(isGone(new ReadError('cannot read x', { cause: forgeError }))).toBe(true);
    expect(isGone(new ReadError('revision x does not exist'))).toBe(false);
    expect(isGone('404')).toBe(false);
  });
});

describe('call', () => {
  it('returns what the call returns', async () => {
    await expect(call('op', async () => 42)).resolves.toBe(42);
  });

  it('turns a failure into a ForgeError about the operation', async () => {
    const failure = call('ensureCheck', () => Promise.reject(new Error('nope')));
    await expect(failure).rejects.toBeInstanceOf(ForgeError);
    await expect(failure).rejects.toThrow('GitHub ensureCheck: unknown endpoint failed: nope');
  });
});
