import type { Finding } from '../domain/finding.js';
import { terminalLine } from './terminal-text.js';

export function findingLocation(finding: Finding): string {
  return finding.line === undefined ? finding.path : `${finding.path}:${finding.line}`;
}

/** `error    path:line  message`, then the hint indented under it; what came from the repository cannot add lines or escapes. */
export function formatFinding(finding: Finding, indent = ''): string {
  const head = `${indent}${finding.severity.padEnd(8)} ${terminalLine(findingLocation(finding))}  ${terminalLine(finding.message)}`;
  return finding.hint === undefined ? head : `${head}\n${indent}${' '.repeat(9)}hint: ${terminalLine(finding.hint)}`;
}

export function countBySeverity(findings: readonly Finding[]): string {
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('notice'), 'notice')}`;
}
