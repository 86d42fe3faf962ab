import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers one request. */
export type Reply =
  /** A normal answer (status 200 by default). */
  | { status?: number; headers?: Record<string, string>; body?: string | Buffer; delayMs?: number }
  /** Read the request and never answer, not even the headers. */
  | { hang: true }
  /** Send the headers and the start of the body, then never finish. */
  | { stall: true; status?: number; headers?: Record<string, string>; body?: string | Buffer }
  /** A chunked body of `chunk` repeated up to `bytes` (forever when absent), written as fast as the client reads. */
  | { stream: { chunk: string | Buffer; bytes?: number }; status?: number; headers?: Record<string, string> }
  /** Close the connection without answering. */
  | { destroy: true };

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request was complete. */
  at: number;
}

/**
 * What a path answers: one reply for every request, a sequence of replies
 * for successive requests (the last one repeats), or a function.
 */
export type Route = Reply | Reply[] | ((request: RecordedRequest, index: number) => Reply);

export interface LocalHttpServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  url: string;
  port: number;
  /** Every request received, in order, including unrouted ones. */
  requests: RecordedRequest[];
  /** The requests whose path (query ignored) is `path`. */
  requestsTo(path: string): RecordedRequest[];
  /** Adds or replaces a route; the key is "/path", "/path?query" or "METHOD /path". */
  route(key: string, route: Route): void;
  /** Stops the server and destroys every open connection, hung ones included. */
  close(): Promise<void>;
}

/** `n` copies of `failure`, then `success` for good: a server that recovers. */
export function failThen(n: number, failure: Reply, success: Reply): Reply[] {
  return [...Array.from({ length: n }, () => failure), success];
}

function pickReply(route: Route, request: RecordedRequest, index: number): Reply {
  if (typeof route === 'function') return route(request, index);
  if (Array.isArray(route))
    return route[Math.min(index, route.length - 1)] ?? { status: 500, body: 'empty reply sequence\n' };
  return route;
}

function stream(res: ServerResponse, chunk: Buffer, bytes: number | undefined): void {
  let sent = 0;
  const pump = () => {
    while (!res.destroyed) {
      if (bytes !== undefined && sent >= bytes) {
        res.end();
        return;
      }
      const piece = bytes !== undefined && bytes - sent < chunk.length ? chunk.subarray(0, bytes - sent) : chunk;
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/**
 * A real HTTP server on 127.0.0.1 and a free port, serving a route table and
 * misbehaving on demand. Unrouted paths answer 404.
 */
export async function startHttpServer(routes: Record<string, Route> = {}): Promise<LocalHttpServer> {
  const table = new Map(Object.entries(routes));
  const counts = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const pathname = url.split('?')[0] as string;
      const request: RecordedRequest = {
        method,
        url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      requests.push(request);
      const key = [`${method} ${url}`, url, `${method} ${pathname}`, pathname].find((k) => table.has(k));
      if (key === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${method} ${url}\n`);
        return;
      }
      const index = counts.get(key) ?? 0;
      counts.set(key, index + 1);
      const reply = pickReply(table.get(key) as Route, request, index);
      if ('hang' in reply) return;
      if ('destroy' in reply) {
        req.socket.destroy();
        return;
      }
      if ('stall' in reply) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
        res.flushHeaders();
        if (reply.body !== undefined) res.write(reply.body);
        return;
      }
      if ('stream' in reply) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
        stream(res, Buffer.from(reply.stream.chunk), reply.stream.bytes);
        return;
      }
      const answer = () =>
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body ?? '');
      if (reply.delayMs === undefined) {
        answer();
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, reply.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    requestsTo: (path) => requests.filter((r) => r.url.split('?')[0] === path),
    route: (key, route) => {
      table.set(key, route);
      counts.delete(key);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens: connecting to it is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = await startHttpServer();
  await server.close();
  return server.url;
}
