import { branchRole } from '../domain/branch.js';
import type { RefState } from '../domain/state.js';
import { escapeMarkdown, inlineCode } from '../report/markdown.js';
import type { RepoDeps } from './deps.js';
import type { Judged } from './judge.js';
import { describeFix, fixBranch, proposeFix } from './propose-fix.js';
import { branchRef } from './targets.js';

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

function footer(deps: RepoDeps, branch: string, head: string): string[] {
  return [
    `*Opened by apt-snapshots-bot. When ${inlineCode(branch)} moves, this ${deps.changeRequestName} is recomputed on its new tip; when ${inlineCode(branch)} no longer needs thawing, it is closed. If you push to ${inlineCode(head)}, the bot leaves that branch alone from then on.*`,
  ];
}

/**
 * The key of a branch's pending retry (see checkPush): one per branch, as
 * only the branch's tip decides what its thaw pull request holds.
 */
export function followKey(deps: RepoDeps, branch: string): string {
  return `follow ${deps.repository} ${branch}`;
}

/** A whole-commit read: just the commit the branch points at. */
const COMMIT_ONLY = { files: [], dirs: [] };

/**
 * Whether `sha` is still where `branch` points. A redelivered push, or a
 * re-run of an older commit's check, judges a commit the branch has moved
 * past: acting on it would reopen a pull request a person's thaw closed,
 * rewind the pull request onto an older tip, or close the one a newer
 * frozen tip needs.
 */
async function isTip(deps: RepoDeps, branch: string, sha: string): Promise<boolean> {
  const tip = (await deps.source.read(branchRef(branch), COMMIT_ONLY)).commit.sha;
  if (tip === sha) return true;
  deps.log.info(
    { repository: deps.repository, branch, judged: sha, tip },
    'thaw pull request left as it is: the branch has moved past the judged commit',
  );
  return false;
}

/**
 * After a development branch is judged: keeps exactly one thaw pull request
 * open while the branch is left frozen, and closes it once the branch was
 * thawed some other way. Only the branch's tip decides, and one webhook at
 * a time per branch, so that two pushes a second apart end with the
 * pull request of the later one; once the tip's pull request is as it
 * should be, a retry pending for the branch has nothing left to do and is
 * dropped. Returns a note for the check when the pull request could not
 * follow for a reason the check should show.
 */
export async function followDevelopmentBranch(
  deps: RepoDeps,
  judged: Judged,
  checkUrl: string,
): Promise<string | undefined> {
  const { evaluation, subject } = judged;
  const branch = subject.branch;
  if (subject.kind !== 'push' || branchRole(branch, evaluation.config) !== 'development') return undefined;
  const head = fixBranch(deps.defaults.bot.branch_prefix, 'thaw', branch);
  const needsThaw = evaluation.verdict.findings.some((f) => f.fix === 'thaw');

  return deps.locks.run(`follow ${deps.repository} ${branch}`, async () => {
    if (!needsThaw) {
      const open = await deps.forge.findOpenChangeRequest(head, branch);
      if (!open || !(await isTip(deps, branch, subject.sha))) return undefined;
      await deps.forge.closeChangeRequest(
        open.number,
        `${inlineCode(branch)} no longer needs thawing as of ${inlineCode(subject.sha.slice(0, 7))} (${commitLabel(evaluation.state)}): someone thawed it already, so this ${deps.changeRequestName} is not needed any more. Closing it.`,
      );
      deps.followUps.cancel(followKey(deps, branch));
      deps.log.info(
        { repository: deps.repository, pr: open.number },
        'closed the thaw pull request: the branch is thawed',
      );
      return undefined;
    }

    if (!(await isTip(deps, branch, subject.sha))) return undefined;
    const outcome = await proposeFix(deps, {
      action: 'thaw',
      branch,
      evaluation,
      intro: intro(judged, checkUrl),
      footer: footer(deps, branch, head),
    });
    deps.followUps.cancel(followKey(deps, branch));
    if (outcome.status === 'foreign-commits' && outcome.pr) {
      await deps.forge.ensureComment(
        { kind: 'change-request', number: outcome.pr.number },
        FOREIGN_COMMITS_MARKER,
        describeFix(deps, outcome, 'thaw', branch),
      );
      return undefined;
    }
    if (
      outcome.status === 'foreign-commits' ||
      outcome.status === 'cannot-plan' ||
      outcome.status === 'nothing-to-do'
    ) {
      const explanation = describeFix(deps, outcome, 'thaw', branch);
      deps.log.warn({ repository: deps.repository, branch }, explanation);
      return `⚠️ **No thaw ${deps.changeRequestName}:** ${explanation}`;
    }
    return undefined;
  });
}
