import type { Finding } from '../domain/finding.js';
import type { Conclusion } from '../rules/judge.js';
import { describeFileRead, type RefState } from '../domain/state.js';

/**
 * How the sets that thaw stand at one commit, freeze exceptions aside:
 * every origin pinned, every origin `latest`, a mix, or not decidable (no
 * such origin, or a serial file that gives no value).
 */
export type FreezeStatus = 'frozen' | 'thawed' | 'partly frozen' | 'undecidable';

export interface AuditedCommit {
  sha: string;
  date: Date;
  subject: string;
  conclusion: Conclusion;
  findings: Finding[];
  status: FreezeStatus;
  /** Why the status is undecidable, when it is (see undecidableWhy). */
  undecidable?: string;
}

/** A run of consecutive commits in the same status and wrong for the same rules. */
export interface Period {
  status: FreezeStatus;
  /** The rules with error findings, sorted; empty when the commits were right. */
  wrong: string[];
  /** The commit that began the period. */
  first: AuditedCommit;
  commits: number;
  start: Date;
  /** When the next period began; for the last period, the date of its last commit. */
  end: Date;
  /** The last period, still the state at the tip. */
  ongoing: boolean;
}

export function freezeStatus(state: RefState): FreezeStatus {
  const origins = state.sets
    .filter((set) => set.config.thaws)
    .flatMap((set) => set.origins.filter((o) => !set.config.freeze_exceptions.includes(o.origin)));
  if (origins.length === 0 || origins.some((o) => o.value === undefined)) return 'undecidable';
  const pinned = origins.filter((o) => o.value?.kind === 'serial').length;
  if (pinned === origins.length) return 'frozen';
  return pinned === 0 ? 'thawed' : 'partly frozen';
}

/**
 * Why freezeStatus cannot tell whether the branch is frozen: a serial file
 * that gives no value, else a set that thaws and is missing or holds no
 * origin (freeze exceptions aside). Undefined when it can tell.
 */
export function undecidableWhy(state: RefState): string | undefined {
  if (freezeStatus(state) !== 'undecidable') return undefined;
  const sets = state.sets.filter((set) => set.config.thaws);
  for (const set of sets) {
    const unread = set.origins.find((o) => o.value === undefined && !set.config.freeze_exceptions.includes(o.origin));
    if (unread)
      return `${unread.path} ${unread.file.kind === 'text' ? (unread.syntaxError ?? 'gives no serial') : describeFileRead(unread.file)}`;
  }
  if (sets.length === 0) return 'no snapshot set thaws, in the configuration';
  const absent = sets.find((set) => set.presence !== 'dir');
  if (absent)
    return `the ${absent.config.name} set (${absent.config.dir}) ${absent.presence === 'missing' ? 'is missing' : 'is not a directory'}`;
  return 'the sets that thaw hold no origin but freeze exceptions';
}

function wrongRules(commit: AuditedCommit): string[] {
  return [...new Set(commit.findings.filter((f) => f.severity === 'error').map((f) => f.rule))].sort();
}

/** @param commits oldest first */
export function buildTimeline(commits: readonly AuditedCommit[]): Period[] {
  const periods: Period[] = [];
  for (const commit of commits) {
    const wrong = wrongRules(commit);
    const current = periods[periods.length - 1];
    if (current && current.status === commit.status && current.wrong.join(' ') === wrong.join(' ')) {
      current.commits += 1;
      current.end = commit.date;
      continue;
    }
    if (current) current.end = commit.date;
    periods.push({
      status: commit.status,
      wrong,
      first: commit,
      commits: 1,
      start: commit.date,
      end: commit.date,
      ongoing: false,
    });
  }
  const last = periods[periods.length - 1];
  if (last) last.ongoing = true;
  return periods;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function spanMs(period: Pick<Period, 'start' | 'end'>): number {
  return Math.max(0, period.end.getTime() - period.start.getTime());
}

/** Whole days; history rewritten with older committer dates counts as 0, not negative. */
export function periodDays(period: Pick<Period, 'start' | 'end'>): number {
  return Math.floor(spanMs(period) / DAY_MS);
}

export interface Tally {
  periods: number;
  /** Whole days of all those periods together. */
  days: number;
}

export interface TimelineSummary {
  commits: number;
  /** Commits whose conclusion was failure. */
  failures: number;
  byStatus: Record<FreezeStatus, Tally>;
  wrong: Tally;
}

export function summarizeTimeline(periods: readonly Period[]): TimelineSummary {
  const statuses: FreezeStatus[] = ['frozen', 'thawed', 'partly frozen', 'undecidable'];
  const counts = new Map<FreezeStatus | 'wrong', { periods: number; ms: number }>(
    [...statuses, 'wrong' as const].map((k) => [k, { periods: 0, ms: 0 }]),
  );
  let commits = 0;
  let failures = 0;
  periods.forEach((period, i) => {
    commits += period.commits;
    const previous = periods[i - 1];
    // A status split by a change in what is wrong is still one stretch of that status.
    const status = counts.get(period.status) as { periods: number; ms: number };
    if (previous?.status !== period.status) status.periods += 1;
    status.ms += spanMs(period);
    if (period.wrong.length > 0) {
      failures += period.commits;
      const wrong = counts.get('wrong') as { periods: number; ms: number };
      if (!previous || previous.wrong.length === 0) wrong.periods += 1;
      wrong.ms += spanMs(period);
    }
  });
  const tally = (key: FreezeStatus | 'wrong'): Tally => {
    const c = counts.get(key) as { periods: number; ms: number };
    return { periods: c.periods, days: Math.floor(c.ms / DAY_MS) };
  };
  return {
    commits,
    failures,
    byStatus: {
      frozen: tally('frozen'),
      thawed: tally('thawed'),
      'partly frozen': tally('partly frozen'),
      undecidable: tally('undecidable'),
    },
    wrong: tally('wrong'),
  };
}
