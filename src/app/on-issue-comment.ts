import { describeForLog } from '../errors.js';
import type { Permission } from '../ports/forge.js';
import type { CommandEvent } from '../ports/forge-events.js';
import { describeFailure } from '../report/check-failure.js';
import { renderCheck } from '../report/check-summary.js';
import { escapeMarkdown, fencedBlock, inlineCode } from '../report/markdown.js';
import { parseCommand, USAGE, type Command } from './command.js';
import type { RepoDeps } from './deps.js';
import { checkCommit, judge, publishCheck, type Judged } from './judge.js';
import { describeFix, proposeFix } from './propose-fix.js';
import { runReleaseCommand } from './release/release-commands.js';
import { branchRef } from './targets.js';

export const WRITERS: readonly Permission[] = ['admin', 'maintain', 'write'];

/** One reply per command comment: a redelivered webhook edits it instead of answering twice. */
export function replyMarker(commentId: number): string {
  return `reply:${commentId}`;
}

function checkSentence(deps: RepoDeps, judged: Judged, url: string): string {
  const { verdict } = judged.evaluation;
  const what =
    judged.subject.kind === 'push'
      ? inlineCode(judged.subject.branch)
      : `this ${deps.changeRequestName} (${inlineCode(judged.subject.branch)})`;
  return `Checked ${what} at ${inlineCode(judged.subject.sha.slice(0, 7))}: **${verdict.conclusion}**. See the check: ${url}`;
}

async function runCheck(
  deps: RepoDeps,
  command: Extract<Command, { kind: 'check' }>,
  event: CommandEvent,
): Promise<string> {
  if (command.branch !== undefined) {
    const judged = await judge(deps, { kind: 'push', branch: command.branch, rev: branchRef(command.branch) });
    const check = await publishCheck(deps, renderCheck(judged.input));
    return checkSentence(deps, judged, check.url);
  }
  if (event.on.kind !== 'change-request') {
    return `Which branch? On an issue, name it: ${inlineCode('/apt-snapshots check BRANCH')}. On a ${deps.changeRequestName}, ${inlineCode('/apt-snapshots check')} checks the ${deps.changeRequestName}.`;
  }
  const outcome = await checkCommit(deps, await deps.pullRequest(event.on.number));
  if (outcome.ok) return checkSentence(deps, outcome.judged, outcome.check.url);
  return `Could not judge this ${deps.changeRequestName} (${describeFailure(outcome.error).reason}); the check says why and can be re-run: ${outcome.check.url}`;
}

/**
 * Plans `action` on `branch` from its tip and ensures the pull request;
 * a sentence says what became of it. `intro` says who asked, and where.
 */
export async function runPlan(
  deps: RepoDeps,
  command: Pick<Extract<Command, { kind: 'plan' }>, 'action' | 'branch' | 'origins'>,
  intro: string,
): Promise<string> {
  const { action, branch, origins } = command;
  const tip = await judge(deps, { kind: 'push', branch, rev: branchRef(branch) }, { changelog: action === 'freeze' });
  const outcome = await proposeFix(deps, {
    action,
    branch,
    evaluation: tip.evaluation,
    ...(origins.length > 0 ? { origins } : {}),
    intro: [intro],
    footer: [
      `*Opened by apt-snapshots-bot. Running the same command again updates this ${deps.changeRequestName} instead of opening another.*`,
    ],
  });
  return describeFix(deps, outcome, action, branch);
}

/**
 * `/apt-snapshots …` in a comment. Only people with write access are
 * obeyed; everyone who typed a command gets an answer that says what
 * happened or exactly why not. Deliveries of one comment are handled one
 * at a time, so two at once cannot both find no reply and both post one.
 * What happened is logged once the answer is posted: when the issue is
 * gone, the failed reply is the one line the webhook leaves (app.ts).
 */
export async function onCommand(deps: RepoDeps, event: CommandEvent): Promise<void> {
  const command = parseCommand(event.body);
  if (!command) {
    deps.log.debug({ repository: deps.repository }, 'comment ignored: no command');
    return;
  }
  await deps.locks.run(`command ${deps.repository} ${event.commentId}`, () => runCommand(deps, event, command));
}

async function runCommand(deps: RepoDeps, event: CommandEvent, command: Command): Promise<void> {
  const login = event.sender.login;
  const reply = (text: string) =>
    deps.forge.ensureComment(event.on, replyMarker(event.commentId), `@${escapeMarkdown(login)} ${text}`);

  const permission = await deps.forge.permissionOf(event.sender);
  if (!WRITERS.includes(permission)) {
    await reply(
      `thanks for asking, but only people with write access to this repository can run ${inlineCode('/apt-snapshots')} commands, and yours is ${inlineCode(permission)}. I did nothing; a maintainer can run it for you.`,
    );
    deps.log.info({ repository: deps.repository, permission }, 'command refused: no write access');
    return;
  }
  if (command.kind === 'invalid') {
    await reply(`I did not understand that command (${command.reason}). I know:\n\n${fencedBlock(USAGE)}`);
    return;
  }
  let answer: string;
  let failure: unknown;
  try {
    answer =
      command.kind === 'check'
        ? await runCheck(deps, command, event)
        : command.kind === 'release' || command.kind === 'build-iuks'
          ? await runReleaseCommand(deps, command)
          : await runPlan(deps, command, `Requested by @${escapeMarkdown(login)} in ${deps.threadRef(event.on)}.`);
  } catch (error) {
    failure = error;
    const { reason, detail } = describeFailure(error, 'Try the command again');
    answer = `that did not work (${reason}).\n\n${detail}`;
  }
  await reply(answer);
  if (failure !== undefined)
    deps.log.warn({ repository: deps.repository, err: describeForLog(failure) }, 'command failed; the reply says why');
}
