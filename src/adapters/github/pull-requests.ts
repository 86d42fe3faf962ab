import type { ChangeRequestInfo } from '../../ports/forge.js';
import { ensureComment } from './comments.js';
import { call, ForgeError } from './forge-error.js';
import type { ForgeContext } from './forge-context.js';

interface ListedPullRequest {
  number: number;
  html_url: string;
  state: string;
  title: string;
  body: string | null;
  head: { ref: string };
  base: { ref: string };
}

function infoOf(pr: ListedPullRequest): ChangeRequestInfo {
  return {
    number: pr.number,
    url: pr.html_url,
    state: pr.state === 'closed' ? 'closed' : 'open',
    head: pr.head.ref,
    base: pr.base.ref,
  };
}

async function findOpen(
  { octokit, repository }: ForgeContext,
  op: string,
  head: string,
  base: string,
): Promise<ListedPullRequest | undefined> {
  const { owner, repo } = repository;
  const { data } = await call(op, () =>
    octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${head}`, base }),
  );
  return data.find((pr) => pr.head.ref === head && pr.base.ref === base);
}

export async function findOpenPullRequest(
  context: ForgeContext,
  head: string,
  base: string,
): Promise<ChangeRequestInfo | undefined> {
  const pr = await findOpen(context, 'findOpenPullRequest', head, base);
  return pr && infoOf(pr);
}

const isRaceOnCreate = (error: unknown) =>
  error instanceof ForgeError && error.status === 422 && /pull request already exists/i.test(error.message);

/** Requests: 1 when the pull request is already as wanted, 2 to create or update it. */
export async function ensurePullRequest(
  context: ForgeContext,
  want: { head: string; base: string; title: string; body: string },
): Promise<ChangeRequestInfo & { status: 'created' | 'updated' | 'unchanged' }> {
  const { octokit, repository } = context;
  const op = 'ensurePullRequest';
  let pr = await findOpen(context, op, want.head, want.base);
  if (!pr) {
    try {
      const { data } = await call(op, () => octokit.rest.pulls.create({ ...repository, ...want }));
      return { ...infoOf(data), status: 'created' };
    } catch (error) {
      // Another delivery opened it between our look and our write.
      if (!isRaceOnCreate(error)) throw error;
      pr = await findOpen(context, op, want.head, want.base);
      if (!pr) throw error;
    }
  }
  if (pr.title === want.title && (pr.body ?? '') === want.body) return { ...infoOf(pr), status: 'unchanged' };
  const number = pr.number;
  const { data } = await call(op, () =>
    octokit.rest.pulls.update({ ...repository, pull_number: number, title: want.title, body: want.body }),
  );
  return { ...infoOf(data), status: 'updated' };
}

/** Marks the comment that says why the bot closed its pull request. */
const CLOSING_MARKER = 'closing';

/**
 * Says why, then closes. A pull request already closed is left alone, and
 * the comment is ensured under a marker, so a repeat after a close that
 * failed (the comment was posted) closes it without a second comment.
 * Requests: 1 when closed already, else 4 (get, list comments, comment, close).
 */
export async function closePullRequest(context: ForgeContext, number: number, comment: string): Promise<void> {
  const { octokit, repository } = context;
  const op = 'closePullRequest';
  const { data } = await call(op, () => octokit.rest.pulls.get({ ...repository, pull_number: number }));
  if (data.state === 'closed') return;
  await ensureComment(context, number, CLOSING_MARKER, comment);
  await call(op, () => octokit.rest.pulls.update({ ...repository, pull_number: number, state: 'closed' }));
}
