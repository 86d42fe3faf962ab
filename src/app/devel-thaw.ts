import { branchRole } from '../domain/branch.js';
import type { RefState } from '../domain/state.js';
import { escapeMarkdown, inlineCode } from '../report/markdown.js';
import type { RepoDeps } from './deps.js';
import type { Judged } from './judge.js';
import { describeFix, fixBranch, proposeFix } from './propose-fix.js';

/** Marks the one comment that says the bot's branch was taken over, so later pushes edit it instead of adding more. */
export const FOREIGN_COMMITS_MARKER = 'foreign-commits';

function commitLabel(state: RefState): string {
  const subject = state.commit.subject.length > 100 ? `${state.commit.subject.slice(0, 99)}…` : state.commit.subject;
  return `“${escapeMarkdown(subject)}”`;
}

function intro(judged: Judged, checkUrl: string): string[] {
  const { subject, evaluation } = judged;
  const findings = evaluation.verdict.findings.filter((f) => f.fix === 'thaw');
  return [
    `## What happened`,
    '',
    `${inlineCode(subject.branch)} at ${inlineCode(subject.sha.slice(0, 7))} (${commitLabel(evaluation.state)}) was left frozen, typically by merging a release branch into it without thawing afterwards. The check [${escapeMarkdown(judged.input.name)}](${checkUrl}) found:`,
    '',
    ...findings.map((f) => `- ${inlineCode(f.path)}: ${f.message}`),
    '',
    '## What this changes',
  ];
}

function footer(branch: string, head: string): string[] {
  return [
    `*Opened by apt-snapshots-bot. When ${inlineCode(branch)} moves, this pull request is recomputed on its new tip; when ${inlineCode(branch)} no longer needs thawing, it is closed. If you push to ${inlineCode(head)}, the bot leaves that branch alone from then on.*`,
  ];
}

/**
 * After a development branch is judged: keeps exactly one thaw pull request
 * open while the branch is left frozen, and closes it once the branch was
 * thawed some other way.
 */
export async function followDevelopmentBranch(deps: RepoDeps, judged: Judged, checkUrl: string): Promise<void> {
  const { evaluation, subject } = judged;
  const { config } = evaluation;
  const branch = subject.branch;
  if (subject.kind !== 'push' || branchRole(branch, config) !== 'development') return;
  const head = fixBranch(deps.defaults.bot.branch_prefix, 'thaw', branch);

  if (!evaluation.verdict.findings.some((f) => f.fix === 'thaw')) {
    const open = await deps.forge.findOpenPullRequest(head, branch);
    if (!open) return;
    await deps.forge.closePullRequest(
      open.number,
      `${inlineCode(branch)} no longer needs thawing as of ${inlineCode(subject.sha.slice(0, 7))} (${commitLabel(evaluation.state)}): someone thawed it already, so this pull request is not needed any more. Closing it.`,
    );
    deps.log.info({ repository: deps.repository, pr: open.number }, 'closed the thaw pull request: the branch is thawed');
    return;
  }

  const outcome = await proposeFix(deps, { action: 'thaw', branch, evaluation, intro: intro(judged, checkUrl), footer: footer(branch, head) });
  if (outcome.status === 'foreign-commits' && outcome.pr) {
    await deps.forge.ensureComment(outcome.pr.number, FOREIGN_COMMITS_MARKER, describeFix(outcome, 'thaw', branch));
  } else if (outcome.status === 'cannot-plan' || outcome.status === 'nothing-to-do') {
    deps.log.warn({ repository: deps.repository, branch }, describeFix(outcome, 'thaw', branch));
  }
}
