import { describeForLog } from '../errors.js';
import type { PlanAction } from '../domain/finding.js';
import type { FixEvent, RerunEvent } from '../ports/forge-events.js';
import { fixActionOf } from '../report/check-annotations.js';
import { describeFailure } from '../report/check-failure.js';
import { parseSubjectMarker, type CheckSubject } from '../report/check-subject.js';
import { jobCheckName, releaseCheckName } from '../report/release-check.js';
import { parseReleaseMarker } from '../report/release-subject.js';
import { escapeMarkdown, inlineCode } from '../report/markdown.js';
import type { RepoDeps } from './deps.js';
import { checkCommit, judge } from './judge.js';
import { checkPush } from './on-push.js';
import { rerunRelease } from './release/rerun.js';
import { describeFix, proposeFix } from './propose-fix.js';
import { branchRef, type JudgeTarget } from './targets.js';

/** The fields of a check_run webhook this app reads. */

/**
 * A re-run judges the same commit again, with what the check recorded: the
 * revision before the push, or the pull request, now against where its
 * base is today (the base moving sends no pull_request event).
 */
export function rerunTarget(subject: CheckSubject): JudgeTarget {
  if (subject.kind === 'push')
    return {
      kind: 'push',
      branch: subject.branch,
      rev: subject.sha,
      ...(subject.before ? { before: subject.before } : {}),
      ...(subject.created === true ? { created: true } : {}),
    };
  return {
    kind: 'pull_request',
    number: subject.number,
    branch: subject.branch,
    rev: subject.sha,
    baseRef: subject.baseRef,
    baseRev: branchRef(subject.baseRef),
    baseSha: subject.baseSha,
    fromFork: subject.fromFork,
  };
}

/** Our check runs carry their subject; anything else (another app's run, an old format) is not ours to touch. */
function subjectOf(deps: RepoDeps, event: RerunEvent | FixEvent): CheckSubject | undefined {
  const subject = parseSubjectMarker(event.check.summary);
  if (!subject || subject.sha !== event.check.sha) {
    deps.log.debug({ repository: deps.repository }, `${event.kind} ignored: not one of this app's checks`);
    return undefined;
  }
  return subject;
}

export async function onRerun(deps: RepoDeps, event: RerunEvent): Promise<void> {
  const release = parseReleaseMarker(event.check.summary);
  if (release && release.sha === event.check.sha) {
    // A marker only speaks for the check it ends: a job's marker on the release check is not to be acted on.
    const checkName = deps.defaults.bot.check_name;
    const expected = release.kind === 'release' ? releaseCheckName(checkName) : jobCheckName(checkName, release.job);
    if (event.check.name !== expected) {
      deps.log.warn(
        { repository: deps.repository, check: event.check.name },
        're-run ignored: its marker is not of this check',
      );
      return;
    }
    await rerunRelease(deps, release);
    return;
  }
  const subject = subjectOf(deps, event);
  if (!subject) return;
  const target = rerunTarget(subject);
  await (target.kind === 'push' ? checkPush(deps, target) : checkCommit(deps, target));
}

async function fix(deps: RepoDeps, subject: CheckSubject, action: PlanAction, requester: string): Promise<string> {
  if (subject.kind === 'pull_request' && subject.fromFork)
    return `Could not ${action}: ${inlineCode(subject.branch)} is a fork's branch, which the bot cannot push to.`;
  // The fix goes on the branch as it is now, which may have moved since the check.
  const tip = await judge(
    deps,
    { kind: 'push', branch: subject.branch, rev: branchRef(subject.branch) },
    { changelog: action === 'freeze' },
  );
  const outcome = await proposeFix(deps, {
    action,
    branch: subject.branch,
    evaluation: tip.evaluation,
    intro: [
      `Requested by @${requester} with “Fix it” on the check of ${inlineCode(subject.branch)} at ${inlineCode(subject.sha.slice(0, 7))}.`,
    ],
    footer: [
      '*Opened by apt-snapshots-bot. Pressing “Fix it” again updates this pull request instead of opening another.*',
    ],
  });
  return describeFix(deps, outcome, action, subject.branch);
}

/**
 * "Fix it": plans the fix at the branch's tip, opens or updates the pull
 * request, and writes what happened on the check itself, the only place
 * the person who pressed the button is looking.
 */
export async function onFix(deps: RepoDeps, event: FixEvent): Promise<void> {
  const subject = subjectOf(deps, event);
  if (!subject) return;
  const action = fixActionOf(event.identifier ?? '');
  if (!action) {
    deps.log.debug({ repository: deps.repository }, 'fix ignored: not one of its buttons');
    return;
  }
  let note: string;
  try {
    note = await fix(deps, subject, action, escapeMarkdown(event.sender.login));
  } catch (error) {
    deps.log.warn({ repository: deps.repository, err: describeForLog(error) }, 'could not fix');
    const { reason, detail } = describeFailure(error, 'Press “Fix it” again');
    note = `Could not ${action} ${inlineCode(subject.branch)} (${reason}). ${detail}`;
  }
  await checkCommit(deps, rerunTarget(subject), [`**“Fix it: ${action}”:** ${note}`]);
}
