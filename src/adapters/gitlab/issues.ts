import type { IssueInfo } from '../../ports/forge.js';
import { gitlabCall } from './client.js';
import type { GitLabContext } from './context.js';
import { ensureComment } from './notes.js';
import { carriesMarker, checkIssueMarker, findInPages } from '../issue-search.js';

interface ListedIssue {
  iid: number;
  web_url: string;
  state: string;
  title: string;
  description: string | null;
  author: { id: number } | null;
}

function infoOf(issue: ListedIssue): IssueInfo {
  return {
    number: issue.iid,
    url: issue.web_url,
    state: issue.state === 'closed' ? 'closed' : 'open',
    title: issue.title,
    body: issue.description ?? '',
  };
}

/**
 * The issue the bot opened whose description carries `marker` (at its very
 * start with `atStart`): the open one when there is one, else the closed
 * one updated last. The listing is the bot's issues, most recently updated
 * first, read on until an open match or its end, at most FIND_ISSUE_PAGES
 * pages. The author is checked here too, so that a filter GitLab ignored
 * could not let a person's issue quoting the marker pass for the bot's.
 * Requests: 1 per page read, usually 1.
 */
export async function findBotIssue(
  context: GitLabContext,
  marker: string,
  options: { atStart?: boolean } = {},
): Promise<IssueInfo | undefined> {
  checkIssueMarker('findIssue', marker);
  const { api, project, bot } = context;
  const found = await findInPages(
    (page, perPage) =>
      gitlabCall('findIssue', () =>
        api.Issues.all({
          projectId: project.id,
          authorId: bot.id,
          state: 'all',
          orderBy: 'updated_at',
          sort: 'desc',
          perPage,
          page,
        }),
      ) as Promise<ListedIssue[]>,
    (issue) => issue.author?.id === bot.id && carriesMarker(issue.description ?? '', marker, options.atStart),
    (issue) => issue.state === 'closed',
  );
  return found && infoOf(found);
}

/**
 * Makes the bot's open issue carrying `marker` say `title` and `body`.
 * `existing` is what findIssue answered (null: none); absent, findIssue is asked.
 * A closed issue is not reopened: a new one is opened, so that whoever
 * closed it is not overruled and the new alert notifies anew.
 * Requests: 0 when `existing` is open and as wanted, else 1, plus 1 for
 * findIssue without `existing`.
 * @throws Error when `body` lacks `marker`: the issue could never be found again
 */
export async function ensureBotIssue(
  context: GitLabContext,
  want: { marker: string; title: string; body: string },
  existing?: IssueInfo | null,
): Promise<IssueInfo & { status: 'created' | 'updated' | 'unchanged' }> {
  checkIssueMarker('ensureIssue', want.marker);
  if (!want.body.includes(want.marker)) {
    throw new Error(`ensureIssue: the body of "${want.title}" does not contain its marker ${want.marker}`);
  }
  const { api, project } = context;
  const op = 'ensureIssue';
  const found = existing === undefined ? await findBotIssue(context, want.marker) : (existing ?? undefined);
  if (found?.state === 'open') {
    if (found.title === want.title && found.body === want.body) return { ...found, status: 'unchanged' };
    const iid = found.number;
    const updated = (await gitlabCall(op, () =>
      api.Issues.edit(project.id, iid, { title: want.title, description: want.body }),
    )) as ListedIssue;
    return { ...infoOf(updated), status: 'updated' };
  }
  const created = (await gitlabCall(op, () =>
    api.Issues.create(project.id, want.title, { description: want.body }),
  )) as ListedIssue;
  return { ...infoOf(created), status: 'created' };
}

/** Marks the note that says why the bot closed its issue (the GitHub adapter's marker). */
const CLOSING_MARKER = 'closing-issue';

/**
 * Says why, then closes. A closed issue is left alone, and the note is
 * ensured under a marker, so a repeat after a close that failed closes it
 * without a second note. Requests: 1 when closed already, else 4 (get,
 * list notes, note unless posted already, close).
 */
export async function closeBotIssue(context: GitLabContext, iid: number, comment: string): Promise<void> {
  const { api, project } = context;
  const op = 'closeIssue';
  const issue = (await gitlabCall(op, () => api.Issues.show(iid, { projectId: project.id }))) as ListedIssue;
  if (issue.state === 'closed') return;
  await ensureComment(context, { kind: 'issue', number: iid }, CLOSING_MARKER, comment, op);
  await gitlabCall(op, () => api.Issues.edit(project.id, iid, { stateEvent: 'close' }));
}
