import { describeForLog } from '../errors.js';
import { isBaseBranch } from '../domain/branch.js';
import { askingOnce } from '../flow/asking-once.js';
import type { HistoryReader } from '../ports/history.js';
import { updateDashboard, landedConfig, type DashboardOutcome } from './dashboard-update.js';
import type { RepoDeps } from './deps.js';
import { watchExpiry, type WatchOutcome } from './expiry-watch.js';
import { judge } from './judge.js';
import { branchRef } from './targets.js';

/** What one refresh did, per part; a part that failed says so and the others still ran. */
export interface RefreshOutcome {
  expiry: Record<string, WatchOutcome | 'failed'>;
  dashboard: DashboardOutcome | 'failed';
}

/**
 * Everything the bot does between pushes, for one repository: the expiry
 * watch of every base branch, then the dashboard. Run by the schedule and
 * shortly after a push to a base branch, one at a time per repository;
 * each question to the snapshot server is asked once per refresh. A
 * branch that cannot be read or watched is logged and the rest goes on:
 * one broken branch must not stop the warnings about the others.
 */
export function refreshRepository(deps: RepoDeps, history: HistoryReader): Promise<RefreshOutcome> {
  // One refresh of a repository at a time, across replicas: two would both find no issue and both open one.
  return deps.locks.run(`refresh ${deps.repository}`, () =>
    refreshUnlocked({ ...deps, ...(deps.server ? { server: askingOnce(deps.server) } : {}) }, history),
  );
}

async function refreshUnlocked(deps: RepoDeps, history: HistoryReader): Promise<RefreshOutcome> {
  const config = await landedConfig(deps);
  const expiry: RefreshOutcome['expiry'] = {};
  for (const branch of config.branches.base.filter((name) => isBaseBranch(name, config))) {
    try {
      const judged = await judge(deps, { kind: 'push', branch, rev: branchRef(branch) });
      expiry[branch] = await watchExpiry(deps, {
        branch,
        sha: judged.subject.sha,
        state: judged.evaluation.state,
        config: judged.evaluation.config,
      });
    } catch (error) {
      expiry[branch] = 'failed';
      deps.log.warn({ repository: deps.repository, branch, err: describeForLog(error) }, 'expiry watch failed');
    }
  }
  let dashboard: RefreshOutcome['dashboard'];
  try {
    dashboard = await updateDashboard(deps, history, config);
  } catch (error) {
    dashboard = 'failed';
    deps.log.warn({ repository: deps.repository, err: describeForLog(error) }, 'dashboard not updated');
  }
  deps.log.info({ repository: deps.repository, expiry, dashboard }, 'refreshed the expiry watch and the dashboard');
  return { expiry, dashboard };
}
