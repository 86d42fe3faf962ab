import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeRefGraphql, type FakeCheckRun, type FakeCommit } from './fake-ref-graphql.js';

export interface FakeGitHubOptions {
  appId: number;
  appSlug: string;
  installationId: number;
  repository: { owner: string; repo: string };
  /** The commit a revision (sha or refs/heads/NAME) names; undefined: no such revision. */
  commitOf: (rev: string) => FakeCommit | undefined;
}

export interface CreatedCheckRun {
  name: string;
  headSha: string;
  conclusion: string;
}

export interface FakeGitHub {
  /** The API root, for Probot's `baseUrl`. */
  url: string;
  /** Requests answered since the last reset, by route ("POST /graphql"). */
  counts(): Record<string, number>;
  /** Requests it had no answer for, or answered with an error, as "METHOD /path: why". */
  unexpected(): string[];
  /** Check runs created since the last reset. */
  checkRuns(): CreatedCheckRun[];
  reset(): void;
  close(): Promise<void>;
}

type Handler = (request: { match: RegExpExecArray; query: URLSearchParams; body: unknown; authorization: string }) => {
  status: number;
  json: unknown;
};

interface Route {
  name: string;
  method: string;
  path: RegExp;
  handler: Handler;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Refusal(400, 'the body is not JSON');
  }
}

/**
 * The part of the GitHub API a push to a topic branch uses, on 127.0.0.1:
 * the installation token exchange, GET /app, the GraphQL read (check runs
 * included), the compare request for the fork point, and the check-run
 * lookup and create. It checks the
 * credentials Probot sends (the app's JWT for /app routes, the token it
 * handed out for the rest) and counts what it answers, so a benchmark can
 * say what a webhook cost. The check runs it created stay, across resets,
 * as they would on GitHub.
 */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const { owner, repo } = options.repository;
  const token = `ghs_${randomBytes(18).toString('hex')}`;
  const runs: (FakeCheckRun & { headSha: string })[] = [];
  const graphql = new FakeRefGraphql(options.repository, options.commitOf, (sha) =>
    runs.filter((run) => run.headSha === sha),
  );
  let counts: Record<string, number> = {};
  let unexpected: string[] = [];
  let created: CreatedCheckRun[] = [];

  const asApp = (authorization: string) => {
    if (!/^bearer \S+\.\S+\.\S+$/i.test(authorization)) throw new Refusal(401, 'an /app route without the app JWT');
  };
  const asInstallation = (authorization: string) => {
    if (authorization !== `token ${token}`) throw new Refusal(401, 'a repository route without the installation token');
  };
  const repoPath = `/repos/${owner}/${repo}`;
  const routes: Route[] = [
    {
      name: 'POST /app/installations/{id}/access_tokens',
      method: 'POST',
      path: /^\/app\/installations\/(\d+)\/access_tokens$/,
      handler: ({ match, authorization }) => {
        asApp(authorization);
        if (Number(match[1]) !== options.installationId) throw new Refusal(404, `no installation ${match[1]}`);
        const expires = new Date(Date.now() + 3600_000).toISOString();
        return { status: 201, json: { token, expires_at: expires, permissions: {}, repository_selection: 'all' } };
      },
    },
    {
      name: 'GET /app',
      method: 'GET',
      path: /^\/app$/,
      handler: ({ authorization }) => {
        asApp(authorization);
        return {
          status: 200,
          json: { id: options.appId, slug: options.appSlug, name: options.appSlug, owner: { login: owner } },
        };
      },
    },
    {
      name: 'POST /graphql',
      method: 'POST',
      path: /^\/graphql$/,
      handler: ({ body, authorization }) => {
        asInstallation(authorization);
        return { status: 200, json: graphql.answer(body) };
      },
    },
    {
      name: 'GET /repos/{owner}/{repo}/compare/{basehead}',
      method: 'GET',
      path: new RegExp(`^${repoPath}/compare/([^/]+)\\.\\.\\.([^/]+)$`),
      handler: ({ match, authorization }) => {
        asInstallation(authorization);
        const base = decodeURIComponent(match[1] ?? '');
        const head = options.commitOf(decodeURIComponent(match[2] ?? ''));
        if (!head || !(options.commitOf(`refs/heads/${base}`) ?? options.commitOf(base)))
          throw new Refusal(404, `no merge base of ${base} and ${match[2]}`);
        // The head forked where its first parent is: the bench's topic commits sit on a testing-like commit.
        return { status: 200, json: { merge_base_commit: { sha: head.parents[0] ?? head.sha }, commits: [] } };
      },
    },
    {
      name: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
      method: 'GET',
      path: new RegExp(`^${repoPath}/commits/([^/]+)/check-runs$`),
      handler: ({ match, query, authorization }) => {
        asInstallation(authorization);
        const listed = runs
          .filter(
            (run) =>
              run.headSha === match[1] &&
              run.name === query.get('check_name') &&
              String(run.appId) === query.get('app_id'),
          )
          .map((run) => ({
            id: run.id,
            name: run.name,
            head_sha: run.headSha,
            app: { id: run.appId, slug: options.appSlug },
            external_id: run.externalId,
            output: { annotations_count: run.annotationsCount },
          }));
        return { status: 200, json: { total_count: listed.length, check_runs: listed } };
      },
    },
    {
      name: 'POST /repos/{owner}/{repo}/check-runs',
      method: 'POST',
      path: new RegExp(`^${repoPath}/check-runs$`),
      handler: ({ body, authorization }) => {
        asInstallation(authorization);
        const run = (body ?? {}) as {
          name?: string;
          head_sha?: string;
          conclusion?: string;
          external_id?: string;
          output?: { title?: string; summary?: string; annotations?: unknown[] };
        };
        if (!run.name || !run.head_sha) throw new Refusal(422, 'a check run needs name and head_sha');
        created.push({ name: run.name, headSha: run.head_sha, conclusion: run.conclusion ?? 'none' });
        const id = runs.length + 1;
        const annotationsCount = run.output?.annotations?.length ?? 0;
        runs.push({
          id,
          appId: options.appId,
          name: run.name,
          headSha: run.head_sha,
          externalId: run.external_id ?? null,
          annotationsCount,
        });
        return {
          status: 201,
          json: {
            id,
            name: run.name,
            head_sha: run.head_sha,
            status: 'completed',
            conclusion: run.conclusion,
            html_url: `https://github.com/${owner}/${repo}/runs/${id}`,
            url: `${repoPath}/check-runs/${id}`,
            app: { id: options.appId, slug: options.appSlug },
            external_id: run.external_id ?? null,
            output: { title: run.output?.title, summary: run.output?.summary, annotations_count: annotationsCount },
          },
        };
      },
    },
  ];

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const path = url.pathname;
    const where = `${request.method ?? '?'} ${path}`;
    let status: number;
    let json: unknown;
    try {
      const body = await readBody(request);
      const route = routes.find((r) => r.method === request.method && r.path.test(path));
      if (!route) throw new Refusal(404, 'no such route');
      ({ status, json } = route.handler({
        match: route.path.exec(path) as RegExpExecArray,
        query: url.searchParams,
        body,
        authorization: request.headers.authorization ?? '',
      }));
      counts[route.name] = (counts[route.name] ?? 0) + 1;
    } catch (error) {
      status = error instanceof Refusal ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      unexpected.push(`${where}: ${message}`);
      json = { message };
    }
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(json));
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
    checkRuns: () => [...created],
    reset: () => {
      counts = {};
      unexpected = [];
      created = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
