import { defaultBranchOf, firstParent, publishedBefore } from '../adapters/git/history.js';
import { describeConfigProblem } from '../config/load.js';
import { describeFieldChange } from '../config/diff.js';
import { describeFileRead } from '../domain/state.js';
import { unifiedDiff } from '../domain/text-diff.js';
import { describeRules, type Evaluation, type RulesInput, type RulesOrigin } from '../flow/evaluate.js';
import type { CliIo } from './io.js';
import type { ConfigOption } from './server-option.js';
import { terminalLine, terminalText } from './terminal-text.js';

/**
 * The rules that judge REV from the command line: `--config FILE` when
 * given, else those of the commit before the change: `--before REV`, else
 * what a push of REV to its branch would go onto (`origin/BRANCH`, when REV
 * has commits on top of it: a merge made the wrong way round is judged
 * under the branch's published rules, not its first parent's), else REV's
 * first parent. Never REV's own file.
 */
export async function cliRules(
  repoDir: string,
  rev: string,
  options: { config: ConfigOption; before?: string; branch?: string },
  io: Pick<CliIo, 'env'>,
): Promise<RulesInput> {
  if (options.config.rules) return options.config.rules;
  if (options.before !== undefined) return { kind: 'before-change', rev: options.before, label: 'before' };
  const published =
    options.branch === undefined ? undefined : await publishedBefore(repoDir, options.branch, rev, { env: io.env });
  if (published !== undefined) return { kind: 'before-change', rev: published, label: 'before' };
  const parent = await firstParent(repoDir, rev, { env: io.env });
  return { kind: 'before-change', ...(parent === undefined ? {} : { rev: parent }), label: 'parent' };
}

/**
 * The default branch whose rules decide which branches are base branches
 * (EvaluateInput.landed); irrelevant with `--config`, whose rules decide.
 */
export async function cliLanded(
  repoDir: string,
  config: ConfigOption,
  io: Pick<CliIo, 'env'>,
): Promise<{ landed?: { branch: string; rev: string } }> {
  if (config.rules) return {};
  const landed = await defaultBranchOf(repoDir, config.config.branches.development, { env: io.env });
  return landed ? { landed } : {};
}

export interface RulesJson {
  origin: RulesOrigin;
  path: string;
  /** The commit the rules file was read at; absent for --config and the defaults. */
  rev?: string;
  /** Whether the file exists there (the defaults judge when it does not). */
  present: boolean;
  /** What is wrong with it; the defaults judged instead. */
  problems: string[];
  /** The judged commit's own rules file, when it differs: it takes effect once landed. */
  change?: { fields: { field: string; before?: string; after?: string }[]; problems: string[] };
}

export function rulesJson(evaluation: Pick<Evaluation, 'rules' | 'rulesChange'>): RulesJson {
  const { rules, rulesChange } = evaluation;
  return {
    origin: rules.origin,
    path: rules.path,
    ...(rules.rev === undefined ? {} : { rev: rules.rev }),
    present: rules.file.kind !== 'missing',
    problems: rules.problems.map(describeConfigProblem),
    ...(rulesChange
      ? { change: { fields: rulesChange.fields, problems: rulesChange.problems.map(describeConfigProblem) } }
      : {}),
  };
}

/** "Rules: …" and, when the commit edits its rules file, what it changes; every line one terminal line. */
export function rulesLines(evaluation: Pick<Evaluation, 'rules' | 'rulesChange'>): string[] {
  const lines = [`Rules: ${terminalLine(describeRules(evaluation.rules))}`];
  const change = evaluation.rulesChange;
  if (!change) return lines;
  lines.push(`Rules change at this commit (takes effect once it has landed): ${terminalLine(change.path)}`);
  for (const field of change.fields) lines.push(`  ${terminalLine(describeFieldChange(field))}`);
  for (const problem of change.problems) lines.push(`  invalid: ${terminalLine(describeConfigProblem(problem))}`);
  if (change.after.kind !== 'text' && change.after.kind !== 'missing') {
    lines.push(`  ${terminalLine(`${change.path} ${describeFileRead(change.after)}`)}`);
    return lines;
  }
  const before = change.before.kind === 'text' ? change.before.text : undefined;
  const diff = unifiedDiff(change.path, before, change.after.kind === 'text' ? change.after.text : '');
  return [
    ...lines,
    ...terminalText(diff)
      .trimEnd()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `  ${l}`),
  ];
}
