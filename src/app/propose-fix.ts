import type { PlanAction } from '../domain/finding.js';
import type { Evaluation } from '../flow/evaluate.js';
import { planAction } from '../flow/plan.js';
import type { ChangeRequestInfo } from '../ports/forge.js';
import { inlineCode } from '../report/markdown.js';
import type { RepoDeps } from './deps.js';

export type FixOutcome =
  | { status: 'created' | 'updated' | 'unchanged'; branch: string; pr: ChangeRequestInfo }
  /** The plan is empty: the branch is already in the state the fix would make. */
  | { status: 'nothing-to-do'; branch: string; explanation: string }
  | { status: 'cannot-plan'; branch: string; explanation: string }
  /** Someone else committed to the bot's branch, which was left alone. */
  | { status: 'foreign-commits'; branch: string; authors: string[]; pr?: ChangeRequestInfo };

export interface FixRequest {
  action: PlanAction;
  /** The branch to fix, which the pull request goes into. */
  branch: string;
  /** The branch's state at its tip, with the configuration it is judged under. */
  evaluation: Evaluation;
  /** For bump: the origins to move. */
  origins?: readonly string[];
  /** Markdown before the plan's own body: who asked, or what happened. */
  intro: string[];
  /** Markdown after it: how the bot looks after the pull request. */
  footer: string[];
}

/**
 * The bot's branch for a fix: one per action and target branch, so a fix is
 * never opened twice. The prefix is the app's own (its defaults), never a
 * branch's configuration: what a branch says must not choose where the bot
 * writes.
 */
export function fixBranch(prefix: string, action: PlanAction, branch: string): string {
  return `${prefix}${action}-${branch}`;
}

function firstParagraph(markdown: string): string {
  return markdown.trim().split(/\n\s*\n/)[0] ?? '';
}

/**
 * Plans a fix at the branch's tip and makes the bot's branch and pull
 * request hold it: created the first time, updated when the tip moved,
 * untouched when nothing changed. A bot branch is never the one fixed. Freeze and bump ask the snapshot server,
 * whose errors propagate.
 */
export async function proposeFix(deps: RepoDeps, request: FixRequest): Promise<FixOutcome> {
  const { evaluation, action } = request;
  const prefix = deps.defaults.bot.branch_prefix;
  if (request.branch.startsWith(prefix)) {
    // A command or a dashboard box can name any branch; a fix of a fix would stack bot branches on each other.
    return {
      status: 'cannot-plan',
      branch: request.branch,
      explanation: `it is one of the bot's own branches, which the bot recomputes from the branch it goes into: ask for the ${action} on that branch instead.`,
    };
  }
  const head = fixBranch(prefix, action, request.branch);
  const result = await planAction({
    action,
    state: evaluation.state,
    config: evaluation.config,
    server: deps.server,
    origins: request.origins,
  });
  if (!result.ok) return { status: 'cannot-plan', branch: head, explanation: result.error };
  const { plan } = result;
  if (plan.edits.length === 0) return { status: 'nothing-to-do', branch: head, explanation: firstParagraph(plan.body) };
  return deps.locks.run(`branch ${deps.repository} ${head}`, async () => {
    const ensured = await deps.forge.ensureBranch(head, evaluation.state.commit.sha, plan.edits, plan.title);
    if (ensured.status === 'foreign-commits') {
      const pr = await deps.forge.findOpenChangeRequest(head, request.branch);
      deps.log.warn({ repository: deps.repository, branch: head }, 'the bot branch has commits by others; left alone');
      return { status: 'foreign-commits', branch: head, authors: ensured.authors, ...(pr ? { pr } : {}) };
    }
    const body = [...request.intro, '', plan.body.trimEnd(), '', '---', '', ...request.footer].join('\n');
    const pr = await deps.forge.ensureChangeRequest({ head, base: request.branch, title: plan.title, body });
    return { status: pr.status, branch: head, pr };
  });
}

const capitalised = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** One sentence about a fix's outcome, for replies and check notes, in the forge's words. */
export function describeFix(deps: RepoDeps, outcome: FixOutcome, action: PlanAction, branch: string): string {
  const target = inlineCode(branch);
  const named = (number: number) => `${deps.changeRequestName} ${deps.threadRef({ kind: 'change-request', number })}`;
  switch (outcome.status) {
    case 'created':
      return `Opened ${named(outcome.pr.number)} (${outcome.pr.url}) to ${action} ${target}.`;
    case 'updated':
      return `Updated ${named(outcome.pr.number)} (${outcome.pr.url}) to ${action} ${target} at its current tip.`;
    case 'unchanged':
      return `${capitalised(named(outcome.pr.number))} (${outcome.pr.url}) already does this: it is up to date.`;
    case 'nothing-to-do':
      return `Nothing to ${action} on ${target}: ${outcome.explanation}`;
    case 'cannot-plan':
      return `Could not plan a ${action} of ${target}: ${outcome.explanation}`;
    case 'foreign-commits': {
      const who = outcome.authors.length > 0 ? outcome.authors.map((a) => inlineCode(a)).join(', ') : 'someone else';
      const where = outcome.pr ? ` (${named(outcome.pr.number)}, ${outcome.pr.url})` : '';
      return `Did not touch ${inlineCode(outcome.branch)}${where}: it has commits by ${who}, and the bot never overwrites other people's work. Merge or close it, or delete the branch so the bot can start afresh.`;
    }
  }
}
