import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCheckRuns, type CheckRunState, type CreatedCheckRun } from './fake-github-checks.js';
import { FakeGitData } from './fake-github-git.js';
import { fields, NOT_FOUND, readBody, Refusal, type Answer, type Route } from './fake-github-http.js';
import { FakeIssues, type FakeIssuesOptions } from './fake-github-issues.js';
import { FakeRefGraphql, type FakeCommit } from './fake-ref-graphql.js';

export type { CreatedCheckRun } from './fake-github-checks.js';
export type { FakePullRequest } from './fake-github-issues.js';

export interface FakeGitHubOptions extends FakeIssuesOptions {
  appId: number;
  appSlug: string;
  installationId: number;
  repository: { owner: string; repo: string };
  /** The commit a revision (sha or refs/heads/NAME) names; undefined: no such revision. */
  commitOf: (rev: string) => FakeCommit | undefined;
  /** The repository's tags, name → the commit they name (as lightweight tags are); read live, so a test can move one. */
  tags?: ReadonlyMap<string, string>;
}

export interface FakeGitHub {
  /** The API root, for Probot's `baseUrl`. */
  url: string;
  /** Requests answered since the last reset, by route ("POST /graphql"). */
  counts(): Record<string, number>;
  /** Requests it had no answer for, or refused as malformed, as "METHOD /path: why". */
  unexpected(): string[];
  /** Answers since the last reset that said GitHub has no such thing: a 404, a 422 "No commit found", a GraphQL NOT_FOUND. */
  notFound(): number;
  /** Check runs created since the last reset, with when. */
  checkRuns(): CreatedCheckRun[];
  /** The latest run of `name` on commit `sha`, as it stands now. */
  checkRun(sha: string, name: string): CheckRunState | undefined;
  /**
   * Answers the next `times` requests to `route` ("POST /graphql") with a
   * 502, as GitHub does in an outage; only those whose body `when` accepts, if given.
   */
  fail(route: string, times: number, when?: (body: unknown) => boolean): void;
  reset(): void;
  close(): Promise<void>;
}

/** What GitHub answers about a repository that does not exist, or that the app may not see. */
const OTHER_REPOSITORY = 'a repository it does not have';

const UPDATE_REFS = /^\s*mutation\b[\s\S]*\bupdateRefs\b/;

function saysNotFound({ status, json }: Answer): boolean {
  const { message, errors } = fields(json);
  return (
    status === 404 ||
    (status === 422 && typeof message === 'string' && message.startsWith('No commit found')) ||
    (Array.isArray(errors) && errors.some((e) => fields(e).type === 'NOT_FOUND'))
  );
}

/**
 * A GitHub on 127.0.0.1 holding one repository, answering what the app
 * asks as GitHub does: the installation token exchange and GET /app, the
 * GraphQL read (check runs included) and the bot branch's move, the check
 * runs, git data and compare API, pull requests, comments and
 * permissions (see FakeCheckRuns, FakeGitData, FakeIssues). Unknown
 * installations, repositories, commits, issues and users get GitHub's
 * 404 (422 for a check run on an unknown commit). It checks the
 * credentials Probot sends (the app's JWT for /app routes, the token it
 * handed out for the rest) and counts what it answers, so a benchmark can
 * say what a webhook cost; a route it does not know is "unexpected".
 */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const { owner, repo } = options.repository;
  const token = `ghs_${randomBytes(18).toString('hex')}`;
  const botLogin = `${options.appSlug}[bot]`;
  const htmlRoot = `https://github.com/${owner}/${repo}`;
  const repoPath = `/repos/${owner}/${repo}`;
  const nodeId = `R_${Buffer.from(`${owner}/${repo}`).toString('base64url')}`;
  const tags = options.tags ?? new Map<string, string>();
  // What rev-parse does for the readers: `X^{commit}` peels X, and a tag names its commit.
  const commitOf = (rev: string): FakeCommit | undefined => {
    const base = rev.endsWith('^{commit}') ? rev.slice(0, -'^{commit}'.length) : rev;
    const tag = base.startsWith('refs/tags/') ? tags.get(base.slice('refs/tags/'.length)) : undefined;
    return options.commitOf(tag ?? base);
  };
  const git = new FakeGitData(commitOf, botLogin, tags);
  const checks = new FakeCheckRuns({ id: options.appId, slug: options.appSlug }, repoPath, htmlRoot, (sha) =>
    git.hasCommit(sha),
  );
  const issues = new FakeIssues(`${owner}/${repo}`, htmlRoot, botLogin, options);
  const graphql = new FakeRefGraphql(options.repository, commitOf, (sha) => checks.on(sha));
  let counts: Record<string, number> = {};
  let unexpected: string[] = [];
  let notFound = 0;

  const graphqlAnswer = (body: unknown): Answer => {
    const { query, variables } = fields(body);
    if (typeof query === 'string' && UPDATE_REFS.test(query)) {
      const v = fields(variables);
      const moved = v.repositoryId === nodeId ? git.moveRef(v.name, v.before, v.after) : undefined;
      if (moved?.ok) return { status: 200, json: { data: { updateRefs: { clientMutationId: null } } } };
      const message = moved
        ? moved.message
        : `Could not resolve to a node with the global id of '${String(v.repositoryId)}'`;
      return {
        status: 200,
        json: { data: { updateRefs: null }, errors: [{ type: moved ? 'UNPROCESSABLE' : 'NOT_FOUND', message }] },
      };
    }
    return { status: 200, json: graphql.answer(body) };
  };

  const routes: Route[] = [
    {
      name: 'POST /app/installations/{id}/access_tokens',
      method: 'POST',
      path: /^\/app\/installations\/(\d+)\/access_tokens$/,
      as: 'app',
      handler: ({ match }) => {
        if (Number(match[1]) !== options.installationId) return NOT_FOUND;
        const expires = new Date(Date.now() + 3600_000).toISOString();
        return { status: 201, json: { token, expires_at: expires, permissions: {}, repository_selection: 'all' } };
      },
    },
    {
      name: 'GET /app',
      method: 'GET',
      path: /^\/app$/,
      as: 'app',
      handler: () => ({
        status: 200,
        json: { id: options.appId, slug: options.appSlug, name: options.appSlug, owner: { login: owner } },
      }),
    },
    {
      name: 'POST /graphql',
      method: 'POST',
      path: /^\/graphql$/,
      as: 'installation',
      handler: ({ body }) => graphqlAnswer(body),
    },
    {
      name: 'GET /repos/{owner}/{repo}',
      method: 'GET',
      path: new RegExp(`^${repoPath}$`),
      as: 'installation',
      handler: () => ({ status: 200, json: { id: 1, node_id: nodeId, full_name: `${owner}/${repo}` } }),
    },
    ...checks.routes(repoPath),
    ...git.routes(repoPath),
    ...issues.routes(repoPath),
  ];

  const credentials = (route: Route, authorization: string) => {
    if (route.as === 'app' && !/^bearer \S+\.\S+\.\S+$/i.test(authorization))
      throw new Refusal(401, 'an /app route without the app JWT');
    if (route.as === 'installation' && authorization !== `token ${token}`)
      throw new Refusal(401, 'a repository route without the installation token');
  };

  const outages = new Map<string, { times: number; when?: (body: unknown) => boolean }>();
  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const path = url.pathname;
    const where = `${request.method ?? '?'} ${path}`;
    let answer: Answer;
    try {
      const body = await readBody(request);
      const route = routes.find((r) => r.method === request.method && r.path.test(path));
      const outage = route && outages.get(route.name);
      if (route && outage && outage.times > 0 && (outage.when?.(body) ?? true)) {
        outage.times -= 1;
        answer = { status: 502, json: { message: 'Server Error' } };
      } else if (route) {
        credentials(route, request.headers.authorization ?? '');
        answer = route.handler({
          match: route.path.exec(path) as RegExpExecArray,
          query: url.searchParams,
          body,
          url: new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`),
        });
        counts[route.name] = (counts[route.name] ?? 0) + 1;
      } else if (/^\/repos\/[^/]+\/[^/]+(\/|$)/.test(path) && !path.startsWith(`${repoPath}/`) && path !== repoPath) {
        answer = NOT_FOUND;
        counts[OTHER_REPOSITORY] = (counts[OTHER_REPOSITORY] ?? 0) + 1;
      } else {
        throw new Refusal(404, 'no such route');
      }
    } catch (error) {
      const status = error instanceof Refusal ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      unexpected.push(`${where}: ${message}`);
      answer = { status, json: { message } };
    }
    if (saysNotFound(answer)) notFound += 1;
    response
      .writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers })
      .end(JSON.stringify(answer.json));
  };

  const server = createServer((request, response) => void serve(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    unexpected: () => [...unexpected],
    notFound: () => notFound,
    checkRuns: () => checks.createdSinceReset(),
    checkRun: (sha, name) => checks.latest(sha, name),
    fail: (route, times, when) => outages.set(route, when ? { times, when } : { times }),
    reset: () => {
      counts = {};
      unexpected = [];
      notFound = 0;
      checks.reset();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
