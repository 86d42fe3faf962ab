import type { AuditedCommit, FreezeStatus, Period } from '../../src/flow/audit-timeline.js';
import type { DashboardBranch, DashboardFacts } from '../../src/flow/dashboard-facts.js';
import type { BotChangeRequest } from '../../src/ports/forge.js';

export const NOW = new Date('2021-05-20T12:00:00Z');
export const REPO_URL = 'https://github.com/tails/tails';

export function sha(n: number): string {
  return n.toString(16).padStart(40, 'a');
}

export function commit(n: number, date: string, subject = `Commit ${n}`): AuditedCommit {
  return { sha: sha(n), date: new Date(date), subject, conclusion: 'success', findings: [], status: 'frozen' };
}

export function period(status: FreezeStatus, start: string, end: string, options: Partial<Period> = {}): Period {
  const first = commit(1, start);
  return {
    status,
    wrong: [],
    first,
    commits: 1,
    start: new Date(start),
    end: new Date(end),
    ongoing: false,
    ...options,
  };
}

export function branch(name: string, options: Partial<DashboardBranch> = {}): DashboardBranch {
  return {
    branch: name,
    role: 'release',
    tip: { sha: sha(9), date: new Date('2021-05-13T10:00:00Z'), subject: 'Tip' },
    state: 'frozen',
    wrong: [],
    serials: [{ set: 'main', origin: 'debian', serial: '2021051301', newest: '2021051301' }],
    attention: [],
    ...options,
  };
}

export function pullRequest(n: number, title = `Pull request ${n}`): BotChangeRequest {
  return { number: n, url: `${REPO_URL}/pull/${n}`, title, head: `apt-snapshots-bot/thaw-devel-${n}`, base: 'devel' };
}

export function facts(options: Partial<DashboardFacts> = {}): DashboardFacts {
  return {
    repository: 'tails/tails',
    generatedAt: NOW,
    historyDays: 365,
    branches: [branch('testing')],
    timelines: [],
    requests: [],
    ...options,
  };
}
