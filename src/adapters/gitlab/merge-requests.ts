import type { PullRequestTarget } from '../../app/targets.js';
import type { BotChangeRequest, ChangeRequestInfo } from '../../ports/forge.js';
import { ForgeError } from '../../ports/forge-error.js';
import { gitlabCall, type GitLabApi, type GitLabProject } from './client.js';
import type { GitLabContext } from './context.js';
import { ensureComment } from './notes.js';

interface ListedMergeRequest {
  iid: number;
  web_url: string;
  state: string;
  title: string;
  description: string | null;
  source_branch: string;
  target_branch: string;
  source_project_id: number;
  target_project_id: number;
  author?: { id: number } | null;
  sha?: string | null;
  diff_refs?: { base_sha: string | null; head_sha: string | null } | null;
}

function infoOf(mr: ListedMergeRequest): ChangeRequestInfo {
  return {
    number: mr.iid,
    url: mr.web_url,
    state: mr.state === 'opened' ? 'open' : 'closed',
    head: mr.source_branch,
    base: mr.target_branch,
  };
}

/** The open merge request from this project's branch `head` into `base`; a fork's branch of that name is not it. */
async function findOpen(
  { api, project }: GitLabContext,
  operation: string,
  head: string,
  base: string,
): Promise<ListedMergeRequest | undefined> {
  const listed = (await gitlabCall(operation, () =>
    api.MergeRequests.all({
      projectId: project.id,
      state: 'opened',
      sourceBranch: head,
      targetBranch: base,
      perPage: 100,
      page: 1,
    }),
  )) as ListedMergeRequest[];
  return listed.find(
    (mr) => mr.source_branch === head && mr.target_branch === base && mr.source_project_id === mr.target_project_id,
  );
}

export async function findOpenMergeRequest(
  context: GitLabContext,
  head: string,
  base: string,
): Promise<ChangeRequestInfo | undefined> {
  const mr = await findOpen(context, 'findOpenChangeRequest', head, base);
  return mr && infoOf(mr);
}

// GitLab allows one open merge request per source and target branch: 409 "Another open merge request already exists".
const isRaceOnCreate = (error: unknown) =>
  error instanceof ForgeError && error.status === 409 && /already exists/i.test(error.message);

/**
 * The open merge request from `head` into `base` with this title and
 * description, which removes its source branch when merged.
 * Requests: 1 when it is already as wanted, 2 to create or update it.
 */
export async function ensureMergeRequest(
  context: GitLabContext,
  want: { head: string; base: string; title: string; body: string },
): Promise<ChangeRequestInfo & { status: 'created' | 'updated' | 'unchanged' }> {
  const { api, project } = context;
  const op = 'ensureChangeRequest';
  let mr = await findOpen(context, op, want.head, want.base);
  if (!mr) {
    try {
      const created = (await gitlabCall(op, () =>
        api.MergeRequests.create(project.id, want.head, want.base, want.title, {
          description: want.body,
          removeSourceBranch: true,
        }),
      )) as ListedMergeRequest;
      return { ...infoOf(created), status: 'created' };
    } catch (error) {
      // Another delivery opened it between our look and our write.
      if (!isRaceOnCreate(error)) throw error;
      mr = await findOpen(context, op, want.head, want.base);
      if (!mr) throw error;
    }
  }
  if (mr.title === want.title && (mr.description ?? '') === want.body) return { ...infoOf(mr), status: 'unchanged' };
  const iid = mr.iid;
  const updated = (await gitlabCall(op, () =>
    api.MergeRequests.edit(project.id, iid, { title: want.title, description: want.body }),
  )) as ListedMergeRequest;
  return { ...infoOf(updated), status: 'updated' };
}

/** Marks the note that says why the bot closed its merge request (the GitHub adapter's marker). */
const CLOSING_MARKER = 'closing';

/**
 * Says why, then closes. A merge request already closed or merged is left
 * alone, and the note is ensured under a marker, so a repeat after a close
 * that failed closes it without a second note.
 * Requests: 1 when closed already, else 4 (get, list notes, note, close).
 */
export async function closeMergeRequest(context: GitLabContext, iid: number, comment: string): Promise<void> {
  const { api, project } = context;
  const op = 'closeChangeRequest';
  const mr = (await gitlabCall(op, () => api.MergeRequests.show(project.id, iid))) as ListedMergeRequest;
  if (mr.state !== 'opened') return;
  await ensureComment(context, { kind: 'change-request', number: iid }, CLOSING_MARKER, comment, op);
  await gitlabCall(op, () => api.MergeRequests.edit(project.id, iid, { stateEvent: 'close' }));
}

/**
 * The open merge requests the bot opened from its branches of this
 * project, newest first. One page: the bot's 100 newest open ones.
 * Requests: 1.
 */
export async function listBotMergeRequests(context: GitLabContext): Promise<BotChangeRequest[]> {
  const { api, project, bot } = context;
  const listed = (await gitlabCall('listBotChangeRequests', () =>
    api.MergeRequests.all({
      projectId: project.id,
      state: 'opened',
      authorId: bot.id,
      orderBy: 'created_at',
      sort: 'desc',
      perPage: 100,
      page: 1,
    }),
  )) as ListedMergeRequest[];
  return listed
    .filter(
      (mr) =>
        mr.author?.id === bot.id &&
        mr.source_branch.startsWith(bot.branchPrefix) &&
        mr.source_project_id === mr.target_project_id,
    )
    .map((mr) => ({
      number: mr.iid,
      url: mr.web_url,
      title: mr.title,
      head: mr.source_branch,
      base: mr.target_branch,
    }));
}

/**
 * Merge request `iid` as a target to judge: its head against its base.
 * The base is the commit GitLab diffs it against; a merge request whose
 * diff is not computed yet is judged against where its target branch is.
 * Requests: 1, or 2 when GitLab has no diff refs yet.
 */
export async function mergeRequestTarget(
  api: GitLabApi,
  project: GitLabProject,
  iid: number,
): Promise<PullRequestTarget> {
  const op = 'mergeRequestTarget';
  if (!Number.isInteger(iid) || iid <= 0) throw new Error(`${op}: iid ${iid} is not a merge request's number`);
  const mr = (await gitlabCall(op, () => api.MergeRequests.show(project.id, iid))) as ListedMergeRequest;
  const rev = mr.diff_refs?.head_sha ?? mr.sha;
  if (!rev) throw new Error(`${op}: GitLab gives merge request !${iid} no head commit`);
  const baseSha =
    mr.diff_refs?.base_sha ??
    ((await gitlabCall(op, () => api.Branches.show(project.id, mr.target_branch))) as { commit: { id: string } }).commit
      .id;
  return {
    kind: 'pull_request',
    number: mr.iid,
    branch: mr.source_branch,
    rev,
    baseRef: mr.target_branch,
    baseRev: baseSha,
    baseSha,
    fromFork: mr.source_project_id !== mr.target_project_id,
  };
}
