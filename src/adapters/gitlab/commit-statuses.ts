import type { CheckReport } from '../../ports/forge.js';
import { ForgeError } from '../../ports/forge-error.js';
import { SHA_RE } from '../../report/hidden-marker.js';
import { checkNoteBody, checkNoteMarker } from './check-note.js';
import { gitlabCall } from './client.js';
import type { GitLabContext } from './context.js';
import { cutDescription } from './limits.js';
import { ensureNote } from './notes.js';

type StatusState = 'pending' | 'running' | 'success' | 'failed';

interface ListedStatus {
  id: number;
  sha: string;
  name: string;
  status: string;
  ref?: string | null;
  description?: string | null;
  target_url?: string | null;
  author?: { id: number } | null;
}

/** GitLab has no neutral state: a neutral check is a success whose description says "neutral:". */
const NEUTRAL = 'neutral: ';

function stateOf(report: CheckReport): StatusState {
  if (report.pending === 'queued') return 'pending';
  if (report.pending === 'in_progress') return 'running';
  return report.conclusion === 'failure' || report.conclusion === 'action_required' ? 'failed' : 'success';
}

function descriptionOf(report: CheckReport): string {
  const neutral = report.pending === undefined && report.conclusion === 'neutral';
  return cutDescription(neutral ? `${NEUTRAL}${report.title}` : report.title);
}

/**
 * The bot's statuses of that name on the commit `sha` (a full sha: GitLab
 * matches statuses by it), filed under `ref` when given, each one GitLab
 * kept, oldest first. The first one's id is the check's: GitLab cannot
 * change a finished status, so a new verdict is a new status, which
 * GitLab shows in its place; the id of the first keeps one id per commit
 * and name, as a check run has. A commit on two branches has a pipeline
 * per branch, so a status under one does not stand for the other.
 */
async function statusesOf(
  { api, project, bot }: GitLabContext,
  operation: string,
  sha: string,
  name: string,
  ref?: string,
): Promise<{ checkId: number; latest: ListedStatus } | undefined> {
  const listed = (await gitlabCall(operation, () =>
    api.Commits.allStatuses(project.id, sha, { name, all: true, ...(ref === undefined ? {} : { ref }) }),
  )) as ListedStatus[];
  const ours = listed
    .filter((s) => s.name === name && s.author?.id === bot.id && (ref === undefined || s.ref === ref))
    .sort((a, b) => a.id - b.id);
  const [first] = ours;
  const latest = ours.at(-1);
  return first && latest && { checkId: first.id, latest };
}

// GitLab refuses to move a pending or running status to the state it is in.
const isSameStateRefusal = (error: unknown) =>
  error instanceof ForgeError && error.status === 400 && /cannot transition status/i.test(error.message);

/** The commit a merge request's head is at now. */
async function mergeRequestHead(context: GitLabContext, op: string, iid: number): Promise<string | undefined> {
  const { api, project } = context;
  const mr: { sha?: unknown } = await gitlabCall(op, () => api.MergeRequests.show(project.id, iid));
  return typeof mr.sha === 'string' ? mr.sha : undefined;
}

/**
 * Reports `report` as the commit status of its name on its commit, and,
 * when it judges a merge request, as one note there (edited in place on
 * each push) with the summary, the findings and the commands that fix
 * them. The status links to `detailsUrl`, else to that note, else to the
 * commit. A status already as wanted is not posted again, so re-runs and
 * redeliveries do not pile statuses up.
 * The note is left alone when the merge request has moved past the commit
 * (a later push's verdict is, or will be, there).
 * Requests: 1 for the merge request's head, 1 or 2 for the note (find,
 * write when changed), 1 to read the statuses, 1 to post one when it changed.
 */
export async function ensureStatus(context: GitLabContext, report: CheckReport): Promise<{ id: number; url: string }> {
  const { api, project } = context;
  const op = 'ensureCheck';
  if (!SHA_RE.test(report.headSha)) throw new Error(`${op}: headSha "${report.headSha}" is not a full commit sha`);
  // Two pushes judged at once can finish in either order: the one note shows the merge request's head only.
  const onHead =
    report.changeRequest !== undefined &&
    (await mergeRequestHead(context, op, report.changeRequest)) === report.headSha;
  const note =
    report.changeRequest === undefined || !onHead
      ? undefined
      : await ensureNote(
          context,
          op,
          { kind: 'change-request', number: report.changeRequest },
          checkNoteMarker(report.name),
          checkNoteBody(project, report),
        );
  const want = {
    state: stateOf(report),
    description: descriptionOf(report),
    targetUrl: report.detailsUrl ?? note?.url ?? `${project.webUrl}/-/commit/${report.headSha}`,
  };
  const url = note?.url ?? want.targetUrl;
  // Without a ref GitLab files the status under the first branch holding the commit, and answers 404 when
  // none does: a fork's merge request's head is only under the merge request's own ref.
  const ref =
    report.ref ?? (report.changeRequest === undefined ? undefined : `refs/merge-requests/${report.changeRequest}/head`);
  const found = await statusesOf(context, op, report.headSha, report.name, ref);
  const existing = found?.latest;
  if (
    found &&
    existing?.status === want.state &&
    (existing.description ?? '') === want.description &&
    (existing.target_url ?? '') === want.targetUrl
  ) {
    return { id: found.checkId, url };
  }
  try {
    const posted = (await gitlabCall(op, () =>
      api.Commits.editStatus(project.id, report.headSha, want.state, {
        name: report.name,
        description: want.description,
        targetUrl: want.targetUrl,
        ...(ref === undefined ? {} : { ref }),
      }),
    )) as ListedStatus;
    return { id: found?.checkId ?? posted.id, url };
  } catch (error) {
    // A merge request's verdict is in its note already: a status GitLab will not file under any ref of this
    // project (a fork's commit on an instance that refuses the merge request's ref) is not worth failing it.
    if (note && error instanceof ForgeError && error.status === 404 && /references? for commit/i.test(error.message))
      return { id: found?.checkId ?? 0, url };
    if (!isSameStateRefusal(error)) throw error;
    const current = found ?? (await statusesOf(context, op, report.headSha, report.name, ref));
    if (!current) throw error;
    return { id: current.checkId, url };
  }
}

function conclusionOf(status: ListedStatus): string {
  switch (status.status) {
    case 'success':
      return (status.description ?? '').startsWith(NEUTRAL) ? 'neutral' : 'success';
    case 'failed':
      return 'failure';
    case 'canceled':
    case 'skipped':
      return 'neutral';
    case 'running':
      return 'in_progress';
    default:
      return 'queued';
  }
}

/**
 * The bot's latest status named `name` on the commit `ref` names; the
 * conclusion of one not finished is, in the port's (GitHub's) words,
 * `queued` or `in_progress`, as ensureCheck's `pending` says. GitLab
 * matches statuses by the full sha only, so a branch or a tag is first
 * resolved to its commit, and only the statuses filed under that branch
 * or tag count. Requests: 1 for a sha, 2 for a branch or tag.
 */
export async function latestCheckStatus(
  context: GitLabContext,
  ref: string,
  name: string,
): Promise<{ sha: string; conclusion: string; url: string } | undefined> {
  const { api, project } = context;
  const op = 'latestCheck';
  if (ref === '') throw new Error(`${op}: the ref is empty`);
  const sha = SHA_RE.test(ref)
    ? ref
    : ((await gitlabCall(op, () => api.Commits.show(project.id, ref))) as { id: string }).id;
  // A status is filed under a ref: a tag's check is the one under that tag, not another tag's of the same commit.
  const filed = SHA_RE.test(ref) ? undefined : ref.replace(/^refs\/(heads|tags)\//, '');
  const status = (await statusesOf(context, op, sha, name, filed))?.latest;
  return status && { sha: status.sha, conclusion: conclusionOf(status), url: status.target_url ?? '' };
}
