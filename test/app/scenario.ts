import nock from 'nock';
import { fakeGitHub, mockRead, type FakeGitHub, type FakeRevision } from '../helpers/github-graphql.js';
import { mockCheck, type Captured, type MockCheckOptions } from '../helpers/github-rest.js';
import { GITHUB_API, recordRequests } from '../helpers/nock-guard.js';
import { APP_ID, mockTokenExchange } from '../helpers/probot-app.js';
import { tailsTree } from '../helpers/snapshot.js';

export const ZERO = '0'.repeat(40);
const sha = (pair: string) => pair.repeat(20);

/** The commits the webhook fixtures name. */
export const SHA = {
  topicBefore: sha('b0'),
  topicAfter: sha('a1'),
  develBefore: sha('d0'),
  develAfter: sha('d1'),
  prHead: sha('c1'),
  prBase: sha('de'),
  testingTip: sha('7e'),
  stableTip: sha('5a'),
  develTip: sha('dd'),
  botThaw: sha('bb'),
  /** Where the topic branch forked from testing. */
  topicFork: sha('f0'),
};

export const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
export const BUMPED = { ...FROZEN, torproject: '2021051401' };

export const TREES = {
  testing: tailsTree({ baseBranch: 'testing', main: FROZEN }),
  topicBumped: tailsTree({ baseBranch: 'testing', main: BUMPED }),
  develThawed: tailsTree({ baseBranch: 'devel' }),
  develFrozen: tailsTree({ baseBranch: 'devel', main: FROZEN }),
  stable: tailsTree({ baseBranch: 'stable', main: FROZEN }),
};

export function rev(files: Record<string, unknown>, commitSha: string, subject = 'a commit'): FakeRevision {
  return { files: files as FakeRevision['files'], commit: { sha: commitSha, subject } };
}

export interface Api {
  fake: FakeGitHub;
  scope: nock.Scope;
  /** "METHOD /path?query" of every request answered, token exchange included. */
  log: string[];
  /** Expects one GraphQL read. */
  read(): void;
  /**
   * The check the app writes after a read that brought the commit's check
   * runs: `existing` is reported by the read, and no lookup is expected.
   * Returns the bodies written.
   */
  check(sha: string, name: string, options?: Omit<MockCheckOptions, 'lookup'>): Captured;
  /** The revisions each GraphQL request read, in order. */
  revisionsRead(): string[][];
}

export interface ApiOptions {
  /**
   * Where each head sha forked from its base, as the compare API answers,
   * or the error status it answers for that head; any other head has no
   * merge base (404).
   */
  forks?: Record<string, string | number>;
}

/**
 * Answers every compare request the test makes (none is required): the
 * merge base `forks` names for the head, or 404 as for unrelated histories.
 * Only the fork point's request, one commit a page, is answered here: other
 * compare requests (the bot branch's) are the test's to mock.
 */
function mockCompare(scope: nock.Scope, forks: Record<string, string | number>): void {
  scope
    .get(/^\/repos\/tails\/tails\/compare\/[^?]+/)
    .query({ per_page: '1' })
    .times(20)
    .optionally()
    .reply((uri) => {
      const basehead = decodeURIComponent(uri.split('/compare/')[1]?.split('?')[0] ?? '');
      const head = basehead.split('...')[1] ?? '';
      const fork = forks[head] ?? 404;
      return typeof fork === 'number'
        ? [fork, { message: `answered ${fork}` }]
        : [200, { merge_base_commit: { sha: fork }, commits: [] }];
    });
}

/** The GitHub API of tails/tails holding `revisions`, with the installation token and compare requests mocked. */
export function githubApi(revisions: Record<string, FakeRevision>, options: ApiOptions = {}): Api {
  const fake = fakeGitHub(revisions);
  const scope = nock(GITHUB_API);
  const log = recordRequests(scope);
  mockTokenExchange(scope);
  mockCompare(scope, options.forks ?? {});
  return {
    fake,
    scope,
    log,
    read: () => mockRead(scope, fake),
    check: (sha, name, options = {}) => {
      const existing = typeof options.existing === 'function' ? options.existing() : options.existing;
      if (existing) fake.addCheckRun({ sha, appId: APP_ID, name, externalId: null, ...existing });
      return mockCheck(scope, sha, name, { ...options, lookup: false });
    },
    revisionsRead: () =>
      fake.requests.map((r) =>
        Object.entries(r.variables)
          .filter(([key]) => /^c\d+$/.test(key))
          .map(([, value]) => String(value)),
      ),
  };
}

/** The API behind the push-topic-branch fixture: the bumped topic commit, the testing-like commit it was pushed over, and testing's tip. */
export function topicPushApi(): Api {
  return githubApi({
    [SHA.topicAfter]: rev(TREES.topicBumped, SHA.topicAfter),
    [SHA.topicBefore]: rev(TREES.testing, SHA.topicBefore),
    'refs/heads/testing': rev(TREES.testing, SHA.testingTip),
  });
}
