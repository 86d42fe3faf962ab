import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A GitLab API stand-in: a real HTTP server on 127.0.0.1 that checks what
 * GitLab checks before it answers (the token, in `PRIVATE-TOKEN` or
 * `Authorization: Bearer`; project ids URL-encoded into one path segment)
 * and answers as GitLab documents. Routes are added by the tests or by the
 * fakes built on it; a request no route takes is a 404 and is kept in
 * `unexpected`, which the tests assert empty.
 */

export interface GitLabRequest {
  method: string;
  /** Path and query as sent, e.g. /api/v4/projects/tails%2Ftails/statuses/abc?x=1. */
  url: string;
  /** The path after /api/v4, decoded segment by segment. */
  path: string;
  /** Decoded path parameters of the matched route. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or form fields, or undefined when empty. */
  body: unknown;
  raw: string;
}

export interface GitLabReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type GitLabHandler = (request: GitLabRequest) => GitLabReply | Promise<GitLabReply>;

export interface GitLabStandIn {
  /** http://127.0.0.1:PORT, GitLab's host; the REST API is under /api/v4, GraphQL at /api/graphql. */
  url: string;
  token: string;
  /** Every request that passed the token check, in order. */
  requests: GitLabRequest[];
  /** Requests no route took (and requests with a slash left unencoded in a project id). */
  unexpected: string[];
  /** Requests refused for a missing or wrong token. */
  unauthorized: string[];
  /**
   * Adds a route: `pattern` is a path under /api/v4 with `:name` segments
   * (`/projects/:id/statuses/:sha`), or `/api/graphql` itself. A later
   * route for the same method and pattern replaces the earlier one.
   */
  on(method: string, pattern: string, handler: GitLabHandler): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: GitLabHandler;
}

function parseBody(raw: string, type: string | undefined): unknown {
  if (raw === '') return undefined;
  if (type?.includes('application/json')) return JSON.parse(raw) as unknown;
  if (type?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}

function tokenOf(headers: IncomingHttpHeaders): string | undefined {
  const privateToken = headers['private-token'];
  if (typeof privateToken === 'string') return privateToken;
  const authorization = headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer (.+)$/.exec(authorization) : null;
  return bearer?.[1];
}

/** The route taking `segments` (raw, still encoded), with its parameters decoded. */
function match(routes: Route[], method: string, segments: string[]) {
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = route.segments.every((want, i) => {
      const got = segments[i] as string;
      if (want.startsWith(':')) {
        params[want.slice(1)] = decodeURIComponent(got);
        return true;
      }
      return want === got;
    });
    if (fits) return { route, params };
  }
  return undefined;
}

export async function startGitLabStandIn(token = 'glpat-stand-in-token'): Promise<GitLabStandIn> {
  const routes: Route[] = [];
  const requests: GitLabRequest[] = [];
  const unexpected: string[] = [];
  const unauthorized: string[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const method = req.method ?? 'GET';
        const url = req.url ?? '/';
        const [rawPath = '/', search = ''] = url.split('?', 2);
        const send = (reply: GitLabReply) => {
          const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
          res
            .writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
            .end(reply.status === 204 ? undefined : body);
        };
        if (tokenOf(req.headers) !== token) {
          unauthorized.push(`${method} ${rawPath}`);
          send({ status: 401, body: { message: '401 Unauthorized' } });
          return;
        }
        const isGraphql = rawPath === '/api/graphql';
        if (!isGraphql && !rawPath.startsWith('/api/v4/')) {
          unexpected.push(`${method} ${rawPath}`);
          send({ status: 404, body: { message: '404 Not Found' } });
          return;
        }
        const segments = isGraphql ? ['api', 'graphql'] : rawPath.slice('/api/v4/'.length).split('/');
        const found = match(routes, method, segments);
        if (!found) {
          unexpected.push(`${method} ${rawPath}`);
          send({ status: 404, body: { message: '404 Not Found' } });
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const request: GitLabRequest = {
          method,
          url,
          path: isGraphql ? '/api/graphql' : `/${segments.map((s) => decodeURIComponent(s)).join('/')}`,
          params: found.params,
          query: new URLSearchParams(search),
          headers: req.headers,
          body: parseBody(raw, req.headers['content-type']),
          raw,
        };
        requests.push(request);
        try {
          send(await found.route.handler(request));
        } catch (error) {
          send({ status: 500, body: { message: `stand-in failed: ${String(error)}` } });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    unexpected,
    unauthorized,
    on(method, pattern, handler) {
      const segments = pattern === '/api/graphql' ? ['api', 'graphql'] : pattern.replace(/^\//, '').split('/');
      const index = routes.findIndex((r) => r.method === method && r.pattern === pattern);
      const route = { method, pattern, segments, handler };
      if (index >= 0) routes[index] = route;
      else routes.push(route);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A stand-in started before each test of the enclosing block and closed
 * after it, failing the test on any request it did not expect or whose
 * token was wrong. Call it at the top of a describe block.
 */
export function standInPerTest(): () => GitLabStandIn {
  let current: GitLabStandIn | undefined;
  beforeEach(async () => {
    current = await startGitLabStandIn();
  });
  afterEach(async () => {
    const standIn = current as GitLabStandIn;
    await standIn.close();
    expect(standIn.unexpected).toEqual([]);
    expect(standIn.unauthorized).toEqual([]);
  });
  return () => current as GitLabStandIn;
}
