import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppMetrics } from './metrics.js';
import type { ReadinessProbe } from './readiness.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/**
 * The server could not listen. Mostly a setting to mend (a port taken by
 * another service, a privileged one), but an address not up yet at boot
 * (EADDRNOTAVAIL) or a port a stopping copy still holds mends itself: the
 * supervisor should try again, so `transient` tells them apart.
 */
export class ListenError extends Error {
  override name = 'ListenError';
  readonly transient: boolean;

  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    super(`cannot listen on ${host}:${port} (HOST, PORT): ${cause.message}`, { cause });
    this.transient = cause.code === 'EADDRNOTAVAIL' || cause.code === 'EADDRINUSE';
  }
}

export interface HttpServerOptions {
  host: string;
  port: number;
  /** GitHub's webhooks; absent when the process serves GitLab alone. */
  webhookPath?: string;
  webhooks?: WebhookEndpoint;
  /** GitLab's webhooks, on a path of their own; absent when the process serves GitHub alone. */
  gitlab?: WebhookRoute;
  readiness: ReadinessProbe;
  metrics: AppMetrics;
  /** How long a stop waits for deliveries under way before closing their connections. */
  stopGraceMs?: number;
}

/** A webhook path besides GitHub's: what takes its requests, and waits for the deliveries under way at a stop. */
export interface WebhookRoute {
  path: string;
  handle(request: IncomingMessage, response: ServerResponse): void;
  settled(graceMs: number): Promise<void>;
}

export interface ListeningServer {
  /** The port it listens on (the one the system chose when 0 was asked). */
  port: number;
  host: string;
  /** Stops accepting, lets deliveries under way end (up to the grace period) and the readiness round finish, then closes. */
  stop(): Promise<void>;
}

function json(status: number, body: object): [number, Record<string, string>, string] {
  return [status, { 'content-type': 'application/json', 'cache-control': 'no-store' }, `${JSON.stringify(body)}\n`];
}

/**
 * The app's HTTP server: webhooks on their path, and for the supervisor
 * and the monitoring, /healthz (the process answers), /readyz (GitHub and
 * the snapshot server answer, from the last check) and /metrics
 * (Prometheus). None of the three touches GitHub while answering, so each
 * answers in well under 100 ms whatever GitHub does. /ping stays as Probot
 * serves it, for existing monitors.
 */
export async function listen(options: HttpServerOptions): Promise<ListeningServer> {
  const startedAt = Date.now();
  const route = (request: IncomingMessage, response: ServerResponse): void => {
    // The request line is anyone's to write: a target that is no path is refused, not parsed.
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (options.webhooks && path === options.webhookPath) {
      void options.webhooks.handle(request, response);
      return;
    }
    if (options.gitlab && path === options.gitlab.path) {
      options.gitlab.handle(request, response);
      return;
    }
    const send = ([status, headers, body]: [number, Record<string, string>, string]) => {
      response.writeHead(status, headers).end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(json(405, { error: `${request.method ?? 'this method'} is not allowed here` }));
      return;
    }
    switch (path) {
      case '/healthz':
        send(json(200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));
        return;
      case '/readyz': {
        const readiness = options.readiness.current();
        const starting = readiness.checkedAt === null ? { reason: 'the first checks are still running' } : {};
        send(
          json(readiness.ready ? 200 : 503, {
            status: readiness.ready ? 'ready' : 'not ready',
            ...starting,
            ...readiness,
          }),
        );
        return;
      }
      case '/metrics':
        options.metrics.text().then(
          (text) => send([200, { 'content-type': options.metrics.contentType }, text]),
          (error: unknown) => send(json(500, { error: `metrics not collected: ${String(error)}` })),
        );
        return;
      case '/ping':
        send([200, { 'content-type': 'text/plain' }, 'PONG']);
        return;
      default:
        send(json(404, { error: 'nothing here' }));
    }
  };
  const server: Server = createServer((request, response) => {
    try {
      route(request, response);
    } catch {
      if (!response.headersSent) response.writeHead(500).end();
    }
  });
  // Bounds receiving a request (headers and body), not its handling: a sender trickling a body is cut off.
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) => reject(new ListenError(options.host, options.port, error));
    server.once('error', refuse);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', refuse);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const grace = options.stopGraceMs ?? 30_000;
  return {
    port: address.port,
    host: address.address,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([options.webhooks?.settled(grace), options.gitlab?.settled(grace)]);
      server.closeAllConnections();
      await Promise.all([closed, options.readiness.settled()]);
    },
  };
}
