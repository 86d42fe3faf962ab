import { describeForLog } from '../errors.js';
import { isBaseBranch } from '../domain/branch.js';
import type { Config } from '../config/schema.js';
import { auditJudge } from '../flow/audit.js';
import { dashboardFacts, historyPaths, type DashboardRelease } from '../flow/dashboard-facts.js';
import { rulesOfCommit } from '../flow/evaluate.js';
import { newestReleaseTag } from '../flow/last-release.js';
import { JOB_NAMES } from '../release/jobs.js';
import type { HistoryReader } from '../ports/history.js';
import type { BranchTimeline } from '../report/mermaid-gantt.js';
import { carryTicks, DASHBOARD_MARKER, readEmbedded, renderDashboard } from '../report/dashboard.js';
import { releaseCheckName } from '../report/release-check.js';
import { branchTimeline, cacheOf, EMBED_KEY, readTimelineCache } from './dashboard-timeline.js';
import type { RepoDeps } from './deps.js';
import { branchRef } from './targets.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The rules of the default branch's tip: they decide which branches are base branches and how they are judged. */
export async function landedConfig(deps: RepoDeps): Promise<Config> {
  const { config } = await rulesOfCommit(
    deps.source,
    { kind: 'before-change', rev: branchRef(deps.defaultBranch), label: 'parent' },
    deps.defaults,
  );
  return config;
}

/**
 * The newest release tag, by version, with its release check and the jobs
 * its claims record; null when there is none. What cannot be read of it
 * is left out (shown as not known), and the rest of the dashboard written.
 */
async function lastRelease(deps: RepoDeps, config: Config): Promise<DashboardRelease | null | undefined> {
  try {
    const tag = newestReleaseTag(await deps.release.tags(''), config);
    if (tag === undefined) return null;
    // The bare name (GitHub resolves it as `git rev-parse` would): `tags/NAME` would reach GitHub with its "/"
    // encoded in the path. A branch named like a release tag is not a case worth that risk.
    const check = await deps.forge.latestCheck(tag, releaseCheckName(deps.defaults.bot.check_name));
    const jobs: NonNullable<DashboardRelease['jobs']> = [];
    let claimed: string | undefined;
    for (const job of JOB_NAMES) {
      const last = (await deps.release.claims.attempts(tag, job)).at(-1);
      if (!last) continue;
      claimed ??= last.commit;
      jobs.push({ job, status: last.outcome ?? 'claimed' });
    }
    return {
      tag,
      sha: check?.sha ?? claimed ?? '',
      ...(check ? { check: { conclusion: check.conclusion, url: check.url } } : {}),
      jobs,
    };
  } catch (error) {
    deps.log.warn({ repository: deps.repository, err: describeForLog(error) }, 'the last release is not known');
    return undefined;
  }
}

export type DashboardOutcome = 'disabled' | 'closed-by-person' | 'created' | 'updated' | 'unchanged';

/** The lock under which the dashboard issue is read and written: the refresh and a ticked box must not cross. */
export function dashboardLock(deps: RepoDeps): string {
  return `dashboard ${deps.repository}`;
}

/**
 * Writes the dashboard issue: the state of every base branch, its
 * timeline, the bot's pull requests and the last release. What takes time
 * (the history, the server) is read first; the issue is then read again
 * and written under the dashboard's lock, so that a person's edit made
 * meanwhile is kept, and a box ticked meanwhile stays ticked for its own
 * webhook. A dashboard a person closed stays closed (reopening it brings
 * it back to life).
 */
export async function updateDashboard(
  deps: RepoDeps,
  history: HistoryReader,
  config: Config,
): Promise<DashboardOutcome> {
  if (!config.dashboard.enabled) return 'disabled';
  const existing = await deps.forge.findIssue(DASHBOARD_MARKER);
  if (existing?.state === 'closed') return 'closed-by-person';
  const cache = readTimelineCache(existing ? readEmbedded(existing.body) : undefined);
  const since = new Date(deps.now.getTime() - config.dashboard.history_days * DAY_MS);
  const paths = historyPaths(config);
  const branches = config.branches.base.filter((branch) => isBaseBranch(branch, config));
  // Each commit judged as its push was: under its parent's rules, the default branch deciding the roles.
  const audit = { defaults: deps.defaults, landed: { branch: deps.defaultBranch, rev: branchRef(deps.defaultBranch) } };
  const timelines: BranchTimeline[] = [];
  const entries = new Map<string, (typeof cache.branches)[string] | undefined>();
  for (const branch of branches) {
    try {
      const update = await branchTimeline(history, auditJudge(deps.source, branch, audit), {
        branch,
        paths,
        since,
        ...(cache.branches[branch] ? { cached: cache.branches[branch] } : {}),
      });
      timelines.push({ branch, periods: update.periods });
      entries.set(branch, update.entry);
    } catch (error) {
      // The branch's own row says why it could not be read; its timeline is left out.
      deps.log.warn(
        { repository: deps.repository, branch, err: describeForLog(error) },
        'no timeline for the dashboard',
      );
    }
  }
  const release = await lastRelease(deps, config);
  const facts = await dashboardFacts({
    repository: deps.repository,
    config,
    reader: deps.source,
    history,
    ...(deps.server ? { server: deps.server } : {}),
    now: deps.now,
    branches,
    pullRequests: await deps.forge.listBotChangeRequests(),
    ...(release === undefined ? {} : { release }),
    timelines,
  });
  return deps.locks.run(dashboardLock(deps), async () => {
    const latest = await deps.forge.findIssue(DASHBOARD_MARKER);
    if (latest?.state === 'closed') return 'closed-by-person';
    const rendered = renderDashboard(facts, config, {
      ...(latest ? { previousBody: latest.body } : {}),
      repoUrl: deps.repoUrl,
      embed: { [EMBED_KEY]: cacheOf(entries) },
      changeRequests: {
        name: deps.changeRequestName,
        ref: (number) => deps.threadRef({ kind: 'change-request', number }),
      },
    });
    const body = carryTicks(rendered, latest?.body);
    const issue = await deps.forge.ensureIssue(
      { marker: DASHBOARD_MARKER, title: config.dashboard.title, body },
      latest ?? null,
    );
    return issue.status;
  });
}
