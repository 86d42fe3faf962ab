import { printable } from '../domain/serial.js';
import { formatSerialValue } from '../domain/serial.js';
import { describeFileRead, type OriginState, type RefState } from '../domain/state.js';
import type { Evaluation } from '../flow/evaluate.js';
import type { Finding, PlanAction } from '../domain/finding.js';
import type { Verdict } from '../rules/judge.js';
import { countBySeverity, formatFinding } from './findings-text.js';
import { rulesLines } from './rules-option.js';
import { paint, PLAIN, type Style } from './style.js';
import { terminalLine } from './terminal-text.js';

function originValue(origin: OriginState): string {
  if (origin.value) return formatSerialValue(origin.value);
  if (origin.file.kind !== 'text') return `?  (${origin.path} ${describeFileRead(origin.file)})`;
  return `?  (${origin.path} ${origin.syntaxError ?? 'is unreadable'})`;
}

/** Each snapshot set and its origins' serials, one line each (not yet escaped). */
export function setsTable(state: RefState): string[] {
  const lines: string[] = [];
  const width = Math.max(0, ...state.sets.flatMap((s) => s.origins.map((o) => o.origin.length)));
  for (const set of state.sets) {
    const presence = set.presence === 'dir' ? '' : set.presence === 'missing' ? ': missing' : ': not a directory';
    lines.push(`  ${set.config.name} (${set.config.dir})${presence}`);
    if (set.presence === 'dir' && set.origins.length === 0) lines.push('    no origins');
    for (const origin of set.origins) lines.push(`    ${origin.origin.padEnd(width)}  ${originValue(origin)}`);
  }
  return lines;
}

function short(sha: string): string {
  return sha.slice(0, 10);
}

/** `abcdef1234 "subject" (2021-05-13)` (not yet escaped). */
export function describeRef(state: RefState): string {
  const { commit } = state;
  return `${short(commit.sha)} "${commit.subject}" (${commit.date.toISOString().slice(0, 10)})`;
}

function stateLines(state: RefState): string[] {
  const { baseBranch, changelog, overlays, preferences } = state;
  const active = preferences.freezeExceptions.filter((e) => e.priority > 0).length;
  return [
    `Base branch: ${baseBranch.name ?? `?  (${baseBranch.path} ${baseBranch.error ?? describeFileRead(baseBranch.file)})`}`,
    `Changelog:   ${changelog.entry ? `${changelog.entry.version} (${changelog.entry.distribution})` : `?  (${changelog.path} ${changelog.error ?? describeFileRead(changelog.file)})`}`,
    `Overlays:    ${overlays.presence !== 'dir' ? `${overlays.path} is ${overlays.presence === 'missing' ? 'missing' : 'not a directory'}` : overlays.entries.length === 0 ? 'none' : overlays.entries.join(', ')}`,
    `Freeze exceptions: ${preferences.freezeExceptions.length === 0 ? 'none' : `${preferences.freezeExceptions.length} (${active} active)`}`,
  ];
}

export interface CheckReportOptions {
  style?: Style;
  /** Only the error findings and the conclusion, as eslint --quiet. */
  quiet?: boolean;
  /** --base-ref as given, which the base state is then named after. */
  baseRef?: string;
  /** The command line that fixes findings of a planner. */
  fixCommand?: (action: PlanAction) => string;
}

function baseLine(
  base: NonNullable<Evaluation['base']>,
  baseRef: string | undefined,
  named: string | undefined,
): string {
  const fork = base.forkPoint ? `, forked at ${short(base.forkPoint.commit.sha)}` : '';
  if (baseRef === undefined)
    return `Compared with base branch ${base.branch} at ${short(base.state.commit.sha)}${fork}`;
  return `Compared with --base-ref ${baseRef} at ${short(base.state.commit.sha)}${fork} (config/base_branch names ${named ?? 'no branch'})`;
}

/** `Conclusion: failure (2 errors, 0 warnings, 0 notices)`, the conclusion coloured. */
export function conclusionLine(verdict: Verdict, style: Style): string {
  const incomplete =
    verdict.conclusion === 'incomplete'
      ? `; the snapshot server did not answer ${verdict.unanswered.length} lookup(s), so the rules that need it could not decide everything`
      : '';
  return `Conclusion: ${paint(style, verdict.conclusion, verdict.conclusion)} (${countBySeverity(verdict.findings)}${incomplete})`;
}

/** The human report of `check`: what was read, what is wrong, the conclusion. Each line is one line, whatever the repository holds. */
export function checkReport(
  evaluation: Evaluation,
  ref: string,
  branch: string,
  options: CheckReportOptions = {},
): string {
  const { state, base, before, verdict } = evaluation;
  const style = options.style ?? PLAIN;
  const conclusion = conclusionLine(verdict, style);
  const format = (f: Finding) => formatFinding(f, '  ', style, options.fixCommand);
  if (options.quiet) {
    const errors = verdict.findings.filter((f) => f.severity === 'error');
    return `${[...(errors.length > 0 ? ['Findings:', ...errors.map(format), ''] : []), conclusion].join('\n')}\n`;
  }
  const header = [`Checked ${ref} = ${describeRef(state)} as branch ${printable(branch, 255)}`];
  if (base) header.push(baseLine(base, options.baseRef, state.baseBranch.name));
  if (before) header.push(`Compared with the state before the push at ${short(before.commit.sha)}`);
  const body = ['', ...stateLines(state), '', 'Snapshot sets:', ...setsTable(state), ''];
  const lines = [...header.map(terminalLine), ...rulesLines(evaluation), ...body.map(terminalLine)];
  if (verdict.findings.length === 0) lines.push('Findings: none');
  else lines.push('Findings:', ...verdict.findings.map(format));
  if (verdict.skipped.length > 0) {
    lines.push('', 'Skipped rules:', ...verdict.skipped.map((s) => `  ${s.rule}: ${s.reason}`));
  }
  lines.push('', conclusion);
  return `${lines.join('\n')}\n`;
}
