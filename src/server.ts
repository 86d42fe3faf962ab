import { createPrivateKey } from 'node:crypto';
import { getPrivateKey } from '@probot/get-private-key';
import { Probot, run, type Logger, type ProbotOctokit } from 'probot';
import { appOctokit } from './adapters/github/app-octokit.js';
import { githubMetrics } from './adapters/github/metrics-plugin.js';
import type { RateLimitsOptions } from './adapters/github/rate-limits-plugin.js';
import { createApp, snapshotServerFor, type AppOptions } from './app.js';
import { deploymentConfig } from './config/deployment.js';
import { DeliveryOutcomes } from './server/delivery-outcomes.js';
import { listen, type ListeningServer, type WebhookRoute } from './server/http-server.js';
import { gitlabSettings } from './server/gitlab-settings.js';
import { gitlabService } from './server/gitlab-service.js';
import { measuredSnapshotServer } from './server/measured-ports.js';
import { serverLog } from './server/log.js';
import { AppMetrics } from './server/metrics.js';
import { ReadinessProbe, type ReadinessCheck } from './server/readiness.js';
import { sharedState } from './server/shared-state.js';
import { MemoryRunOnce } from './app/run-once-memory.js';
import { systemTimers } from './app/follow-ups.js';
import type { Schedule } from './app/schedule.js';
import { WebhookEndpoint } from './server/webhook-endpoint.js';

const DEFAULT_WEBHOOK_PATH = '/api/github/webhooks';

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  /** Tests pass a logger that captures; otherwise one from LOG_LEVEL and LOG_FORMAT. */
  log?: Logger;
  /** The setup page's writer of .env; tests pass one that writes nothing. */
  updateEnv?: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** The rate limits' clock; tests pass one that does not wait. */
  rateLimits?: RateLimitsOptions;
  /** What the app is built with beyond the environment (tests: identity, timers, clock). */
  app?: AppOptions;
  /** Another Octokit class than appOctokit's (the bench turns retries and pacing off); GitHub requests are counted all the same. */
  Octokit?: typeof ProbotOctokit;
  /** The GitHub API root instead of api.github.com or GHE_HOST's: the bench's and the tests' stand-in. */
  githubUrl?: string;
  /** Readiness checks' age and timeout; tests shorten them. */
  readiness?: ConstructorParameters<typeof ReadinessProbe>[1];
}

export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

/**
 * A key that is no private key (the public half, a truncated file) would
 * otherwise start the server and fail every request; it stops the start,
 * without a word of the key.
 */
function checkPrivateKey(privateKey: string): void {
  try {
    createPrivateKey(privateKey);
  } catch {
    throw new Error(
      "the private key (PRIVATE_KEY or PRIVATE_KEY_PATH) is not a PEM private key: download a new one from the App's settings",
    );
  }
}

function appIdOf(env: NodeJS.ProcessEnv): number {
  const appId = Number(env.APP_ID);
  if (!Number.isSafeInteger(appId) || appId <= 0) throw new Error(`APP_ID=${env.APP_ID ?? ''} is not a GitHub App id`);
  return appId;
}

function portOf(env: NodeJS.ProcessEnv): number {
  if (env.PORT === undefined || env.PORT === '') return 3000;
  const port = Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env.PORT} is not a TCP port`);
  return port;
}

/**
 * `npm start`. Without an app id and a private key: Probot's setup page,
 * which registers the GitHub App from app.yml. With them: the app's own
 * HTTP server (src/server/http-server.ts) running the app in a Probot,
 * with webhooks, /healthz, /readyz and /metrics, one log line per
 * delivery, and the locks and write pacing shared through Redis when
 * REDIS_URL is set.
 * @throws Error naming the variable that is wrong (APP_ID, PORT, PRIVATE_KEY_PATH, the configuration file)
 */
export async function serve(options: ServeOptions = {}): Promise<RunningService> {
  const env = options.env ?? process.env;
  const privateKey = getPrivateKey({ env });
  const webhookPath = env.WEBHOOK_PATH || DEFAULT_WEBHOOK_PATH;
  const gitlab = gitlabSettings(env, webhookPath);
  const github = env.APP_ID && privateKey ? { appId: appIdOf(env), privateKey } : undefined;
  if (!github && !gitlab) {
    const server = await run(createApp({ env, ...options.app }), {
      // Probot would take REDIS_URL for its own throttling and fetch ioredis with npx; the setup page needs neither.
      env: { ...env, REDIS_URL: undefined },
      ...(options.log ? { log: options.log } : {}),
      ...(options.updateEnv ? { updateEnv: options.updateEnv } : {}),
      Octokit: appOctokit(options.rateLimits),
    });
    return { port: portOf(env), stop: () => server.stop() };
  }
  const port = portOf(env);
  if (github) checkPrivateKey(github.privateKey);
  const log = options.log ?? (await serverLog(env));
  if (!github && (env.APP_ID || privateKey))
    log.warn('GitHub is not served: it needs both APP_ID and a private key (PRIVATE_KEY or PRIVATE_KEY_PATH)');
  if (github && !env.WEBHOOK_SECRET && env.NODE_ENV !== 'production')
    log.warn(
      'WEBHOOK_SECRET is not set: webhooks signed with Probot\'s public default secret "development" are accepted (development only)',
    );
  const defaults = options.app?.defaults ?? deploymentConfig(env);
  const snapshotServer =
    options.app?.snapshotServer === null
      ? undefined
      : (options.app?.snapshotServer ?? snapshotServerFor(defaults, env));
  const metrics = new AppMetrics();
  const shared = sharedState(env, log);
  const outcomes = new DeliveryOutcomes();
  const baseUrl =
    options.githubUrl ?? (env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}/api/v3` : undefined);
  let server: ListeningServer;
  const schedules: Schedule[] = [];
  try {
    const checks: ReadinessCheck[] = [];
    let probot: Probot | undefined;
    if (github) {
      probot = new Probot({
        appId: github.appId,
        privateKey: github.privateKey,
        // The app refuses to start without a secret in production (createApp); elsewhere Probot's own default.
        secret: env.WEBHOOK_SECRET || 'development',
        log,
        Octokit: options.Octokit
          ? options.Octokit.plugin(githubMetrics(metrics))
          : appOctokit({ ...options.rateLimits, ...shared.rateLimits }, metrics),
        ...(baseUrl ? { baseUrl } : {}),
      });
      await probot.load(
        createApp({
          env,
          defaults,
          metrics,
          snapshotServer: snapshotServer ?? null,
          ...(shared.locks ? { locks: shared.locks } : {}),
          ...(shared.checkLedger ? { checkLedger: shared.checkLedger } : {}),
          noteOutcome: outcomes.note,
          schedule: {
            runOnce: shared.runOnce ?? new MemoryRunOnce(),
            // The process's own clock, whatever timers a test gives the handlers' retries.
            timers: systemTimers,
            started: (started) => {
              schedules.push(started);
            },
          },
          ...options.app,
        }),
      );
      checks.push(githubReadiness(probot));
    }
    const gitlabRoute = gitlab
      ? gitlabService(gitlab, {
          env,
          log,
          defaults,
          metrics,
          shared,
          snapshotServer,
          app: options.app,
          started: (started) => schedules.push(started),
        })
      : undefined;
    if (gitlabRoute) checks.push(gitlabRoute.readiness);
    if (shared.readiness) checks.push(shared.readiness);
    const origin = Object.keys(defaults.snapshot_server.dists)[0];
    if (snapshotServer && origin !== undefined) {
      const measured = measuredSnapshotServer(snapshotServer, metrics);
      checks.push({ name: 'snapshot server', check: async () => void (await measured.latestSerial(origin)) });
    }
    server = await listenProbot(probot, {
      log,
      metrics,
      outcomes,
      readiness: new ReadinessProbe(checks, {
        onChange: (name, result) =>
          result.ok
            ? log.info(`ready again: ${name} answers`)
            : log.warn(`not ready: ${name}: ${result.error ?? 'failed'}`),
        ...options.readiness,
      }),
      host: env.HOST || '127.0.0.1',
      port,
      webhookPath,
      ...(gitlabRoute ? { gitlab: gitlabRoute.route } : {}),
    });
  } catch (error) {
    // A start that fails must not leave a Redis client reconnecting, or a round armed, behind it.
    await Promise.all(schedules.map((s) => s.stop()));
    await shared.close();
    throw error;
  }
  return {
    port: server.port,
    stop: async () => {
      // A round in progress ends with the deliveries; Redis closes after both.
      await Promise.all([server.stop(), ...schedules.map((s) => s.stop())]);
      await shared.close();
    },
  };
}

/**
 * What a failed request says at its root, on one short line: fetch's own
 * error is "fetch failed", its cause "connect ECONNREFUSED 192.0.2.1:443"
 * or "getaddrinfo ENOTFOUND github.example.org" (or, for a host of several
 * addresses, an AggregateError with no message but a code); an answer says
 * its status beside GitHub's words (a proxy's HTML page cut to its first line).
 */
function innermostMessage(error: unknown): string {
  const status = (error as { status?: unknown; response?: unknown } | null)?.response
    ? (error as { status?: unknown }).status
    : undefined;
  let message = '';
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const { message: found, code } = current as { message?: unknown; code?: unknown };
    if (typeof found === 'string' && found !== '' && found !== 'Unknown Error' && found !== 'fetch failed')
      message = found;
    else if (typeof code === 'string') message = code;
    current = (current as { cause?: unknown }).cause;
  }
  const line = (message.split('\n')[0] ?? '').slice(0, 200) || 'no reason given';
  return typeof status === 'number' ? `GitHub answered ${status}: ${line}` : line;
}

/** GitHub takes the app's credentials: its JWT gets an answer from GET /app. */
function githubReadiness(probot: Probot): ReadinessCheck {
  return {
    name: 'github',
    check: async () => {
      const octokit = await probot.auth();
      // Not retried: a retry would outlast the check's own time limit and hide why GitHub failed (DNS, refused, TLS).
      await octokit.rest.apps.getAuthenticated({ request: { retries: 0 } }).catch((error: unknown) => {
        throw new Error(`GET /app: ${innermostMessage(error)}`);
      });
    },
  };
}

export interface ListenOptions {
  log: Logger;
  metrics: AppMetrics;
  outcomes: DeliveryOutcomes;
  readiness: ReadinessProbe;
  host: string;
  port: number;
  webhookPath: string;
  /** GitLab's webhooks, when the deployment serves GitLab. */
  gitlab?: WebhookRoute;
}

/**
 * A Probot with its app loaded, served: its webhooks through the app's
 * endpoint (one line per delivery), beside the probes and the metrics.
 * The readiness checks start at once, so that /readyz knows within
 * seconds, and a wrong private key shows in the log at start (the probe
 * logs each check that starts or stops failing).
 */
export async function listenProbot(probot: Probot | undefined, options: ListenOptions): Promise<ListeningServer> {
  const webhooks =
    probot &&
    new WebhookEndpoint({
      receiver: {
        verify: (payload, signature) => probot.webhooks.verify(payload, signature),
        // Not probot.receive, which logs each whole payload (e-mail addresses included) at debug level.
        receive: (event) => probot.webhooks.receive(event as Parameters<Probot['receive']>[0]),
      },
      log: options.log,
      metrics: options.metrics,
      outcomes: options.outcomes,
    });
  const server = await listen({ ...options, ...(webhooks ? { webhooks } : { webhookPath: undefined }) });
  void options.readiness.refresh();
  const unwatch = options.readiness.watch();
  const paths = [
    ...(webhooks ? [`GitHub webhooks on ${options.webhookPath}`] : []),
    ...(options.gitlab ? [`GitLab webhooks on ${options.gitlab.path}`] : []),
  ];
  options.log.info(
    `Listening on http://${options.host}:${server.port}: ${paths.join(', ')}, /healthz, /readyz, /metrics`,
  );
  return {
    ...server,
    stop: async () => {
      unwatch();
      await server.stop();
    },
  };
}
