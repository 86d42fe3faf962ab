import { describeForLog } from '../errors.js';
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { isBaseBranch } from '../domain/branch.js';
import { normalizeBranchName } from '../domain/branch-name.js';
import type { DashboardRequest } from '../flow/dashboard-facts.js';
import { describeFailure } from '../report/check-failure.js';
import { DASHBOARD_MARKER, tickedRequests, untick } from '../report/dashboard.js';
import { escapeMarkdown, inlineCode } from '../report/markdown.js';
import { dashboardLock, landedConfig } from './dashboard-update.js';
import type { IssueEditedEvent } from '../ports/forge-events.js';
import type { RepoDeps } from './deps.js';
import { runPlan, WRITERS } from './on-issue-comment.js';

export type DashboardEditOutcome = 'not-the-dashboard' | 'nothing-ticked' | 'refused' | 'unconfirmed' | 'done';

const same = (a: DashboardRequest, b: DashboardRequest) => a.action === b.action && a.branch === b.branch;

function describeRequest(request: DashboardRequest): string {
  const verb = { freeze: 'Freeze', thaw: 'Thaw', bump: 'Bump' }[request.action];
  return `${verb} ${inlineCode(request.branch)}`;
}

/**
 * The boxes this edit ticked: ticked after it and not before. A box
 * ticked earlier (by someone else, whose own webhook carries it) is not
 * this sender's to answer for. A request for a name that is no base
 * branch was not written by the bot: it is dropped.
 */
function tickedBy(event: IssueEditedEvent, config: Config): DashboardRequest[] {
  const earlier = tickedRequests(event.previousBody ?? '');
  return tickedRequests(event.body).filter((request) => {
    const named = normalizeBranchName(request.branch);
    return (
      !earlier.some((e) => same(e, request)) &&
      named.ok &&
      named.branch === request.branch &&
      isBaseBranch(request.branch, config)
    );
  });
}

/**
 * Whether this edit of the dashboard may have ticked a box: a box ticked
 * after it that was not before. Cheap, and reads nothing: a forge that
 * must ask more about an edit (who made it) asks only then.
 */
export function mayTickABox(event: IssueEditedEvent): boolean {
  if (!event.body.includes(DASHBOARD_MARKER) || event.previousBody === undefined) return false;
  const earlier = tickedRequests(event.previousBody);
  return tickedRequests(event.body).some((request) => !earlier.some((e) => same(e, request)));
}

async function carryOut(deps: RepoDeps, request: DashboardRequest, intro: string): Promise<string> {
  try {
    return await runPlan(deps, { ...request, origins: [] }, intro);
  } catch (error) {
    deps.log.warn({ repository: deps.repository, err: describeForLog(error) }, 'dashboard request failed');
    const { reason, detail } = describeFailure(error, 'Tick the box again');
    return `that did not work (${reason}). ${detail}`;
  }
}

/**
 * A box ticked on the dashboard. The boxes this edit ticked are read from
 * the webhook, kept only while they are still ticked in the issue as it
 * is now, and unticked (those alone) before anything is done: a
 * redelivered or late webhook then finds them unticked and does nothing,
 * and a box someone else ticked meanwhile waits for its own webhook. Who
 * may ask is checked first, so that a failure there leaves the box ticked
 * for a redelivery. A person with write access gets the pull request the
 * box asks for; anyone else gets the box unticked and a reply that says
 * why. Edits by the bot itself (unticking, refreshing) never reach here:
 * the app ignores webhooks from bots.
 */
export async function onDashboardEdit(deps: RepoDeps, event: IssueEditedEvent): Promise<DashboardEditOutcome> {
  const { body } = event;
  // Most edits of most issues are none of the bot's business: no request is made for them.
  if (!body.includes(DASHBOARD_MARKER)) return 'not-the-dashboard';
  // An edit of the title alone ticked nothing; the boxes already ticked are other edits' to answer.
  if (event.previousBody === undefined || tickedRequests(body).length === 0) return 'nothing-ticked';
  // The boxes are offered under the default branch's rules: a box is checked against the same.
  const asked = tickedBy(event, await landedConfig(deps));
  if (asked.length === 0) return 'nothing-ticked';
  const login = event.sender.login;
  const outcome = await deps.locks.run(dashboardLock(deps), async () => {
    const current = await deps.forge.findIssue(DASHBOARD_MARKER);
    // A dashboard a person closed is off: nothing is done from it, and unticking must not open another.
    if (!current || current.number !== event.number || current.state === 'closed') return 'not-the-dashboard' as const;
    const still = tickedRequests(current.body);
    const requests = asked.filter((request) => still.some((s) => same(s, request)));
    if (requests.length === 0) return 'nothing-ticked' as const;
    const permission = event.unconfirmed ? 'none' : await deps.forge.permissionOf(event.sender);
    await deps.forge.ensureIssue(
      { marker: DASHBOARD_MARKER, title: current.title, body: untick(current.body, requests) },
      current,
    );
    return { number: current.number, requests, writer: WRITERS.includes(permission), permission };
  });
  if (typeof outcome === 'string') return outcome;
  const { number, requests, permission } = outcome;
  const who = `@${escapeMarkdown(login)}`;
  // One answer per edit, person and boxes (two edits within the same second tick different boxes), hashed: a
  // marker takes no spaces (GitLab's times have some) and at most 100 characters (GitLab's logins can be 255).
  const digest = createHash('sha256')
    .update(JSON.stringify([event.editedAt, login, requests]))
    .digest('hex')
    .slice(0, 32);
  const marker = `dashboard-request:${digest}`;
  if (event.unconfirmed) {
    // Nobody is named: who the payload says ticked is what could not be confirmed.
    await deps.forge.ensureComment(
      { kind: 'issue', number },
      marker,
      `Someone ticked ${requests.map(describeRequest).join(', ')}, but the issue was updated again before I could confirm who, and only people with write access may ask. I unticked the box and did nothing: tick it again.`,
    );
    deps.log.info({ repository: deps.repository }, 'dashboard request unticked: its editor could not be confirmed');
    return 'unconfirmed';
  }
  if (!outcome.writer) {
    await deps.forge.ensureComment(
      { kind: 'issue', number },
      marker,
      `${who} thanks, but only people with write access to this repository can ask the bot for ${requests.map(describeRequest).join(', ')}, and yours is ${inlineCode(permission)}. I unticked the box and did nothing; a maintainer can tick it for you.`,
    );
    deps.log.info({ repository: deps.repository, permission }, 'dashboard request refused: no write access');
    return 'refused';
  }
  // Outside the dashboard's lock: a pull request takes a while, and the refresh may write meanwhile.
  const lines: string[] = [];
  for (const request of requests) {
    const answer = await carryOut(deps, request, `Requested by ${who} on the dashboard (#${number}).`);
    lines.push(`- ${describeRequest(request)}: ${answer}`);
  }
  await deps.forge.ensureComment(
    { kind: 'issue', number },
    marker,
    `${who} here is what became of what you ticked:\n\n${lines.join('\n')}`,
  );
  return 'done';
}
