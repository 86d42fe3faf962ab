import { fork } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Probot, ProbotOctokit, type ApplicationFunction } from 'probot';
import { fastJson } from '../src/adapters/github/fast-json-plugin.js';
import type { AppOptions } from '../src/app.js';
import { listenProbot, serve } from '../src/server.js';
import { DeliveryOutcomes } from '../src/server/delivery-outcomes.js';
import { AppMetrics } from '../src/server/metrics.js';
import { ReadinessProbe } from '../src/server/readiness.js';
import { minimalApp } from './minimal-app.js';

/** The events src/app.ts handles: the bare app listens to the same. */
export const APP_EVENTS = [
  'push',
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.edited',
  'check_run.rerequested',
  'check_run.requested_action',
  'issue_comment.created',
  'create',
] as const;

/** The real app, the bare Probot app (the ceiling), and the minimal app that makes the floor's requests. */
export type BenchedApp = 'real' | 'bare' | 'minimal';

export interface ProbotServerOptions {
  app: BenchedApp;
  /**
   * The Octokit it runs with: `bench`, retries and pacing off, so that
   * throughput measures the app's own work; `app`, the one `npm start`
   * runs with (appOctokit), so that latency is what users see.
   */
  octokit?: 'bench' | 'app';
  appId: number;
  privateKey: string;
  secret: string;
  /** The GitHub API root Probot's Octokit talks to. */
  githubUrl: string;
  /** The real app's environment (its deployment configuration, the triggers' credentials); empty by default. */
  env?: Record<string, string>;
}

export interface RunningServer {
  /** Where GitHub would post webhooks. */
  webhooksUrl: string;
  stop(): Promise<void>;
}

/**
 * Probot's Octokit with retries and throttling off, JSON parsed as the app
 * parses it (fastJson), as in the tests
 * (test/helpers/probot-app.ts): a plain `{ throttle: { enabled: false } }`
 * default is replaced by Probot's own throttle object, and throttling
 * would space the writes a second apart.
 */
export const BenchOctokit = ProbotOctokit.plugin(fastJson).defaults(
  (instance: { throttle?: Record<string, unknown> }) => ({
    ...instance,
    retry: { enabled: false },
    throttle: { ...instance.throttle, enabled: false },
  }),
);

/** The ceiling: Probot verifying, parsing and dispatching the same events to handlers that do nothing. */
const bareApp: ApplicationFunction = (app) => {
  app.on([...APP_EVENTS], async () => {});
};

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/**
 * The app's HTTP server, as `npm start` starts it, on 127.0.0.1, logging
 * nothing: the real app through serve() itself (REDIS_URL in `options.env`
 * makes it share its locks through Redis), the bare and minimal apps in a
 * Probot behind the same server (listenProbot), so that all three pay for
 * the same HTTP handling. `Octokit` replaces the one `options.octokit`
 * names, in this process only (tests pass one whose clock does not wait).
 */
export async function startProbotServer(
  options: ProbotServerOptions,
  Octokit: typeof ProbotOctokit | undefined = options.octokit === 'app' ? undefined : BenchOctokit,
  appOptions: AppOptions = {},
): Promise<RunningServer> {
  const port = await freePort();
  const log = pino({ level: 'silent' });
  const webhooksUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
  if (options.app === 'real') {
    const service = await serve({
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        APP_ID: String(options.appId),
        PRIVATE_KEY: options.privateKey,
        WEBHOOK_SECRET: options.secret,
        ...options.env,
      },
      log,
      githubUrl: options.githubUrl,
      ...(Octokit ? { Octokit } : {}),
      // The snapshot server is not what is measured.
      app: { snapshotServer: null, ...appOptions },
    });
    return { webhooksUrl, stop: () => service.stop() };
  }
  const probot = new Probot({
    appId: options.appId,
    privateKey: options.privateKey,
    secret: options.secret,
    Octokit: Octokit ?? BenchOctokit,
    log,
    baseUrl: options.githubUrl,
  });
  await probot.load(options.app === 'minimal' ? minimalApp(options.appId) : bareApp);
  const metrics = new AppMetrics({ processMetrics: false });
  const server = await listenProbot(probot, {
    log,
    metrics,
    outcomes: new DeliveryOutcomes(),
    readiness: new ReadinessProbe([]),
    host: '127.0.0.1',
    port,
    webhookPath: '/api/github/webhooks',
  });
  return { webhooksUrl, stop: () => server.stop() };
}

const CHILD = fileURLToPath(new URL('./serve-app.js', import.meta.url));
const STOP_TIMEOUT_MS = 10_000;

/**
 * startProbotServer in a process of its own (bench/serve-app.ts, compiled:
 * `script` names it where this module is not compiled beside it), as the
 * app runs in production: the load and the fake GitHub then do not share
 * its event loop. The credentials travel over the IPC channel, not argv or
 * the environment. Stopping disconnects the channel; the child stops its
 * server and exits, or is killed after STOP_TIMEOUT_MS.
 */
export async function forkProbotServer(options: ProbotServerOptions, script = CHILD): Promise<RunningServer> {
  const child = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const started = await new Promise<{ webhooksUrl?: string; error?: string }>((done) => {
    child.once('message', (message) => done(message as { webhooksUrl?: string; error?: string }));
    void exited.then((code) =>
      done({ error: `the server process exited with code ${String(code)} before it listened` }),
    );
    child.send(options);
  });
  const stop = async () => {
    if (child.connected) child.disconnect();
    const timer = setTimeout(() => child.kill(), STOP_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`the ${options.app} Probot server process exited with code ${String(code)}`);
  };
  if (!started.webhooksUrl) {
    await stop().catch(() => undefined);
    throw new Error(`the ${options.app} Probot server did not start: ${started.error ?? 'no answer'}`);
  }
  return { webhooksUrl: started.webhooksUrl, stop };
}
