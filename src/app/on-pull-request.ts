import type { ChangeRequestEvent } from '../ports/forge-events.js';
import type { RepoDeps } from './deps.js';
import { checkCommit } from './judge.js';
import { branchRef, type PullRequestTarget } from './targets.js';

/** Opened, new commits, reopened, or retargeted: the head is judged again. A title or body edit changes nothing judged. */
export function judgesChangeRequest(event: ChangeRequestEvent): boolean {
  return event.open && event.action !== 'other';
}

export function changeRequestTarget(event: ChangeRequestEvent): PullRequestTarget {
  return {
    kind: 'pull_request',
    number: event.number,
    branch: event.head.branch,
    rev: event.head.sha,
    baseRef: event.base.branch,
    // GitLab's merge request events do not say where the target branch is: it is read where it is now.
    baseRev: event.base.sha || branchRef(event.base.branch),
    baseSha: event.base.sha,
    fromFork: event.head.fromFork,
  };
}

/** Whether the bot opened this change request from its own branch: those get checks although a bot caused the event. */
export function isBotChangeRequest(event: ChangeRequestEvent, branchPrefix: string): boolean {
  return !event.head.fromFork && event.head.branch.startsWith(branchPrefix);
}

export async function onChangeRequest(deps: RepoDeps, event: ChangeRequestEvent): Promise<void> {
  if (!judgesChangeRequest(event)) {
    deps.log.debug(
      { repository: deps.repository, pr: event.number },
      `change request event (${event.action}) ignored: nothing judged changed`,
    );
    return;
  }
  await checkCommit(deps, changeRequestTarget(event));
}
