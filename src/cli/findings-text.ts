import type { Finding } from '../domain/finding.js';

export function findingLocation(finding: Finding): string {
  return finding.line === undefined ? finding.path : `${finding.path}:${finding.line}`;
}

/** `error    path:line  message`, then the hint indented under it. */
export function formatFinding(finding: Finding, indent = ''): string {
  const head = `${indent}${finding.severity.padEnd(8)} ${findingLocation(finding)}  ${finding.message}`;
  return finding.hint === undefined ? head : `${head}\n${indent}${' '.repeat(9)}hint: ${finding.hint}`;
}

export function countBySeverity(findings: readonly Finding[]): string {
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('notice'), 'notice')}`;
}
