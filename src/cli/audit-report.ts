import { wrapped } from './layout.js';
import { terminalLine } from './terminal-text.js';
import {
  periodDays,
  summarizeTimeline,
  type AuditedCommit,
  type FreezeStatus,
  type Period,
  type TimelineSummary,
} from '../flow/audit-timeline.js';

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function firstError(commit: AuditedCommit): string {
  const error = commit.findings.find((f) => f.severity === 'error');
  return error ? `${error.path}: ${error.message}` : '';
}

/** What each status means, for the text's legend and the JSON. */
export const STATUS_MEANINGS: Record<FreezeStatus, string> = {
  frozen: 'every origin of the sets that thaw is pinned to a serial (freeze exceptions aside)',
  thawed: 'every origin of the sets that thaw is latest (freeze exceptions aside)',
  'partly frozen': 'some origins of the sets that thaw are pinned, others latest',
  undecidable:
    'whether the branch was frozen cannot be told from the commit: a serial file of a set that thaws gives no serial (missing, not a regular file, or not valid), or such a set is missing or holds no origin; each period says which',
};

export function periodLine(period: Period, columns?: number): string {
  const head = `${day(period.start)} → ${day(period.end)} (${periodDays(period)} d)`;
  const why = period.first.undecidable === undefined ? '' : ` (${period.first.undecidable})`;
  const what = `${period.status}${why} after '${period.first.subject}' (${period.first.sha.slice(0, 10)}, ${plural(period.commits, 'commit')})`;
  const wrong = period.wrong.length === 0 ? '' : `; wrong: ${period.wrong.join(', ')}: ${firstError(period.first)}`;
  const line = terminalLine(`${head}  ${what}${wrong}${period.ongoing ? '; still so at the tip' : ''}`);
  // Continuation lines start under the status, past the dates.
  return wrapped(line, columns, head.length + 2);
}

export function summaryLine(summary: TimelineSummary): string {
  const stretch = (label: string, tally: { periods: number; days: number }) =>
    `${label} ${plural(tally.periods, 'time')} (${tally.days} d in all)`;
  const parts = [stretch('frozen', summary.byStatus.frozen), stretch('thawed', summary.byStatus.thawed)];
  if (summary.byStatus['partly frozen'].periods > 0)
    parts.push(stretch('partly frozen', summary.byStatus['partly frozen']));
  if (summary.byStatus.undecidable.periods > 0) parts.push(stretch('undecidable', summary.byStatus.undecidable));
  parts.push(stretch('wrong', summary.wrong));
  return `Summary: ${plural(summary.commits, 'commit')}, ${summary.failures} wrong (failure); ${parts.join(', ')}.`;
}

/** The text of `audit`: one line per period, oldest first, then the totals, and what "undecidable" means when it occurs. */
export function auditReport(rev: string, branch: string, periods: readonly Period[], columns?: number): string {
  if (periods.length === 0) return `No commits in the first-parent history of ${terminalLine(rev)} in that range.\n`;
  const first = periods[0] as Period;
  const last = periods[periods.length - 1] as Period;
  const lines = [
    `Audit of ${terminalLine(rev)} as branch ${terminalLine(branch)}, first-parent history ${day(first.start)} → ${day(last.end)}:`,
    '',
    ...periods.map((p) => periodLine(p, columns)),
    '',
    wrapped(summaryLine(summarizeTimeline(periods)), columns, 0),
  ];
  if (periods.some((p) => p.status === 'undecidable'))
    lines.push(wrapped(`Undecidable: ${STATUS_MEANINGS.undecidable}.`, columns, 0));
  return `${lines.join('\n')}\n`;
}

/**
 * The JSON of `audit`: every commit, and the timeline and summary the text
 * shows, with what each status means. Dates are ISO 8601, days whole.
 */
export function auditJson(rev: string, branch: string, audited: readonly AuditedCommit[], periods: readonly Period[]) {
  return {
    rev,
    branch,
    commits: audited.map((c) => ({
      sha: c.sha,
      date: c.date.toISOString(),
      subject: c.subject,
      conclusion: c.conclusion,
      status: c.status,
      ...(c.undecidable === undefined ? {} : { undecidable: c.undecidable }),
      findings: c.findings,
    })),
    timeline: periods.map((p) => ({
      status: p.status,
      ...(p.first.undecidable === undefined ? {} : { undecidable: p.first.undecidable }),
      wrong: p.wrong,
      first: { sha: p.first.sha, subject: p.first.subject },
      commits: p.commits,
      start: p.start.toISOString(),
      end: p.end.toISOString(),
      days: periodDays(p),
      ongoing: p.ongoing,
    })),
    summary: summarizeTimeline(periods),
    statuses: STATUS_MEANINGS,
  };
}
