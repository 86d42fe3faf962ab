import type { DashboardRequest } from '../flow/dashboard-facts.js';
import { describeFailure } from '../report/check-failure.js';
import { DASHBOARD_MARKER, tickedRequests, untickAll } from '../report/dashboard.js';
import { escapeMarkdown, inlineCode } from '../report/markdown.js';
import type { RepoDeps } from './deps.js';
import { describeForLog } from './judge.js';
import { runPlan, WRITERS } from './on-issue-comment.js';

/** The fields of an issues.edited webhook this app reads. */
export interface IssuesEditedPayload {
  action: string;
  issue: { number: number; body: string | null; updated_at: string };
  sender: { login: string };
}

export type DashboardEditOutcome = 'not-the-dashboard' | 'nothing-ticked' | 'refused' | 'done';

function describeRequest(request: DashboardRequest): string {
  const verb = { freeze: 'Freeze', thaw: 'Thaw', bump: 'Bump' }[request.action];
  return `${verb} ${inlineCode(request.branch)}`;
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
 * A box ticked on the dashboard. The boxes are read from the issue as it
 * is now, not from the webhook, and unticked before anything is done: a
 * redelivered or late webhook then finds none ticked and does nothing. A
 * person with write access gets the pull request the box asks for; anyone
 * else gets the box unticked and a reply that says why. Edits by the bot
 * itself (unticking) never reach here: the app ignores webhooks from bots.
 */
export async function onDashboardEdit(deps: RepoDeps, payload: IssuesEditedPayload): Promise<DashboardEditOutcome> {
  const body = payload.issue.body ?? '';
  // Most edits of most issues are none of the bot's business: no request is made for them.
  if (!body.includes(DASHBOARD_MARKER) || tickedRequests(body).length === 0) return 'not-the-dashboard';
  return deps.locks.run(`dashboard ${deps.repository}`, async () => {
    const current = await deps.forge.findIssue(DASHBOARD_MARKER);
    if (!current || current.number !== payload.issue.number) return 'not-the-dashboard';
    const requests = tickedRequests(current.body);
    if (requests.length === 0) return 'nothing-ticked';
    await deps.forge.ensureIssue(
      { marker: DASHBOARD_MARKER, title: current.title, body: untickAll(current.body) },
      current,
    );
    const login = payload.sender.login;
    const who = `@${escapeMarkdown(login)}`;
    const marker = `dashboard-request:${payload.issue.updated_at}:${login}`;
    const permission = await deps.forge.permissionOf(login);
    if (!WRITERS.includes(permission)) {
      await deps.forge.ensureComment(
        current.number,
        marker,
        `${who} thanks, but only people with write access to this repository can ask the bot for ${requests.map(describeRequest).join(', ')}, and yours is ${inlineCode(permission)}. I unticked the box and did nothing; a maintainer can tick it for you.`,
      );
      deps.log.info({ repository: deps.repository, permission }, 'dashboard request refused: no write access');
      return 'refused';
    }
    const lines: string[] = [];
    for (const request of requests) {
      const answer = await carryOut(deps, request, `Requested by ${who} on the dashboard (#${current.number}).`);
      lines.push(`- ${describeRequest(request)}: ${answer}`);
    }
    await deps.forge.ensureComment(
      current.number,
      marker,
      `${who} done what the dashboard asked:\n\n${lines.join('\n')}`,
    );
    return 'done';
  });
}
