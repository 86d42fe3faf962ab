import { terminalLine } from './terminal-text.js';
import {
  periodDays,
  summarizeTimeline,
  type AuditedCommit,
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

export function periodLine(period: Period): string {
  const head = `${day(period.start)} → ${day(period.end)} (${periodDays(period)} d)`;
  const what = `${period.status} after '${period.first.subject}' (${period.first.sha.slice(0, 10)}, ${plural(period.commits, 'commit')})`;
  const wrong = period.wrong.length === 0 ? '' : `; wrong: ${period.wrong.join(', ')}: ${firstError(period.first)}`;
  return terminalLine(`${head}  ${what}${wrong}${period.ongoing ? '; still so at the tip' : ''}`);
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

/** The text of `audit`: one line per period, oldest first, then the totals. */
export function auditReport(rev: string, branch: string, periods: readonly Period[]): string {
  if (periods.length === 0) return `No commits in the first-parent history of ${rev} in that range.\n`;
  const first = periods[0] as Period;
  const last = periods[periods.length - 1] as Period;
  const lines = [
    `Audit of ${terminalLine(rev)} as branch ${terminalLine(branch)}, first-parent history ${day(first.start)} → ${day(last.end)}:`,
    '',
    ...periods.map(periodLine),
    '',
    summaryLine(summarizeTimeline(periods)),
  ];
  return `${lines.join('\n')}\n`;
}
