import type { Finding, Severity } from '../domain/finding.js';
import { formatSerialValue } from '../domain/serial.js';
import {
  describeFileRead,
  type FileRead,
  type OriginState,
  type RefState,
  type SnapshotSetState,
} from '../domain/state.js';
import { lineDiff } from '../domain/text-diff.js';
import type { Evaluation, RulesChange, RulesOrigin } from '../flow/evaluate.js';
import { describeConfigProblem } from '../config/load.js';
import { describeFieldChange } from '../config/diff.js';
import type { CheckConclusion, CheckReport } from '../ports/forge.js';
import type { Verdict } from '../rules/judge.js';
import { annotationsFor, fixesFor } from './check-annotations.js';
import { subjectMarker, type CheckSubject } from './check-subject.js';
import { escapeMarkdown, fencedBlock, inlineCode, keepLines, tableCell } from './markdown.js';

export interface CheckInput {
  name: string;
  subject: CheckSubject;
  evaluation: Evaluation;
  /**
   * Where PATH's page at a commit is REPO_URL/blob/SHA/PATH and the
   * commit's REPO_URL/commit/SHA: https://github.com/OWNER/REPO on GitHub,
   * https://gitlab.example/GROUP/PROJECT/- on GitLab.
   */
  repoUrl?: string;
  /** How the forge names the judged change request: "pull request #12" (GitHub), "merge request !12" (GitLab). */
  changeRequestLabel?: string;
  /** What the forge calls a change request: "pull request" (the default), "merge request". */
  changeRequestName?: string;
  /** How the forge offers the fixes: as buttons above the summary (GitHub, the default), or as commands below it. */
  fixesAs?: 'buttons' | 'commands';
  /** Whether the bot can push a fix to this branch (not a fork's, not its own). */
  fixable: boolean;
  /** Lines shown first, e.g. the pull request a fix opened. */
  notes?: string[];
}

/**
 * Findings listed in a summary stop here: a longer list is read by nobody,
 * every finding is also on its file, and it stays within GitHub's limit on
 * a check run's summary (65,535 characters), the smallest of the forges'.
 */
export const SUMMARY_BUDGET = 60_000;
/**
 * The most the snapshot tables and a configuration diff may take, so that
 * a branch with thousands of origins or a rewritten configuration file
 * still leaves room for the findings.
 */
export const TABLES_BUDGET = 20_000;
export const CONFIG_DIFF_BUDGET = 15_000;
const TITLE_MAX = 120;

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };

export function short(sha: string): string {
  return sha.slice(0, 7);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

function counts(findings: readonly Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) out[f.severity] += 1;
  return out;
}

/** One line for the check's title: how bad, and the worst finding. */
export function checkTitle(verdict: Verdict): string {
  const n = counts(verdict.findings);
  const worst =
    verdict.findings.find((f) => f.severity === 'error') ?? verdict.findings.find((f) => f.severity === 'warning');
  if (!worst)
    return n.notice > 0 ? `All snapshot rules pass (${plural(n.notice, 'notice')})` : 'All snapshot rules pass';
  const tally = [n.error > 0 ? plural(n.error, 'error') : '', n.warning > 0 ? plural(n.warning, 'warning') : '']
    .filter(Boolean)
    .join(', ');
  const incomplete =
    verdict.conclusion === 'incomplete'
      ? `Incomplete, the snapshot server did not answer ${plural(verdict.unanswered.length, 'lookup')}; `
      : '';
  return truncate(`${incomplete}${tally}: ${worst.message}`, TITLE_MAX);
}

function fileLink(path: string, input: CheckInput): string {
  const code = inlineCode(path);
  if (!input.repoUrl || path === '.' || path === '') return code;
  const url = `${input.repoUrl}/blob/${input.subject.sha}/${path.split('/').map(encodeURIComponent).join('/')}`;
  return `[${code}](${url})`;
}

function cell(origin: OriginState | undefined): string {
  if (!origin) return '—';
  if (origin.value) return inlineCode(formatSerialValue(origin.value));
  if (origin.syntaxError !== undefined) return '⚠️ invalid';
  return `⚠️ ${origin.file.kind === 'text' ? 'invalid' : describeFileRead(origin.file)}`;
}

function sameValue(a: OriginState | undefined, b: OriginState | undefined): boolean {
  return cell(a) === cell(b);
}

function setStatus(set: SnapshotSetState): string {
  if (set.presence === 'missing') return 'missing';
  if (set.presence === 'not-a-dir') return 'not a directory';
  const judged = set.origins.filter((o) => !set.config.freeze_exceptions.includes(o.origin));
  const pinned = judged.filter((o) => o.value?.kind === 'serial').length;
  const latest = judged.filter((o) => o.value?.kind === 'latest').length;
  if (judged.length === 0) return 'no origins';
  if (pinned === judged.length) return 'frozen';
  if (latest === judged.length) return 'tracks latest';
  return pinned > 0 ? 'partly frozen' : 'unreadable';
}

interface Column {
  heading: string;
  state: RefState;
}

function setTable(set: SnapshotSetState, others: Column[], input: CheckInput): string[] {
  const name = set.config.name;
  const sets = others.map((c) => c.state.sets.find((s) => s.config.name === name));
  const origins = [...new Set([set, ...sets].flatMap((s) => s?.origins.map((o) => o.origin) ?? []))].sort();
  const lines = [`#### ${escapeMarkdown(name)} — ${inlineCode(set.config.dir)} (${setStatus(set)})`, ''];
  if (origins.length === 0) return [...lines, 'No origin in any of the compared commits.', ''];
  const base = input.evaluation.base ? sets[0] : undefined;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  lines.push(
    row([
      'origin',
      `this branch (${tableCell(inlineCode(input.subject.branch))})`,
      ...others.map((c) => tableCell(c.heading)),
    ]),
    row(['---', '---', ...others.map(() => '---')]),
  );
  for (const origin of origins) {
    const own = set.origins.find((o) => o.origin === origin);
    const theirs = sets.map((s) => s?.origins.find((o) => o.origin === origin));
    const differs =
      input.evaluation.base !== undefined &&
      !sameValue(
        own,
        base?.origins.find((o) => o.origin === origin),
      );
    const mine = differs ? `**${cell(own)}**` : cell(own);
    lines.push(row([tableCell(inlineCode(origin)), tableCell(mine), ...theirs.map((o) => tableCell(cell(o)))]));
  }
  return [...lines, ''];
}

function tables(input: CheckInput): string[] {
  const { evaluation, subject } = input;
  const columns: Column[] = [];
  if (evaluation.base) {
    // A pull request is compared with what it goes into, whatever config/base_branch says.
    const name = subject.kind === 'pull_request' ? subject.baseRef : evaluation.base.branch;
    columns.push({
      heading: `base branch (${inlineCode(name)} at ${inlineCode(short(evaluation.base.state.commit.sha))})`,
      state: evaluation.base.state,
    });
  }
  if (evaluation.before && subject.kind === 'push')
    columns.push({
      heading: `before the push (${inlineCode(short(evaluation.before.commit.sha))})`,
      state: evaluation.before,
    });
  const { kept, omitted } = keepLines(
    evaluation.state.sets.flatMap((set) => setTable(set, columns, input)),
    TABLES_BUDGET,
  );
  return [
    '### Snapshots',
    '',
    ...kept,
    ...(omitted > 0
      ? ['', `*(… ${plural(omitted, 'more line')} of these tables not shown; every finding below names its file.)*`, '']
      : []),
  ];
}

function nameOf(input: CheckInput): string {
  return input.changeRequestName ?? 'pull request';
}

function findingLine(f: Finding, input: CheckInput): string {
  const where = f.line !== undefined ? `${fileLink(f.path, input)} line ${f.line}` : fileLink(f.path, input);
  const hint = f.hint ? `<br>↳ ${f.hint}` : '';
  const opens = `opens a ${nameOf(input)}`;
  const fix =
    f.fix && input.fixable
      ? input.fixesAs === 'commands'
        ? ` (${inlineCode(`/apt-snapshots ${f.fix} ${input.subject.branch}`)}, below, ${opens})`
        : ` (“Fix it: ${f.fix}” above ${opens})`
      : '';
  return `- ${ICON[f.severity]} **${f.severity}** ${inlineCode(f.rule)} in ${where}: ${f.message}${hint}${fix}`;
}

function findings(input: CheckInput, budget: number): string[] {
  const all = input.evaluation.verdict.findings;
  if (all.length === 0) return ['### Findings', '', 'None: every rule passes.', ''];
  const lines = ['### Findings', ''];
  let used = 0;
  for (const [i, f] of all.entries()) {
    const line = findingLine(f, input);
    if (used + line.length > budget) {
      lines.push(`- … and ${plural(all.length - i, 'more finding')}, each also shown at its line.`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  const { subject } = input;
  if (subject.kind === 'pull_request' && subject.fromFork && all.some((f) => f.fix !== undefined)) {
    lines.push(
      '',
      `This ${nameOf(input)} comes from a fork, which the bot never pushes to: its author applies the fixes on the fork's branch, as each finding's ↳ says.`,
    );
  }
  return [...lines, ''];
}

function skipped(verdict: Verdict): string[] {
  if (verdict.skipped.length === 0) return [];
  return ['### Skipped rules', '', ...verdict.skipped.map((s) => `- ${inlineCode(s.rule)}: ${s.reason}`), ''];
}

function rulesLine(input: CheckInput): string {
  const { rules } = input.evaluation;
  const where = rules.rev === undefined ? '' : ` at ${inlineCode(short(rules.rev))}`;
  const file = inlineCode(rules.path);
  const why: Record<RulesOrigin, string> = {
    before: 'the commit before the push',
    parent: 'the parent of this commit',
    base: 'the base branch',
    'default-branch': 'the default branch',
    'pull-request-base': `the ${nameOf(input)}'s base`,
    file: 'the app',
    defaults: 'nothing came before this commit',
  };
  const never = ' A change never judges itself under rules it brings.';
  if (rules.origin === 'defaults') return `**Rules:** the defaults (${why.defaults}).${never}`;
  if (rules.file.kind === 'missing')
    return `**Rules:** the defaults; there is no ${file}${where} (${why[rules.origin]}).${never}`;
  const invalid = rules.problems.length > 0 ? ', which is invalid, so the defaults were used (see the findings)' : '';
  return `**Rules:** the defaults, overridden by ${file}${where} (${why[rules.origin]})${invalid}.${never}`;
}

function fileText(file: FileRead): string {
  return file.kind === 'text' ? file.text : file.kind === 'missing' ? '' : `(the file ${describeFileRead(file)})\n`;
}

/** A fenced block of the lines that fit in `budget`, and a line saying how many did not. */
function cappedBlock(lines: readonly string[], info: string, budget: number): string[] {
  const { kept, omitted } = keepLines(lines, budget);
  return [
    fencedBlock(kept.join('\n'), info),
    ...(omitted > 0 ? ['', `*(… ${plural(omitted, 'more line')} of the change not shown.)*`] : []),
  ];
}

function rulesChangeSection(change: RulesChange): string[] {
  const lines = [
    `### ⚠️ This change edits the rules, ${inlineCode(change.path)}`,
    '',
    'The check above uses the rules from before it: the new rules take effect once this has landed. Review the change:',
    '',
    ...change.fields.map((f) => `- ${escapeMarkdown(describeFieldChange(f))}`),
    ...(change.fields.length > 0 ? [''] : []),
  ];
  const before = fileText(change.before);
  const after = fileText(change.after);
  const diff = lineDiff(before, after);
  if (diff) lines.push(...cappedBlock(diff, 'diff', CONFIG_DIFF_BUDGET));
  else
    lines.push(
      'Before:',
      '',
      ...cappedBlock(before.split('\n'), 'yaml', CONFIG_DIFF_BUDGET / 2),
      '',
      'After:',
      '',
      ...cappedBlock(after.split('\n'), 'yaml', CONFIG_DIFF_BUDGET / 2),
    );
  if (change.after.kind === 'missing') lines.push('', 'The file is deleted: the defaults will apply.');
  if (change.problems.length > 0)
    lines.push(
      '',
      '**The new file is invalid:**',
      '',
      ...change.problems.map((p) => `- ${escapeMarkdown(describeConfigProblem(p))}`),
    );
  return [...lines, ''];
}

function heading(input: CheckInput): string {
  const { subject, evaluation } = input;
  const n = counts(evaluation.verdict.findings);
  const verdict =
    n.error > 0
      ? `${ICON.error} ${plural(n.error, 'error')}`
      : n.warning > 0
        ? `${ICON.warning} no errors, ${plural(n.warning, 'warning')}`
        : '✅ no errors or warnings';
  const what =
    subject.kind === 'push'
      ? `${inlineCode(subject.branch)} at ${inlineCode(short(subject.sha))}, ${subject.before ? `pushed over ${inlineCode(short(subject.before))}` : 'a new branch'}`
      : `${input.changeRequestLabel ?? `pull request #${subject.number}`}: ${inlineCode(subject.branch)} at ${inlineCode(short(subject.sha))} into ${inlineCode(subject.baseRef)} at ${inlineCode(short(subject.baseSha))}`;
  return `**${verdict}** for ${what}.`;
}

function baseMismatch(input: CheckInput): string[] {
  const { subject, evaluation } = input;
  if (subject.kind !== 'pull_request' || !evaluation.base || evaluation.base.branch === subject.baseRef) return [];
  const file = inlineCode(evaluation.state.baseBranch.path);
  return [
    `⚠️ ${file} names ${inlineCode(evaluation.base.branch)}, but this ${nameOf(input)} goes into ${inlineCode(subject.baseRef)}: the serials were compared with ${inlineCode(subject.baseRef)}. Check the ${nameOf(input)}'s base, or ${file}.`,
    '',
  ];
}

/**
 * An incomplete judgement (the snapshot server did not answer) is neutral:
 * re-run once it answers. Where an unanswered lookup could hide an error (a
 * release branch), the rule already made it an error, so the check fails.
 */
function checkConclusion(verdict: Verdict): CheckConclusion {
  return verdict.conclusion === 'incomplete' ? 'neutral' : verdict.conclusion;
}

/** The branch of the repository the subject's commit is on, when it is the repository's (see CheckReport.ref). */
export function refOf(subject: CheckSubject): { ref?: string } {
  return subject.kind === 'push' || !subject.fromFork ? { ref: subject.branch } : {};
}

/** Everything a reviewer needs to trust or fix the state of a commit, as a check run. */
export function renderCheck(input: CheckInput): CheckReport {
  const { evaluation } = input;
  const top = [
    heading(input),
    '',
    ...(input.notes ?? []).flatMap((n) => [n, '']),
    ...baseMismatch(input),
    ...(evaluation.rulesChange ? rulesChangeSection(evaluation.rulesChange) : []),
  ];
  const tail = [...skipped(evaluation.verdict), rulesLine(input), ''];
  const marker = subjectMarker(input.subject);
  const middle = tables(input);
  const fixed = [...top, ...middle, ...tail, marker].join('\n').length;
  const summary = [...top, ...middle, ...findings(input, Math.max(1000, SUMMARY_BUDGET - fixed)), ...tail, marker].join(
    '\n',
  );
  return {
    name: input.name,
    headSha: input.subject.sha,
    conclusion: checkConclusion(evaluation.verdict),
    title: checkTitle(evaluation.verdict),
    summary,
    annotations: annotationsFor(evaluation.verdict.findings),
    fixes: input.fixable ? fixesFor(evaluation.verdict.findings, input.subject.branch) : [],
    ...(input.subject.kind === 'pull_request' ? { changeRequest: input.subject.number } : {}),
    ...refOf(input.subject),
  };
}
