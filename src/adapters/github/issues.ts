import type { BotChangeRequest, IssueInfo } from '../../ports/forge.js';
import { ensureComment } from './comments.js';
import { call } from './forge-error.js';
import type { ForgeContext } from './forge-context.js';
import { carriesMarker, checkIssueMarker, findInPages } from '../issue-search.js';

interface ListedIssue {
  number: number;
  html_url: string;
  state: string;
  title: string;
  body?: string | null;
  user: { login: string } | null;
  pull_request?: unknown;
}

interface ListedPullRequest {
  number: number;
  html_url: string;
  title: string;
  head: { ref: string; repo: { full_name: string } | null };
  base: { ref: string };
}

function infoOf(issue: ListedIssue): IssueInfo {
  return {
    number: issue.number,
    url: issue.html_url,
    state: issue.state === 'closed' ? 'closed' : 'open',
    title: issue.title,
    body: issue.body ?? '',
  };
}

/**
 * The issue the bot opened whose body carries `marker` (at its very start
 * with `atStart`): the open one when there is one, else the closed one
 * updated last. The listing is the bot's issues and pull requests (GitHub
 * lists both), most recently updated first, so that its long-lived issues
 * (the dashboard, an open warning) are found early however many it opened
 * since; it is read on until an open match or its end, at most
 * FIND_ISSUE_PAGES pages (a comment on an old closed warning moves it up
 * the list, ahead of the open one). `creator` takes a GitHub App's bot
 * login (`name[bot]`); the author is checked here too, so that a filter
 * GitHub ignored could not let a person's issue quoting the marker pass
 * for the bot's. Requests: 1 per page read, usually 1.
 */
export async function findIssue(
  context: ForgeContext,
  marker: string,
  options: { atStart?: boolean } = {},
): Promise<IssueInfo | undefined> {
  checkIssueMarker('findIssue', marker);
  const { octokit, repository, identity } = context;
  const found = await findInPages(
    async (page, perPage) => {
      const { data } = await call('findIssue', () =>
        octokit.rest.issues.listForRepo({
          ...repository,
          creator: identity.botLogin,
          state: 'all',
          sort: 'updated',
          direction: 'desc',
          per_page: perPage,
          page,
        }),
      );
      return data;
    },
    (issue) =>
      issue.pull_request === undefined &&
      issue.user?.login === identity.botLogin &&
      carriesMarker(issue.body ?? '', marker, options.atStart),
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
export async function ensureIssue(
  context: ForgeContext,
  want: { marker: string; title: string; body: string },
  existing?: IssueInfo | null,
): Promise<IssueInfo & { status: 'created' | 'updated' | 'unchanged' }> {
  checkIssueMarker('ensureIssue', want.marker);
  if (!want.body.includes(want.marker)) {
    throw new Error(`ensureIssue: the body of "${want.title}" does not contain its marker ${want.marker}`);
  }
  const { octokit, repository } = context;
  const op = 'ensureIssue';
  const found = existing === undefined ? await findIssue(context, want.marker) : (existing ?? undefined);
  if (found?.state === 'open') {
    if (found.title === want.title && found.body === want.body) return { ...found, status: 'unchanged' };
    const { data } = await call(op, () =>
      octokit.rest.issues.update({ ...repository, issue_number: found.number, title: want.title, body: want.body }),
    );
    return { ...infoOf(data), status: 'updated' };
  }
  const { data } = await call(op, () =>
    octokit.rest.issues.create({ ...repository, title: want.title, body: want.body }),
  );
  return { ...infoOf(data), status: 'created' };
}

/** Marks the comment that says why the bot closed its issue. */
const CLOSING_MARKER = 'closing-issue';

/**
 * Says why, then closes as completed. A closed issue is left alone, and the
 * comment is ensured under a marker, so a repeat after a close that failed
 * (the comment was posted) closes it without a second comment.
 * Requests: 1 when closed already, else 3 or 4 (get, list comments,
 * comment unless posted already, close).
 */
export async function closeIssue(context: ForgeContext, number: number, comment: string): Promise<void> {
  const { octokit, repository } = context;
  const op = 'closeIssue';
  const { data } = await call(op, () => octokit.rest.issues.get({ ...repository, issue_number: number }));
  if (data.state === 'closed') return;
  await ensureComment(context, number, CLOSING_MARKER, comment);
  await call(op, () =>
    octokit.rest.issues.update({ ...repository, issue_number: number, state: 'closed', state_reason: 'completed' }),
  );
}

/**
 * The open pull requests from the bot's branches of this repository, newest
 * first. One page: the 100 newest open pull requests, which the bot's few
 * (one per branch and purpose) are among unless a hundred newer ones are
 * open. A fork's branch under the same name is not the bot's. Requests: 1.
 */
export async function listBotPullRequests(context: ForgeContext): Promise<BotChangeRequest[]> {
  const { octokit, repository, identity } = context;
  const { data } = await call('listBotPullRequests', () =>
    octokit.rest.pulls.list({ ...repository, state: 'open', sort: 'created', direction: 'desc', per_page: 100 }),
  );
  // GitHub's owner and repository names ignore case.
  const here = `${repository.owner}/${repository.repo}`.toLowerCase();
  return (data as ListedPullRequest[])
    .filter((pr) => pr.head.ref.startsWith(identity.branchPrefix) && pr.head.repo?.full_name.toLowerCase() === here)
    .map((pr) => ({ number: pr.number, url: pr.html_url, title: pr.title, head: pr.head.ref, base: pr.base.ref }));
}
