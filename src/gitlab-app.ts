import { describeForLog } from './errors.js';
import type { Logger } from 'pino';
import { gitlabApi, type GitLabApi, type GitLabConnection, type GitLabProject } from './adapters/gitlab/client.js';
import { GitLabForge, gitlabBot, mergeRequestTarget } from './adapters/gitlab/gitlab-forge.js';
import { GitLabSource } from './adapters/gitlab/gitlab-source.js';
import { gitlabSecond, issueUpdate } from './adapters/gitlab/issue-updater.js';
import type { GitLabProjectRef } from './adapters/gitlab/webhook-events.js';
import type { RepoDeps } from './app/deps.js';
import { FollowUps, systemTimers, type Timers } from './app/follow-ups.js';
import { KeyedLock } from './app/keyed-lock.js';
import { isGone } from './ports/forge-error.js';
import { onCommand } from './app/on-issue-comment.js';
import { parseCommand } from './app/command.js';
import { storedNote } from './adapters/gitlab/note-source.js';
import { isBotChangeRequest, onChangeRequest } from './app/on-pull-request.js';
import { decidePush, onPush } from './app/on-push.js';
import { mayTickABox, onDashboardEdit } from './app/on-dashboard-edit.js';
import { refreshRepository } from './app/refresh-repository.js';
import { FIRST_ROUND_DELAY_MS, REFRESH_DELAY_MS, roundClaimTtl } from './app/refresh-timing.js';
import { Schedule } from './app/schedule.js';
import { GitLabHistoryReader } from './adapters/gitlab/history-reader.js';
import { forEachGitLabProject } from './adapters/gitlab/projects.js';
import { isBaseBranch } from './domain/branch.js';
import type { RunOnce } from './ports/run-once.js';
import { MemoryJobClaims } from './app/release/memory-job-claims.js';
import { releaseServices } from './app/release/release-services.js';
import type { ReleaseServices } from './app/release/services.js';
import { listGitLabTags } from './adapters/gitlab/tags.js';
import type { JobClaims } from './ports/job-claims.js';
import { branchRef, type PullRequestTarget } from './app/targets.js';
import type { Config } from './config/schema.js';
import type { ForgeEvent } from './ports/forge-events.js';
import type { JobTrigger } from './ports/job-trigger.js';
import type { SnapshotServer } from './ports/snapshot-server.js';

export interface GitLabAppOptions {
  connection: GitLabConnection;
  defaults: Config;
  /** Absent: rules that need the snapshot server are skipped. */
  server?: SnapshotServer;
  log: Logger;
  now?: () => Date;
  timers?: Timers;
  locks?: RepoDeps['locks'];
  bumpTrigger?: JobTrigger;
  /** The release jobs' triggers (the same as on GitHub: src/app/release/triggers.ts). */
  triggers: ReleaseServices['triggers'];
  /** Polls the released images for build_IUKs. */
  watch: ReleaseServices['watch'];
  /**
   * Release job claims of a project: Redis' when replicas share one,
   * else this process's own (see MemoryJobClaims), kept per project.
   */
  claims?: (repository: string) => JobClaims;
  /** Tests pass a client of their own (a stand-in's); otherwise one from `connection`. */
  api?: GitLabApi;
  /**
   * The work between pushes (the expiry watch and the dashboard): after
   * pushes to base branches, and every schedule.interval_hours for every
   * project the bot user is a Developer of. Absent: none of it.
   * `runOnce` lets one replica of many do each project's round.
   */
  schedule?: { runOnce: RunOnce; started?: (schedule: Schedule) => void };
}

interface BotUser {
  id: number;
  username: string;
}

/**
 * The bot on GitLab: each webhook's neutral event goes to the same
 * handlers as GitHub's, with RepoDeps built from GitLab's adapters. The
 * bot is a GitLab user (a person's account, a project or group access
 * token's bot user): events it caused are left alone, but for the checks
 * of merge requests from its own branches, which reviewers merge.
 */
export class GitLabApp {
  private readonly api: GitLabApi;
  private readonly locks: RepoDeps['locks'];
  private readonly followUps: FollowUps;
  private bot: Promise<BotUser> | undefined;
  private readonly claims = new Map<string, JobClaims>();
  /** One pending refresh per project: a burst of pushes refreshes once, after its last push. */
  private readonly refreshes: FollowUps | undefined;

  constructor(private readonly options: GitLabAppOptions) {
    this.api = options.api ?? gitlabApi(options.connection);
    this.locks = options.locks ?? new KeyedLock();
    this.followUps = new FollowUps(options.timers);
    this.refreshes = options.schedule ? new FollowUps(options.timers, [REFRESH_DELAY_MS]) : undefined;
  }

  /** Starts the scheduled rounds, when the app has a schedule; whoever stops the server stops them. */
  startSchedule(): void {
    const { schedule, defaults, log } = this.options;
    if (!schedule) return;
    const intervalMs = defaults.schedule.interval_hours * 60 * 60 * 1000;
    const rounds = new Schedule({
      timers: this.options.timers ?? systemTimers,
      intervalMs,
      firstDelayMs: FIRST_ROUND_DELAY_MS,
      log,
      name: 'GitLab expiry watch and dashboard',
      run: () =>
        forEachGitLabProject(
          this.api,
          async (where) => {
            // A round per interval: the replica that claims it first does it, the others skip it.
            if (!(await schedule.runOnce.claim(`refresh gitlab ${where.pathWithNamespace}`, roundClaimTtl(intervalMs))))
              return;
            await this.refresh(where);
          },
          (what, error) => log.warn({ err: describeForLog(error) }, `scheduled refresh: ${what} skipped this round`),
        ),
    });
    rounds.start();
    schedule.started?.(rounds);
  }

  /** The expiry watch and the dashboard of one project. */
  private async refresh(where: GitLabProjectRef): Promise<void> {
    const deps = this.depsFor(where, await this.botUser());
    await refreshRepository(deps, new GitLabHistoryReader(this.api, this.projectOf(where)));
  }

  /** Nobody waits for it: what fails is logged. */
  private refreshSoon(where: GitLabProjectRef): void {
    this.refreshes?.schedule(`refresh gitlab ${where.pathWithNamespace}`, 0, async () => {
      try {
        await this.refresh(where);
      } catch (error) {
        this.options.log.warn(
          { project: where.pathWithNamespace, err: describeForLog(error) },
          'refresh after a push failed',
        );
      }
    });
  }

  private projectOf(where: GitLabProjectRef): GitLabProject {
    return { id: where.pathWithNamespace, webUrl: where.webUrl };
  }

  /** Who the bot is (GET /user), asked once; a failed lookup is asked again at the next event. */
  private botUser(): Promise<BotUser> {
    if (this.bot) return this.bot;
    const asked = gitlabBot(this.api);
    asked.catch(() => {
      this.bot = undefined;
    });
    this.bot = asked;
    return asked;
  }

  /** Whether GitLab takes the bot's token: GET /user, asked afresh, for /readyz. */
  async ping(): Promise<void> {
    await gitlabBot(this.api);
  }

  /**
   * Hands one event to the handlers; 'ignored' when it was left alone (the
   * endpoint's line for the delivery says so). When GitLab no longer has
   * what the event is about (the project, merge request or commit gone),
   * nothing is left to judge or answer and a redelivery would find the
   * same: one log line, and the delivery ends well.
   */
  async handle(where: GitLabProjectRef, event: ForgeEvent): Promise<'done' | 'ignored'> {
    try {
      return await this.dispatch(where, event);
    } catch (error) {
      if (!isGone(error)) throw error;
      this.options.log.warn(
        { project: where.pathWithNamespace, err: describeForLog(error) },
        'webhook left: GitLab no longer has what it is about',
      );
      return 'ignored';
    }
  }

  private async dispatch(where: GitLabProjectRef, event: ForgeEvent): Promise<'done' | 'ignored'> {
    const bot = await this.botUser();
    const log = this.options.log;
    const prefix = this.options.defaults.bot.branch_prefix;
    // By id when the payload gives one: a username can be renamed, an id cannot.
    const byBot = event.sender.id !== undefined ? event.sender.id === bot.id : event.sender.login === bot.username;
    // The bot's own merge requests still get checks: reviewers merge them.
    if (byBot && !(event.kind === 'change-request' && isBotChangeRequest(event, prefix))) {
      log.debug({ project: where.pathWithNamespace, kind: event.kind }, 'event ignored: sent by the bot itself');
      return 'ignored';
    }
    const deps = this.depsFor(where, bot);
    switch (event.kind) {
      case 'push': {
        // Planned first: the refresh reads on its own, and is due whatever becomes of this push's check.
        const decision = decidePush(event);
        if (decision.judge && isBaseBranch(decision.target.branch, this.options.defaults)) this.refreshSoon(where);
        await onPush(deps, event);
        return 'done';
      }
      case 'issue-edited': {
        // Most edits are of other issues, or tick nothing: those ask GitLab nothing more.
        if (!mayTickABox(event)) return 'ignored';
        // Who ticked is who GitLab recorded, not who the payload names: the webhook secret is every project's.
        const update = await issueUpdate(this.options.connection, where.pathWithNamespace, event.number);
        const sameEdit = gitlabSecond(event.editedAt) === Math.floor(update.at.getTime() / 1000);
        const editor = sameEdit && update.by?.id !== bot.id ? update.by : undefined;
        if (editor === undefined) {
          // The bot's own edits never get here (dispatch drops them): one in the same second as this one, or an
          // update since, hides who made it. Both times are logged, so that a GitLab whose times never agree shows.
          log.info(
            {
              project: where.pathWithNamespace,
              editedAt: event.editedAt,
              updatedAt: update.at.toISOString(),
              updatedBy: update.by?.login,
            },
            'dashboard edit: GitLab records a later update or another updater; asking to tick again',
          );
          await onDashboardEdit(deps, { ...event, unconfirmed: true });
          return 'done';
        }
        await onDashboardEdit(deps, { ...event, sender: editor });
        return 'done';
      }
      case 'change-request':
        await onChangeRequest(deps, event);
        return 'done';
      case 'command': {
        // Most notes hold no command: only those are read back, and answered as GitLab stores them.
        if (parseCommand(event.body) === undefined) return 'ignored';
        const stored = await storedNote(this.api, this.projectOf(where), event.on, event.commentId);
        // What GitLab stores decides, not the payload: the bot's own replies quote commands, internal notes stay so.
        if (stored.author.id === bot.id || stored.internal) {
          log.debug({ project: where.pathWithNamespace }, 'command ignored: the bot’s own note, or an internal one');
          return 'ignored';
        }
        await onCommand(deps, {
          ...event,
          body: stored.body,
          sender: { login: stored.author.username, id: stored.author.id },
        });
        return 'done';
      }
      default:
        // Re-runs, fixes and created tags are commands and tag pushes on GitLab: its webhooks make none of them.
        log.debug({ project: where.pathWithNamespace, kind: event.kind }, 'event ignored: not one GitLab sends');
        return 'ignored';
    }
  }

  private depsFor(where: GitLabProjectRef, bot: BotUser): RepoDeps {
    const project = this.projectOf(where);
    const { defaults, connection } = this.options;
    const now = this.options.now ?? (() => new Date());
    const forge = new GitLabForge(this.api, project, { ...bot, branchPrefix: defaults.bot.branch_prefix });
    const log = this.options.log.child({ project: where.pathWithNamespace });
    const deps: RepoDeps = {
      forge,
      source: new GitLabSource(connection, project, this.api, { log, repository: where.pathWithNamespace }),
      ...(this.options.server ? { server: this.options.server } : {}),
      ...(this.options.bumpTrigger ? { bumpTrigger: this.options.bumpTrigger } : {}),
      defaults,
      now: now(),
      log,
      locks: this.locks,
      followUps: this.followUps,
      repository: where.pathWithNamespace,
      // GitLab's file and commit pages hang from PROJECT/-/blob/SHA/PATH and PROJECT/-/commit/SHA.
      repoUrl: `${where.webUrl}/-`,
      threadRef: (on) => (on.kind === 'issue' ? `#${on.number}` : `!${on.number}`),
      changeRequestName: 'merge request',
      fixesAs: 'commands',
      rerunHint:
        'Comment `/apt-snapshots check` on the merge request, or with the branch’s name on an issue, to judge again',
      defaultBranch: where.defaultBranch,
      pullRequest: async (iid: number): Promise<PullRequestTarget> => {
        const target = await mergeRequestTarget(this.api, project, iid);
        // Judged against where the target branch is now, as a re-run on GitHub is.
        return { ...target, baseRev: branchRef(target.baseRef) };
      },
      release: releaseServices({
        claims: this.claimsOf(where.pathWithNamespace),
        triggers: this.options.triggers,
        tags: (prefix) => listGitLabTags(this.api, project, prefix),
        watch: this.options.watch,
      }),
      refresh: () => Promise.resolve({ ...deps, now: now() }),
    };
    return deps;
  }

  private claimsOf(repository: string): JobClaims {
    const made = this.options.claims?.(repository);
    if (made) return made;
    let claims = this.claims.get(repository);
    if (!claims) {
      claims = new MemoryJobClaims(repository);
      this.claims.set(repository, claims);
    }
    return claims;
  }
}
