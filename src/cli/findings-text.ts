import type { Finding, PlanAction } from '../domain/finding.js';
import { wrapped } from './layout.js';
import { paint, PLAIN, type Style } from './style.js';
import { terminalLine } from './terminal-text.js';

export function findingLocation(finding: Finding): string {
  return finding.line === undefined ? finding.path : `${finding.path}:${finding.line}`;
}

/** The width of a severity word and the space after it: where messages, hints and fixes line up. */
const SEVERITY_WIDTH = 9;

/**
 * `error    path:line  message`, then the hint indented under it, and the
 * command that fixes it when a planner does; what came from the repository
 * cannot add lines or escapes. On a terminal (style.columns) long lines wrap
 * under the message; colour goes only on the severity word.
 * @param fixCommand the command line that fixes a finding of this planner
 */
export function formatFinding(
  finding: Finding,
  indent = '',
  style: Style = PLAIN,
  fixCommand?: (action: PlanAction) => string,
): string {
  const column = indent.length + SEVERITY_WIDTH;
  const pad = ' '.repeat(column);
  const location = terminalLine(findingLocation(finding));
  const message = wrapped(terminalLine(finding.message), style.columns, column, column + location.length + 2);
  const lines = [
    `${indent}${paint(style, finding.severity, finding.severity)}${' '.repeat(SEVERITY_WIDTH - finding.severity.length)}${location}  ${message}`,
  ];
  if (finding.hint !== undefined)
    lines.push(`${pad}hint: ${wrapped(terminalLine(finding.hint), style.columns, column + 6, column + 6)}`);
  if (finding.fix !== undefined && fixCommand !== undefined)
    lines.push(`${pad}fix:  ${wrapped(`run \`${fixCommand(finding.fix)}\``, style.columns, column + 6, column + 6)}`);
  return lines.join('\n');
}

export function severityCounts(findings: readonly Finding[]): Record<Finding['severity'], number> {
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  return { error: count('error'), warning: count('warning'), notice: count('notice') };
}

export function countBySeverity(findings: readonly Finding[]): string {
  const counts = severityCounts(findings);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.notice, 'notice')}`;
}
