import { describeForLog } from '../errors.js';
import type { Logger } from 'probot';
import type { AppOptions } from '../app.js';
import { systemTimers } from '../app/follow-ups.js';
import { MemoryRunOnce } from '../app/run-once-memory.js';
import type { Schedule } from '../app/schedule.js';
import { ReadinessWatch } from '../app/release/readiness-watch.js';
import { deploymentJobs } from '../app/release/triggers.js';
import type { Config } from '../config/schema.js';
import { GitLabApp } from '../gitlab-app.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import { gitlabWebhookHandler } from './gitlab-endpoint.js';
import type { GitLabSettings } from './gitlab-settings.js';
import type { WebhookRoute } from './http-server.js';
import { measuredSnapshotServer, measuredTriggers } from './measured-ports.js';
import type { AppMetrics } from './metrics.js';
import type { ReadinessCheck } from './readiness.js';
import { MemoryRedeliveries } from './redeliveries.js';
import type { SharedState } from './shared-state.js';

export interface GitLabServiceParts {
  env: NodeJS.ProcessEnv;
  log: Logger;
  defaults: Config;
  metrics: AppMetrics;
  shared: SharedState;
  snapshotServer: SnapshotServer | undefined;
  /** The clock and timers tests pin, and the triggers' fetch; the rest of AppOptions is GitHub's. */
  app?: Pick<AppOptions, 'now' | 'timers' | 'triggerOptions'> | undefined;
  /** Receives the scheduled rounds, so that whoever stops the server stops them. */
  started: (schedule: Schedule) => void;
}

/**
 * The GitLab side of the server: the app, its webhook path and its
 * readiness check, sharing the deployment's snapshot server, jobs, locks
 * and metrics with the GitHub App when both are served.
 */
export function gitlabService(
  settings: GitLabSettings,
  parts: GitLabServiceParts,
): { route: WebhookRoute; readiness: ReadinessCheck } {
  const { env, log, defaults, metrics, shared } = parts;
  const timers = parts.app?.timers ?? systemTimers;
  const jobs = deploymentJobs(defaults, env, parts.app?.triggerOptions ?? { log }, (configured) =>
    measuredTriggers(configured, metrics),
  );
  const app = new GitLabApp({
    connection: {
      ...settings.connection,
      onRequest: (method, route, status) => metrics.gitlabRequest(method, route, status),
    },
    defaults,
    ...(parts.snapshotServer ? { server: measuredSnapshotServer(parts.snapshotServer, metrics) } : {}),
    log,
    ...(parts.app?.now ? { now: parts.app.now } : {}),
    timers,
    ...(shared.locks ? { locks: shared.locks } : {}),
    ...(shared.jobClaims ? { claims: shared.jobClaims } : {}),
    ...(jobs.bump ? { bumpTrigger: jobs.bump } : {}),
    triggers: jobs.triggers,
    watch: new ReadinessWatch(timers, (message, error) =>
      log.warn({ err: error === undefined ? undefined : describeForLog(error) }, message),
    ),
    // The process's own clock for the rounds, as the GitHub App's.
    schedule: { runOnce: shared.runOnce ?? new MemoryRunOnce(), started: parts.started },
  });
  app.startSchedule();
  const handler = gitlabWebhookHandler({
    secret: settings.secret,
    redeliveries: shared.redeliveries ?? new MemoryRedeliveries(),
    handle: (project, event) => app.handle(project, event),
    log,
    metrics,
  });
  return {
    route: {
      path: settings.path,
      handle: (request, response) => void handler(request, response),
      settled: (grace) => handler.settled(grace),
    },
    readiness: { name: 'gitlab', check: () => app.ping() },
  };
}
