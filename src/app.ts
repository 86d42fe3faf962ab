import { describeForLog } from './errors.js';
import type { ApplicationFunction, Context, Logger, Probot } from 'probot';
import type { GitHubClient, GitHubRepository } from './adapters/github/client.js';
import { call, isGone } from './adapters/github/forge-error.js';
import type { BotIdentity } from './adapters/github/forge-context.js';
import { CheckLedger } from './adapters/github/check-ledger.js';
import { GitHubForge } from './adapters/github/github-forge.js';
import { GitHubSource } from './adapters/github/github-source.js';
import { SeenCheckRuns } from './adapters/github/seen-check-runs.js';
import { GitHubJobClaims } from './adapters/github/job-claims.js';
import { listTagsWithPrefix } from './adapters/github/tags.js';
import type { TriggerOptions } from './adapters/triggers/trigger-options.js';
import { onTagCreated } from './app/release/on-tag.js';
import { ReadinessWatch } from './app/release/readiness-watch.js';
import { deploymentJobs } from './app/release/triggers.js';
import { GraphqlHistoryReader } from './adapters/github/graphql-history-reader.js';
import { forEachInstalledRepository } from './adapters/github/installations.js';
import { onDashboardEdit } from './app/on-dashboard-edit.js';
import { refreshRepository } from './app/refresh-repository.js';
import { Schedule } from './app/schedule.js';
import { FIRST_ROUND_DELAY_MS, REFRESH_DELAY_MS, roundClaimTtl } from './app/refresh-timing.js';
import { isBaseBranch } from './domain/branch.js';
import type { RunOnce } from './ports/run-once.js';
import { releaseServices } from './app/release/release-services.js';
import { HttpSnapshotServer } from './adapters/snapshot-server/http-snapshot-server.js';
import { FollowUps, systemTimers, type Timers } from './app/follow-ups.js';
import type { CheckLedgerPort } from './ports/check-ledger.js';
import type { RepoDeps } from './app/deps.js';
import { KeyedLock } from './app/keyed-lock.js';
import { onFix, onRerun } from './app/on-check-run.js';
import { onCommand } from './app/on-issue-comment.js';
import { isBotChangeRequest, onChangeRequest } from './app/on-pull-request.js';
import {
  changeRequestEvent,
  commandEvent,
  fixEvent,
  issueEditedEvent,
  pushEvent,
  rerunEvent,
  tagCreatedEvent,
} from './adapters/github/events.js';
import { decidePush, onPush } from './app/on-push.js';
import { payloadProblem, type HandledEvent } from './app/payloads.js';
import type { PullRequestTarget } from './app/targets.js';
import { deploymentConfig } from './config/deployment.js';
import type { Config } from './config/schema.js';
import type { SnapshotServer } from './ports/snapshot-server.js';
import type { NotedOutcome } from './server/delivery-outcomes.js';
import type { AppMetrics } from './server/metrics.js';
import { measuredSnapshotServer, measuredTriggers } from './server/measured-ports.js';

export interface AppOptions {
  /** The clock; tests pin it. */
  now?: () => Date;
  /** The configuration every repository's file is merged over; Tails' defaults otherwise. */
  defaults?: Config;
  /**
   * The snapshot server. Absent: the defaults' URL, or APT_SNAPSHOTS_SERVER
   * when set (`offline` skips the rules that need it). `null`: offline.
   */
  snapshotServer?: SnapshotServer | null;
  /** Who the app is on GitHub. Absent: asked once from GET /app. */
  identity?: { appId: number; botLogin: string };
  /** The timers that retry half-done work and poll readiness; tests fire them by hand. */
  timers?: Timers;
  /** How the release jobs' triggers reach their CI; tests pass a fetch of their own. */
  triggerOptions?: TriggerOptions;
  env?: NodeJS.ProcessEnv;
  /**
   * Serialises work on one key (a check, a branch, a command, a tag's jobs).
   * Absent: this process's own, for a single replica; the server passes
   * Redis locks when REDIS_URL is set.
   */
  locks?: RepoDeps['locks'];
  /** Which checks were written since a read; this process's own when absent, Redis' when REDIS_URL is set. */
  checkLedger?: CheckLedgerPort;
  /** Counts snapshot-server questions and release jobs started; the server's, for GET /metrics. */
  metrics?: AppMetrics;
  /**
   * Where a webhook left alone or about something GitHub no longer has
   * says so: the server's one line per delivery. Absent: a log line of its own.
   */
  noteOutcome?: (payload: unknown, outcome: NotedOutcome['outcome'], reason: string) => boolean;
  /**
   * The work between pushes: the expiry watch and the dashboard, on a
   * timer (schedule.interval_hours of the deployment's configuration) and
   * after pushes to base branches. Absent: none of it (the handlers alone,
   * as in most tests). `runOnce` lets one replica of many do each
   * repository's round; `started` receives the schedule so that whoever
   * stops the server stops it.
   */
  schedule?: { runOnce: RunOnce; timers?: Timers; started?: (schedule: Schedule) => void };
}

/** The words APT_SNAPSHOTS_SERVER takes besides a URL. */
export const OFFLINE = 'offline';

/**
 * The snapshot server comes from the app's deployment, never from a
 * repository's configuration file: a branch must not be able to point the
 * app at an arbitrary URL of its network.
 */
export function snapshotServerFor(defaults: Config, env: NodeJS.ProcessEnv): SnapshotServer | undefined {
  const url = env.APT_SNAPSHOTS_SERVER?.trim();
  if (url === OFFLINE) return undefined;
  return HttpSnapshotServer.fromConfig(defaults, url ? { baseUrl: url } : {});
}

type AnyContext = Context<'push' | 'pull_request' | 'check_run' | 'issue_comment' | 'create' | 'issues'>;

/**
 * Whether the app acts on a webhook: its payload has what the handlers
 * read (see payloadProblem), and no bot but the app's own `fromBot`
 * excepts sent it. A webhook left alone says why in one line.
 */
function actionable<C extends AnyContext>(
  note: NoteOutcome,
  event: HandledEvent,
  context: C,
  fromBot: (context: C) => boolean = (c) => c.isBot,
): boolean {
  const problem = payloadProblem(event, context.payload);
  if (problem !== undefined) {
    note(context, 'ignored', problem);
    return false;
  }
  if (fromBot(context)) {
    note(context, 'ignored', SENT_BY_A_BOT);
    return false;
  }
  return true;
}

/**
 * Says what became of a delivery that did not simply end well. True when
 * the outcome was taken (the server writes it in the delivery's one log
 * line); false for a failure left to Probot, which fails the delivery.
 */
type NoteOutcome = (
  context: { id: string; payload?: unknown; log: Pick<Logger, 'warn' | 'debug'> },
  outcome: NotedOutcome['outcome'],
  reason: string,
) => boolean;

const SENT_BY_A_BOT = 'sent by a bot';

/** Without the app's server (Probot's own, the tests): a log line of the handler's own, and failures thrown. */
const logOutcome: NoteOutcome = (context, outcome, reason) => {
  if (outcome === 'failed') return false;
  context.log[reason === SENT_BY_A_BOT ? 'debug' : 'warn'](
    { delivery: context.id },
    outcome === 'gone'
      ? `webhook left: GitHub no longer has what it is about: ${reason}`
      : `webhook ignored: ${reason}`,
  );
  return true;
};

/**
 * What becomes of a handler's failure. When GitHub no longer has what the
 * webhook is about (the repository deleted or transferred, the app
 * uninstalled, the issue or commit gone: see isGone), nothing is left to
 * judge or answer and a redelivery would find the same, so the webhook
 * ends with one line and a 2xx. Anything else fails the delivery, by its
 * message alone: the causes of an HTTP error can carry a whole request.
 * Under the app's server the failure is noted, and the server answers 500
 * with the delivery's one log line; thrown to Probot instead, Probot would
 * log it again, with the whole payload (e-mail addresses included).
 */
export function handled<C extends { id: string; payload?: unknown; log: Pick<Logger, 'warn' | 'debug'> }>(
  handler: (context: C) => Promise<void>,
  note: NoteOutcome = logOutcome,
): (context: C) => Promise<void> {
  return async (context) => {
    try {
      await handler(context);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (isGone(error)) {
        note(context, 'gone', message);
        return;
      }
      if (note(context, 'failed', message)) return;
      const clean = new Error(message);
      clean.name = error instanceof Error ? error.name : 'Error';
      throw clean;
    }
  };
}

/**
 * The Probot app: events in, checks, pull requests and replies out. The
 * handlers live in src/app/; this only builds what they need per webhook.
 */
export function createApp(options: AppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    const env = options.env ?? process.env;
    if (env.NODE_ENV === 'production' && !env.WEBHOOK_SECRET) {
      // Probot would verify signatures against its public default secret, "development".
      throw new Error(
        'WEBHOOK_SECRET is not set: refusing to accept webhooks that anyone could sign (set it in the environment: /etc/apt-snapshots-bot/env under systemd, .env otherwise)',
      );
    }
    const defaults = options.defaults ?? deploymentConfig(env);
    const { metrics } = options;
    const { triggers, bump } = deploymentJobs(
      defaults,
      env,
      options.triggerOptions ?? { log: app.log },
      metrics && ((configured) => measuredTriggers(configured, metrics)),
    );
    const readiness = new ReadinessWatch(options.timers ?? systemTimers, (message, error) =>
      app.log.warn({ err: error === undefined ? undefined : describeForLog(error) }, message),
    );
    const unmeasured =
      options.snapshotServer === null ? undefined : (options.snapshotServer ?? snapshotServerFor(defaults, env));
    const server = unmeasured && metrics ? measuredSnapshotServer(unmeasured, metrics) : unmeasured;
    const now = options.now ?? (() => new Date());
    const locks = options.locks ?? new KeyedLock();
    const note: NoteOutcome = options.noteOutcome
      ? // A delivery handled outside the server's tracking says its outcome itself, as without the server.
        (context, outcome, reason) =>
          options.noteOutcome?.(context.payload, outcome, reason) === true || logOutcome(context, outcome, reason)
      : logOutcome;
    const checkLedger = options.checkLedger ?? new CheckLedger();
    const followUps = new FollowUps(options.timers);
    // One pending refresh per repository: a burst of pushes refreshes once, after its last push.
    const refreshes = options.schedule
      ? new FollowUps(options.schedule.timers ?? options.timers, [REFRESH_DELAY_MS])
      : undefined;

    let identity: Promise<BotIdentity> | undefined;
    const identityOf = (): Promise<BotIdentity> => {
      if (!identity) {
        const known = options.identity;
        identity = known
          ? Promise.resolve({ ...known, branchPrefix: defaults.bot.branch_prefix })
          : app
              .auth()
              .then((octokit) => call('identify the app', () => octokit.rest.apps.getAuthenticated()))
              .then(({ data }) => {
                if (!data) throw new Error('GitHub did not say which app this is (GET /app)');
                return {
                  appId: data.id,
                  botLogin: `${data.slug ?? data.name}[bot]`,
                  branchPrefix: defaults.bot.branch_prefix,
                };
              });
        // A failed lookup is asked again at the next webhook.
        identity.catch(() => {
          identity = undefined;
        });
      }
      return identity;
    };

    interface Where {
      octokit: GitHubClient;
      repository: GitHubRepository;
      installationId: number;
      nodeId: string;
      htmlUrl: string;
      defaultBranch: string;
      log: Logger;
    }

    const whereOf = (context: AnyContext): Where => ({
      octokit: context.octokit,
      repository: context.repo(),
      installationId: (context.payload as { installation: { id: number } }).installation.id,
      nodeId: context.payload.repository.node_id,
      htmlUrl: context.payload.repository.html_url,
      defaultBranch: context.payload.repository.default_branch,
      log: context.log,
    });
    const depsFor = (context: AnyContext): Promise<RepoDeps> => depsAt(whereOf(context));

    /** The expiry watch and the dashboard of one repository. */
    const refresh = async (where: Where): Promise<void> => {
      await refreshRepository(await depsAt(where), new GraphqlHistoryReader(where.octokit, where.repository));
    };

    /** Nobody waits for it: what fails is logged. */
    const refreshSoon = (where: Where): void => {
      const name = `${where.repository.owner}/${where.repository.repo}`;
      refreshes?.schedule(`refresh ${name}`, 0, async () => {
        try {
          // The webhook's token may be near its hour when the refresh runs.
          await refresh({ ...where, octokit: await app.auth(where.installationId) });
        } catch (error) {
          where.log.warn({ repository: name, err: describeForLog(error) }, 'refresh after a push failed');
        }
      });
    };

    const depsAt = async (where: Where): Promise<RepoDeps> => {
      const { octokit, repository } = where;
      const identity = await identityOf();
      // Shared by the webhook's reads and writes: a check is written with the runs read along with its commit.
      const seen = new SeenCheckRuns(checkLedger);
      return {
        forge: new GitHubForge(octokit, repository, identity, { repositoryId: where.nodeId, seen }),
        source: new GitHubSource(octokit, repository, {
          ...(identity.appId === undefined ? {} : { appId: identity.appId }),
          seen,
          log: where.log,
        }),
        ...(server ? { server } : {}),
        ...(bump ? { bumpTrigger: bump } : {}),
        defaults,
        now: now(),
        log: where.log,
        locks,
        followUps,
        repository: `${repository.owner}/${repository.repo}`,
        repoUrl: where.htmlUrl,
        threadRef: (on) => `#${on.number}`,
        changeRequestName: 'pull request',
        rerunHint: 'Re-run this check',
        fixesAs: 'buttons',
        defaultBranch: where.defaultBranch,
        pullRequest: async (number: number): Promise<PullRequestTarget> => {
          const { data } = await call('get pull request', () =>
            octokit.rest.pulls.get({ ...repository, pull_number: number }),
          );
          return {
            kind: 'pull_request',
            number,
            branch: data.head.ref,
            rev: data.head.sha,
            baseRef: data.base.ref,
            baseRev: data.base.sha,
            baseSha: data.base.sha,
            fromFork: data.head.repo?.full_name !== data.base.repo.full_name,
          };
        },
        release: releaseServices({
          claims: new GitHubJobClaims(octokit, repository),
          triggers,
          tags: (prefix) => listTagsWithPrefix(octokit, repository, prefix),
          watch: readiness,
        }),
        refresh: async () => depsAt({ ...where, octokit: await app.auth(where.installationId) }),
      };
    };

    app.on(
      'push',
      handled(async (context) => {
        if (!actionable(note, 'push', context)) return;
        // The push's branch as the push handler names it (decidePush: tags and deletions name none). Planned
        // first: the refresh reads on its own, and is due whatever becomes of this push's check.
        const decision = decidePush(context.payload);
        if (decision.judge && isBaseBranch(decision.target.branch, defaults)) refreshSoon(whereOf(context));
        await onPush(await depsFor(context), pushEvent(context.payload));
      }, note),
    );

    app.on(
      ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.edited'],
      handled(async (context) => {
        // The bot's own pull requests still get checks: reviewers merge them.
        const fromOtherBot = (c: typeof context) =>
          c.isBot && !isBotChangeRequest(changeRequestEvent(c.payload), defaults.bot.branch_prefix);
        if (!actionable(note, 'pull_request', context, fromOtherBot)) return;
        await onChangeRequest(await depsFor(context), changeRequestEvent(context.payload));
      }, note),
    );

    app.on(
      'check_run.rerequested',
      handled(async (context) => {
        if (!actionable(note, 'check_run', context)) return;
        await onRerun(await depsFor(context), rerunEvent(context.payload));
      }, note),
    );

    app.on(
      'check_run.requested_action',
      handled(async (context) => {
        if (!actionable(note, 'check_run', context)) return;
        await onFix(await depsFor(context), fixEvent(context.payload));
      }, note),
    );

    app.on(
      'create',
      handled(async (context) => {
        if (!actionable(note, 'create', context)) return;
        const event = tagCreatedEvent(context.payload);
        if (!event) {
          context.log.debug('create ignored: not a tag');
          return;
        }
        await onTagCreated(await depsFor(context), event);
      }, note),
    );

    app.on(
      'issues.edited',
      handled(async (context) => {
        if (!actionable(note, 'issues', context)) return;
        await onDashboardEdit(await depsFor(context), issueEditedEvent(context.payload));
      }, note),
    );

    if (options.schedule) {
      const { runOnce } = options.schedule;
      const intervalMs = defaults.schedule.interval_hours * 60 * 60 * 1000;
      const schedule = new Schedule({
        timers: options.schedule.timers ?? options.timers ?? systemTimers,
        intervalMs,
        firstDelayMs: FIRST_ROUND_DELAY_MS,
        log: app.log,
        name: 'expiry watch and dashboard',
        run: () =>
          forEachInstalledRepository(
            (installationId) => app.auth(installationId),
            async (octokit, installed) => {
              const name = `${installed.repository.owner}/${installed.repository.repo}`;
              // A round per interval: the replica that claims it first does it, the others skip it.
              if (!(await runOnce.claim(`refresh ${name}`, roundClaimTtl(intervalMs)))) return;
              await refresh({ ...installed, octokit, log: app.log });
            },
            (what, error) =>
              app.log.warn({ err: describeForLog(error) }, `scheduled refresh: ${what} skipped this round`),
          ),
      });
      schedule.start();
      options.schedule.started?.(schedule);
    }

    app.on(
      'issue_comment.created',
      handled(async (context) => {
        if (!actionable(note, 'issue_comment', context)) return;
        await onCommand(await depsFor(context), commandEvent(context.payload));
      }, note),
    );
  };
}
