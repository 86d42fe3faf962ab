import type nock from 'nock';
import { APP_ID, BOT_LOGIN } from './probot-app.js';

export const REPO = '/repos/tails/tails';

/** The body of each request a mock answered, for assertions. */
export type Captured = Record<string, unknown>[];

export interface ExistingRun {
  id: number;
  /** What the run records of its annotations (annotationsId); none for a run written without. */
  externalId?: string | null;
  annotationsCount: number;
}

function run(
  id: number,
  sha: string,
  name: string,
  externalId: string | null,
  output: { title?: string; summary?: string; annotations_count: number },
) {
  return {
    id,
    name,
    head_sha: sha,
    external_id: externalId,
    html_url: `https://github.com/tails/tails/runs/${id}`,
    url: `https://api.github.com${REPO}/check-runs/${id}`,
    status: 'completed',
    app: { id: APP_ID, slug: 'apt-snapshots-bot' },
    output,
  };
}

export interface MockCheckOptions {
  /** The app's run GitHub lists; a function is asked when the lookup comes (the run as an earlier write left it). */
  existing?: ExistingRun | (() => ExistingRun);
  id?: number;
  update?: boolean;
  /** False when the caller knows the runs already (they came with the read), so no lookup is made. */
  lookup?: boolean;
}

/**
 * GitHubForge.ensureCheck: the lookup of the app's run of that name on that
 * commit (unless `lookup: false`), then an update of `existing`, or a
 * create (no run yet, or `update: false`: the existing run's annotations
 * cannot be replaced). Returns the bodies written.
 */
export function mockCheck(scope: nock.Scope, sha: string, name: string, options: MockCheckOptions = {}): Captured {
  const written: Captured = [];
  const update = options.update ?? options.existing !== undefined;
  const existing = options.existing;
  const id = options.id ?? (typeof existing === 'object' ? existing.id : undefined) ?? 6001;
  if (options.lookup ?? true) {
    scope
      .get(`${REPO}/commits/${sha}/check-runs`)
      .query({ check_name: name, filter: 'latest', app_id: String(APP_ID) })
      .reply(200, () => {
        const e = typeof existing === 'function' ? existing() : existing;
        return {
          total_count: e ? 1 : 0,
          check_runs: e ? [run(e.id, sha, name, e.externalId ?? null, { annotations_count: e.annotationsCount })] : [],
        };
      });
  }
  const reply = (_uri: string, body: nock.Body) => {
    written.push(body as Record<string, unknown>);
    const b = body as { external_id?: string; output: { title: string; summary: string } };
    return run(id, sha, name, b.external_id ?? null, { ...b.output, annotations_count: 0 });
  };
  if (update) scope.patch(`${REPO}/check-runs/${id}`).reply(200, reply);
  else scope.post(`${REPO}/check-runs`).reply(201, reply);
  return written;
}

/** findOpenPullRequest / the lookup ensurePullRequest starts with. */
export function mockFindPullRequest(
  scope: nock.Scope,
  head: string,
  base: string,
  open: { number: number; title?: string; body?: string }[] = [],
): void {
  scope
    .get(`${REPO}/pulls`)
    .query({ state: 'open', head: `tails:${head}`, base })
    .reply(
      200,
      open.map((pr) => ({
        number: pr.number,
        html_url: `https://github.com/tails/tails/pull/${pr.number}`,
        state: 'open',
        title: pr.title ?? '',
        body: pr.body ?? '',
        head: { ref: head },
        base: { ref: base },
      })),
    );
}

function pullRequest(number: number, head: string, base: string, body: Record<string, unknown>) {
  return {
    number,
    html_url: `https://github.com/tails/tails/pull/${number}`,
    state: 'open',
    title: body.title,
    body: body.body,
    head: { ref: head },
    base: { ref: base },
  };
}

/** ensurePullRequest when none is open: lookup, then create. */
export function mockOpenPullRequest(scope: nock.Scope, head: string, base: string, number: number): Captured {
  const written: Captured = [];
  mockFindPullRequest(scope, head, base);
  scope.post(`${REPO}/pulls`).reply(201, (_uri, body) => {
    written.push(body as Record<string, unknown>);
    return pullRequest(number, head, base, body as Record<string, unknown>);
  });
  return written;
}

/** ensurePullRequest when it is open with other content: lookup, then update. */
export function mockUpdatePullRequest(scope: nock.Scope, head: string, base: string, number: number): Captured {
  const written: Captured = [];
  mockFindPullRequest(scope, head, base, [{ number, title: 'old title', body: 'old body' }]);
  scope.patch(`${REPO}/pulls/${number}`).reply(200, (_uri, body) => {
    written.push(body as Record<string, unknown>);
    return pullRequest(number, head, base, body as Record<string, unknown>);
  });
  return written;
}

const BOT_USER = { login: BOT_LOGIN, type: 'Bot' };

/** Octokit sends the `heads/NAME` parameter of the ref endpoints encoded, slashes included. */
export function refPath(branch: string): string {
  return encodeURIComponent(`heads/${branch}`);
}
const PERSON = { login: 'someone', type: 'User' };

/**
 * GitHubForge.ensureBranch for a branch that does not exist yet: read ref
 * (404), base commit, tree, commit, create ref. Returns the tree written.
 */
export function mockCreateBranch(scope: nock.Scope, branch: string, baseSha: string): Captured {
  const trees: Captured = [];
  scope.get(`${REPO}/git/ref/${refPath(branch)}`).reply(404, { message: 'Not Found' });
  scope.get(`${REPO}/git/commits/${baseSha}`).reply(200, { sha: baseSha, tree: { sha: 'e1'.repeat(20) } });
  scope.post(`${REPO}/git/trees`).reply(201, (_uri, body) => {
    trees.push(body as Record<string, unknown>);
    return { sha: 'e2'.repeat(20) };
  });
  scope.post(`${REPO}/git/commits`).reply(201, { sha: 'e3'.repeat(20) });
  scope.post(`${REPO}/git/refs`).reply(201, { ref: `refs/heads/${branch}`, object: { sha: 'e3'.repeat(20) } });
  return trees;
}

/** A bot branch that exists on an older base: read ref, compare, tree, commit, move ref (GraphQL updateRefs from `head`). */
export function mockUpdateBranch(scope: nock.Scope, branch: string, baseSha: string, head: string): Captured {
  const trees: Captured = [];
  scope.get(`${REPO}/git/ref/${refPath(branch)}`).reply(200, { ref: `refs/heads/${branch}`, object: { sha: head } });
  scope.get(`${REPO}/compare/${baseSha}...${head}`).reply(200, {
    total_commits: 1,
    behind_by: 1,
    base_commit: { sha: baseSha, commit: { tree: { sha: 'e1'.repeat(20) } } },
    commits: [
      {
        sha: head,
        commit: { tree: { sha: 'e0'.repeat(20) }, author: { name: 'bot' } },
        author: BOT_USER,
        committer: BOT_USER,
      },
    ],
  });
  scope.post(`${REPO}/git/trees`).reply(201, (_uri, body) => {
    trees.push(body as Record<string, unknown>);
    return { sha: 'e2'.repeat(20) };
  });
  scope.post(`${REPO}/git/commits`).reply(201, { sha: 'e3'.repeat(20) });
  scope
    .post(
      '/graphql',
      (body: { query: string; variables: Record<string, unknown> }) =>
        /\bupdateRefs\b/.test(body.query) && body.variables.before === head,
    )
    .reply(200, { data: { updateRefs: { clientMutationId: null } } });
  return trees;
}

/** A bot branch that already holds these edits on this base (as mockCreateBranch left it): read ref, compare, tree; nothing moved. */
export function mockBranchAsWanted(scope: nock.Scope, branch: string, baseSha: string): void {
  const head = 'e3'.repeat(20);
  scope.get(`${REPO}/git/ref/${refPath(branch)}`).reply(200, { ref: `refs/heads/${branch}`, object: { sha: head } });
  scope.get(`${REPO}/compare/${baseSha}...${head}`).reply(200, {
    total_commits: 1,
    behind_by: 0,
    base_commit: { sha: baseSha, commit: { tree: { sha: 'e1'.repeat(20) } } },
    commits: [
      {
        sha: head,
        commit: { tree: { sha: 'e2'.repeat(20) }, author: { name: 'bot' } },
        author: BOT_USER,
        committer: BOT_USER,
      },
    ],
  });
  scope.post(`${REPO}/git/trees`).reply(201, { sha: 'e2'.repeat(20) });
}

/** A bot branch someone else committed to: read ref, compare, and nothing written. */
export function mockForeignBranch(scope: nock.Scope, branch: string, baseSha: string, head: string): void {
  scope.get(`${REPO}/git/ref/${refPath(branch)}`).reply(200, { ref: `refs/heads/${branch}`, object: { sha: head } });
  scope.get(`${REPO}/compare/${baseSha}...${head}`).reply(200, {
    total_commits: 2,
    behind_by: 0,
    base_commit: { sha: baseSha, commit: { tree: { sha: 'e1'.repeat(20) } } },
    commits: [
      {
        sha: 'f0'.repeat(20),
        commit: { tree: { sha: 'e0'.repeat(20) }, author: { name: 'bot' } },
        author: BOT_USER,
        committer: BOT_USER,
      },
      {
        sha: head,
        commit: { tree: { sha: 'e4'.repeat(20) }, author: { name: 'Someone' } },
        author: PERSON,
        committer: PERSON,
      },
    ],
  });
}

/** ensureComment when the bot has not commented yet: list, then create. */
export function mockNewComment(scope: nock.Scope, issue: number): Captured {
  const written: Captured = [];
  scope.get(`${REPO}/issues/${issue}/comments`).query({ per_page: '100' }).reply(200, []);
  scope.post(`${REPO}/issues/${issue}/comments`).reply(201, (_uri, body) => {
    written.push(body as Record<string, unknown>);
    return {
      id: 9901,
      html_url: `https://github.com/tails/tails/issues/${issue}#issuecomment-9901`,
      body: (body as { body: string }).body,
      user: BOT_USER,
    };
  });
  return written;
}

/** permissionOf: the collaborator's role. */
export function mockPermission(scope: nock.Scope, user: string, role: string): void {
  scope
    .get(`${REPO}/collaborators/${encodeURIComponent(user)}/permission`)
    .reply(200, { permission: role === 'maintain' ? 'write' : role, role_name: role, user: { login: user } });
}

/** closePullRequest: get, look for its comment, comment, close. */
export function mockClosePullRequest(scope: nock.Scope, number: number): Captured {
  const comments: Captured = [];
  scope
    .get(`${REPO}/pulls/${number}`)
    .reply(200, { number, state: 'open', html_url: `https://github.com/tails/tails/pull/${number}` });
  scope.get(`${REPO}/issues/${number}/comments`).query({ per_page: '100' }).reply(200, []);
  scope.post(`${REPO}/issues/${number}/comments`).reply(201, (_uri, body) => {
    comments.push(body as Record<string, unknown>);
    return { id: 9902, html_url: `https://github.com/tails/tails/pull/${number}#issuecomment-9902` };
  });
  scope.patch(`${REPO}/pulls/${number}`, { state: 'closed' }).reply(200, { number, state: 'closed' });
  return comments;
}

/** An issue as GitHub's REST API lists it; opened by the bot unless `user` says who. */
export interface FakeIssue {
  number: number;
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  user?: string;
  /** A pull request, which the issues endpoints list too. */
  pullRequest?: boolean;
}

export function restIssue(issue: FakeIssue) {
  return {
    number: issue.number,
    html_url: `https://github.com/tails/tails/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`,
    state: issue.state ?? 'open',
    title: issue.title ?? '',
    body: issue.body === undefined ? '' : issue.body,
    user: { login: issue.user ?? BOT_LOGIN, type: issue.user ? 'User' : 'Bot' },
    ...(issue.pullRequest ? { pull_request: { url: `https://api.github.com${REPO}/pulls/${issue.number}` } } : {}),
  };
}

/** GitHubForge.findIssue (and the lookup ensureIssue starts with when not handed one): the bot's issues, newest first. */
export function mockFindIssue(scope: nock.Scope, issues: FakeIssue[] = []): void {
  scope
    .get(`${REPO}/issues`)
    .query({ creator: BOT_LOGIN, state: 'all', sort: 'updated', direction: 'desc', per_page: '100', page: '1' })
    .reply(200, issues.map(restIssue));
}

/** ensureIssue opening issue `number`. Returns the bodies written. */
export function mockCreateIssue(scope: nock.Scope, number: number): Captured {
  const written: Captured = [];
  scope.post(`${REPO}/issues`).reply(201, (_uri, body) => {
    const b = body as { title: string; body: string };
    written.push(b);
    return restIssue({ number, title: b.title, body: b.body });
  });
  return written;
}

/** ensureIssue editing the open issue `number`. Returns the bodies written. */
export function mockUpdateIssue(scope: nock.Scope, number: number): Captured {
  const written: Captured = [];
  scope.patch(`${REPO}/issues/${number}`).reply(200, (_uri, body) => {
    const b = body as { title: string; body: string };
    written.push(b);
    return restIssue({ number, title: b.title, body: b.body });
  });
  return written;
}

/** closeIssue on an open issue: get, look for its comment, comment, close as completed. Returns the comments posted. */
export function mockCloseIssue(scope: nock.Scope, number: number): Captured {
  scope.get(`${REPO}/issues/${number}`).reply(200, restIssue({ number }));
  const comments = mockNewComment(scope, number);
  scope
    .patch(`${REPO}/issues/${number}`, { state: 'closed', state_reason: 'completed' })
    .reply(200, restIssue({ number, state: 'closed' }));
  return comments;
}

/** An open pull request as GitHub lists it; from this repository unless `fork` names the fork (null: a deleted one). */
export interface FakeOpenPullRequest {
  number: number;
  head: string;
  base?: string;
  title?: string;
  fork?: string | null;
}

/** GitHubForge.listBotPullRequests: the open pull requests, newest first. */
export function mockOpenPullRequests(scope: nock.Scope, prs: FakeOpenPullRequest[]): void {
  scope
    .get(`${REPO}/pulls`)
    .query({ state: 'open', sort: 'created', direction: 'desc', per_page: '100' })
    .reply(
      200,
      prs.map((pr) => ({
        number: pr.number,
        html_url: `https://github.com/tails/tails/pull/${pr.number}`,
        state: 'open',
        title: pr.title ?? '',
        body: '',
        head: { ref: pr.head, repo: pr.fork === null ? null : { full_name: pr.fork ?? 'tails/tails' } },
        base: { ref: pr.base ?? 'devel' },
      })),
    );
}
