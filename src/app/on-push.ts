import { describeForLog } from '../errors.js';
import { normalizeBranchName } from '../domain/branch-name.js';
import type { PushEvent } from '../ports/forge-events.js';
import type { RepoDeps } from './deps.js';
import { isTagRef, onTagPush } from './release/on-tag.js';
import { followDevelopmentBranch, followKey } from './devel-thaw.js';
import { describeFailure } from '../report/check-failure.js';
import { renderCheck } from '../report/check-summary.js';
import { checkCommit, publishCheck } from './judge.js';
import { ZERO_SHA, type PushTarget } from './targets.js';

function inMinutes(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * Judges the push again later, thaw pull request included, with the
 * clock moved on by the wait, as a person's re-run would; nobody waits
 * for it, so what fails is logged.
 */
function retryLater(deps: RepoDeps, target: PushTarget, attempt: number): number | undefined {
  return deps.followUps.schedule(followKey(deps, target.branch), attempt, async (waited) => {
    const later = { ...deps, now: new Date(deps.now.getTime() + waited) };
    deps.log.info(
      { repository: deps.repository, branch: target.branch, sha: target.rev, retry: attempt + 1 },
      'trying again to keep the thaw pull request in step',
    );
    try {
      await checkPush(later, target, attempt + 1);
    } catch (error) {
      deps.log.warn(
        { repository: deps.repository, branch: target.branch, err: describeForLog(error) },
        'the retry failed',
      );
    }
  });
}

/** The fields of a push deciding what it asks for. */
type PushFields = Pick<PushEvent, 'ref' | 'before' | 'after' | 'created' | 'deleted' | 'forced'>;

export type PushDecision = { judge: true; target: PushTarget } | { judge: false; reason: string };

/**
 * What a push asks for:
 * - a tag: nothing; a tag names a commit its branch's push already judged;
 * - a deleted branch: nothing; there is no commit to put a check on;
 * - a new branch: `after` alone, there is no before;
 * - a force push: marked so, for judging decides by the branch's role: a
 *   topic branch's history was rewritten on purpose and is not compared
 *   with before (the comparison with the base branch still catches serials
 *   going back in time); a base branch's is, because rewriting a shared
 *   branch backwards is exactly what reviewers must see;
 * - anything else: `after` compared with `before`.
 */
export function decidePush(payload: PushFields): PushDecision {
  if (!payload.ref.startsWith('refs/heads/')) return { judge: false, reason: `${payload.ref} is not a branch` };
  const named = normalizeBranchName(payload.ref);
  if (!named.ok) return { judge: false, reason: named.error };
  const { branch } = named;
  if (payload.deleted === true || payload.after === ZERO_SHA)
    return { judge: false, reason: `branch ${branch} was deleted` };
  const isNew = payload.created === true || payload.before === ZERO_SHA;
  const before = isNew ? undefined : payload.before;
  const rewritten = before !== undefined && payload.forced === true;
  return {
    judge: true,
    target: {
      kind: 'push',
      branch,
      rev: payload.after,
      ...(before ? { before } : {}),
      ...(rewritten ? { rewritten } : {}),
      ...(isNew ? { created: true } : {}),
    },
  };
}

/**
 * One check on the pushed commit, then, on a development branch, the thaw
 * pull request kept in step; what got in its way is added to the check. A
 * re-run of the check does the same.
 *
 * Work left half done (the bot's branch pushed, its pull request not
 * opened) completes itself: the next event for the branch does it, and
 * meanwhile this process tries again after a while (retryLater), which
 * that next event cancels once it has done the work (followDevelopmentBranch).
 * `attempt` counts the tries so far.
 */
export async function checkPush(deps: RepoDeps, target: PushTarget, attempt = 0): Promise<void> {
  const outcome = await checkCommit(deps, target);
  if (!outcome.ok) {
    // A retry that could not even judge leaves the work as half done as it found it.
    if (attempt > 0) retryLater(deps, target, attempt);
    return;
  }
  let note: string | undefined;
  try {
    note = await followDevelopmentBranch(deps, outcome.judged, outcome.check.url);
  } catch (error) {
    deps.log.warn(
      { repository: deps.repository, err: describeForLog(error) },
      'could not keep the thaw pull request in step',
    );
    const { reason, detail } = describeFailure(error);
    const delay = retryLater(deps, target, attempt);
    const next = delay === undefined ? '' : ` The bot tries again by itself in ${inMinutes(delay)}.`;
    note = `⚠️ **The thaw ${deps.changeRequestName} could not be opened or updated** (${reason}). ${detail}${next}`;
  }
  if (note !== undefined) await publishCheck(deps, renderCheck({ ...outcome.judged.input, notes: [note] }));
}

export async function onPush(deps: RepoDeps, payload: PushEvent): Promise<void> {
  if (isTagRef(payload.ref)) {
    await onTagPush(deps, payload);
    return;
  }
  const decision = decidePush(payload);
  if (!decision.judge) {
    deps.log.debug({ repository: deps.repository }, `push ignored: ${decision.reason}`);
    return;
  }
  await checkPush(deps, decision.target);
}
