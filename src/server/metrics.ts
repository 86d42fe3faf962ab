import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What became of a webhook, as the log line and the metrics name it. */
export type WebhookOutcome = 'handled' | 'ignored' | 'gone' | 'failed' | 'abandoned' | 'refused' | 'invalid';

export type PullRequestAction = 'opened' | 'updated' | 'closed';

const PREFIX = 'apt_snapshots_bot_';

/**
 * The app's Prometheus metrics, in a registry of its own rather than
 * prom-client's global one, so that two servers in one process (the
 * tests) do not count into each other. Label values are bounded: an
 * event is one the app subscribes to, `other` or `unverified` (the header
 * of a delivery whose signature was not checked is anyone's to write),
 * outcomes are a fixed set, GitHub and GitLab routes are URL templates
 * (`/repos/{owner}/{repo}/check-runs`, `/projects/:id/statuses/:sha`),
 * never expanded URLs.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly webhooks = new Counter({
    name: `${PREFIX}webhooks_total`,
    help: 'Webhooks received, by event and outcome',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly handling = new Histogram({
    name: `${PREFIX}webhook_duration_seconds`,
    help: 'Time from receiving a webhook to its outcome, by event',
    labelNames: ['event'] as const,
    // GitHub gives up on a delivery after 10 s; the pace of writes can hold a burst for longer.
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly githubRequests = new Counter({
    name: `${PREFIX}github_requests_total`,
    help: 'GitHub API requests, by method, route template and status (0: no answer)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly gitlabRequests = new Counter({
    name: `${PREFIX}gitlab_requests_total`,
    help: 'GitLab API requests, by method, route template and status (0: no answer)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly rateLimitRemaining = new Gauge({
    name: `${PREFIX}github_rate_limit_remaining`,
    help: 'Requests left in the current GitHub rate-limit window, from the last answer, by resource',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  private readonly snapshotServer = new Counter({
    name: `${PREFIX}snapshot_server_requests_total`,
    help: 'Questions asked of the snapshot server, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly pullRequests = new Counter({
    name: `${PREFIX}pull_requests_total`,
    help: 'Pull requests the bot opened, updated or closed',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  private readonly jobs = new Counter({
    name: `${PREFIX}jobs_triggered_total`,
    help: 'Release jobs the bot asked CI to start, by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  webhook(event: string, outcome: WebhookOutcome, seconds: number): void {
    this.webhooks.inc({ event, outcome });
    this.handling.observe({ event }, seconds);
  }

  githubRequest(method: string, route: string, status: number): void {
    this.githubRequests.inc({ method, route, status: String(status) });
  }

  gitlabRequest(method: string, route: string, status: number): void {
    this.gitlabRequests.inc({ method, route, status: String(status) });
  }

  rateLimit(resource: string, remaining: number): void {
    this.rateLimitRemaining.set({ resource }, remaining);
  }

  snapshotServerRequest(outcome: 'ok' | 'failed'): void {
    this.snapshotServer.inc({ outcome });
  }

  pullRequest(action: PullRequestAction): void {
    this.pullRequests.inc({ action });
  }

  jobTriggered(job: string, outcome: 'started' | 'failed'): void {
    this.jobs.inc({ job, outcome });
  }

  /** The exposition text, for GET /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
