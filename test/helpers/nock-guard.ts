import nock from 'nock';
import { Octokit } from '@octokit/rest';

export const GITHUB_API = 'https://api.github.com';

/** The token test clients send; tests assert it never shows in an error. */
export const TEST_TOKEN = 'ghs_testtoken0123456789abcdefABCDEF';

export interface NockGuard {
  /** Requests no interceptor matched in the current test, as "METHOD URL". */
  readonly unexpected: string[];
}

function describeRequest(request: unknown): string {
  const r = (request ?? {}) as { method?: string; path?: string; href?: string; host?: string; hostname?: string };
  return `${r.method ?? 'GET'} ${r.href ?? `${r.host ?? r.hostname ?? ''}${r.path ?? ''}`}`;
}

/**
 * For a test file: no real network, and every test fails on a request no
 * mock expected (even if the code under test swallowed the error) and on a
 * mock it did not use. A test that provokes an unexpected request on
 * purpose empties `unexpected` after asserting on it.
 */
export function guardNock(options: { allowLoopback?: boolean } = {}): NockGuard {
  const unexpected: string[] = [];
  const onNoMatch = (request: unknown) => {
    const described = describeRequest(request);
    // A server under test on 127.0.0.1 is reached for real, not mocked.
    if (!(options.allowLoopback && /^[A-Z]+ (https?:\/\/)?127\.0\.0\.1[:/]/.test(described)))
      unexpected.push(described);
  };
  beforeAll(() => {
    nock.disableNetConnect();
    if (options.allowLoopback) nock.enableNetConnect('127.0.0.1');
    nock.emitter.on('no match', onNoMatch);
  });
  afterAll(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.enableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    const surprises = unexpected.splice(0);
    nock.cleanAll();
    expect({ pending, unexpected: surprises }).toEqual({ pending: [], unexpected: [] });
  });
  return { unexpected };
}

/** Records "METHOD /path?query" of every request `scope` answers, in order. */
export function recordRequests(scope: nock.Scope): string[] {
  const log: string[] = [];
  scope.on('request', (request: { method?: string; path?: string }) =>
    log.push(`${request.method ?? '?'} ${request.path ?? '?'}`),
  );
  return log;
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** An @octokit/rest client without retries or throttling (it has neither plugin), logging nothing. */
export function testOctokit(options: { baseUrl?: string } = {}): Octokit {
  return new Octokit({ auth: TEST_TOKEN, log: quiet, ...options });
}
