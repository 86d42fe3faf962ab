import type { RepoDeps } from './deps.js';
import { checkCommit } from './judge.js';
import type { PullRequestTarget } from './targets.js';

/** The fields of a pull_request webhook this app reads. */
export interface PullRequestPayload {
  action: string;
  number: number;
  changes?: { base?: unknown };
  pull_request: {
    state: string;
    head: { ref: string; sha: string; repo: { full_name: string } | null };
    base: { ref: string; sha: string; repo: { full_name: string } };
  };
}

/** Opened, new commits, reopened, or retargeted: the head is judged again. A title or body edit changes nothing judged. */
export function judgesPullRequest(payload: PullRequestPayload): boolean {
  if (payload.pull_request.state !== 'open') return false;
  if (payload.action === 'edited') return payload.changes?.base !== undefined;
  return ['opened', 'synchronize', 'reopened'].includes(payload.action);
}

export function pullRequestTarget(payload: PullRequestPayload): PullRequestTarget {
  const { head, base } = payload.pull_request;
  return {
    kind: 'pull_request',
    number: payload.number,
    branch: head.ref,
    rev: head.sha,
    baseRef: base.ref,
    baseRev: base.sha,
    baseSha: base.sha,
    // A deleted fork has no repository any more: treat it as a fork.
    fromFork: head.repo?.full_name !== base.repo.full_name,
  };
}

/** Whether the bot opened this pull request from its own branch: those get checks although a bot caused the event. */
export function isBotPullRequest(payload: PullRequestPayload, branchPrefix: string): boolean {
  const target = pullRequestTarget(payload);
  return !target.fromFork && target.branch.startsWith(branchPrefix);
}

export async function onPullRequest(deps: RepoDeps, payload: PullRequestPayload): Promise<void> {
  if (!judgesPullRequest(payload)) {
    deps.log.debug(
      { repository: deps.repository, pr: payload.number },
      `pull_request.${payload.action} ignored: nothing judged changed`,
    );
    return;
  }
  await checkCommit(deps, pullRequestTarget(payload));
}
