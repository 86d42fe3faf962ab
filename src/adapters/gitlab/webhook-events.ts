import type { ZodType } from 'zod';
import type { Actor, ChangeRequestEvent, CommandEvent, ForgeEvent, PushEvent } from '../../ports/forge-events.js';
import { SCHEMAS, type GitLabPayload, type GitLabWebhookEvent } from './webhook-schemas.js';

export type { GitLabWebhookEvent } from './webhook-schemas.js';

/** The project a webhook is about, as the GitLab forge addresses it. */
export interface GitLabProjectRef {
  id: number;
  pathWithNamespace: string;
  webUrl: string;
  defaultBranch: string;
}

export type GitLabWebhook =
  | { ok: true; project: GitLabProjectRef; event: ForgeEvent | undefined; reason?: string }
  | { ok: false; problem: string };

/** The X-Gitlab-Event values the app reads; GitLab sends the same ones to project and group webhooks. */
export const GITLAB_WEBHOOK_EVENTS = Object.keys(SCHEMAS) as readonly GitLabWebhookEvent[];

export function isGitLabWebhookEvent(name: string): name is GitLabWebhookEvent {
  return Object.hasOwn(SCHEMAS, name);
}

/** GitLab's before or after of a ref that did not exist, or no longer does. */
const NO_COMMIT = /^0+$/;
const MAX_PROBLEM = 300;

const PARSERS: { [E in GitLabWebhookEvent]: ZodType<GitLabPayload<E>> } = SCHEMAS;

type Parsed<E extends GitLabWebhookEvent> = { ok: true; payload: GitLabPayload<E> } | { ok: false; problem: string };

/** Like payloads.ts for GitHub: the first field the app would read and cannot, named. */
function parse<E extends GitLabWebhookEvent>(event: E, payload: unknown): Parsed<E> {
  const result = PARSERS[event].safeParse(payload);
  if (result.success) return { ok: true, payload: result.data };
  const [issue] = result.error.issues;
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  return { ok: false, problem: without(event, field, issue?.message) };
}

function without(event: string, field: string, message?: string): string {
  return `${event} without a valid ${field}${message ? ` (${message})` : ''}`.slice(0, MAX_PROBLEM);
}

function projectRef(project: GitLabPayload<'Push Hook'>['project']): GitLabProjectRef {
  return {
    id: project.id,
    pathWithNamespace: project.path_with_namespace,
    webUrl: project.web_url,
    defaultBranch: project.default_branch,
  };
}

function actor(user: { username: string; id?: number | undefined }): Actor {
  return user.id === undefined ? { login: user.username } : { login: user.username, id: user.id };
}

/** GitLab does not say whether a push rewrote history, so `forced` stays undefined. */
function pushEvent(payload: GitLabPayload<'Push Hook' | 'Tag Push Hook'>): PushEvent {
  return {
    kind: 'push',
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    created: NO_COMMIT.test(payload.before),
    deleted: NO_COMMIT.test(payload.after),
    ...('checkout_sha' in payload && payload.checkout_sha ? { commit: payload.checkout_sha } : {}),
    sender: { login: payload.user_username, id: payload.user_id },
  };
}

type MergeRequestPayload = GitLabPayload<'Merge Request Hook'>;

/**
 * GitLab's `update` covers new commits (with `oldrev`), a new target
 * branch (in `changes`), and every edit that changes nothing judged (a
 * title, a label, a draft flag). Approvals, merges and closes are `other`.
 */
function actionOf(payload: MergeRequestPayload): ChangeRequestEvent['action'] {
  const attributes = payload.object_attributes;
  switch (attributes.action) {
    case 'open':
      return 'opened';
    case 'reopen':
      return 'reopened';
    case 'update':
      if (attributes.oldrev) return 'updated';
      return payload.changes?.target_branch ? 'retargeted' : 'other';
    default:
      return 'other';
  }
}

/**
 * The base's sha is in no merge request webhook (GitLab sends the target
 * branch's name only, and no diff_refs): `base.sha` is '' and the app
 * reads the base by its name.
 */
function changeRequestEvent(payload: MergeRequestPayload, head: string): ChangeRequestEvent {
  const attributes = payload.object_attributes;
  return {
    kind: 'change-request',
    action: actionOf(payload),
    number: attributes.iid,
    open: attributes.state === 'opened',
    // A deleted source project is no longer the target's: treat it as a fork.
    head: {
      branch: attributes.source_branch,
      sha: head,
      fromFork: attributes.source_project_id !== attributes.target_project_id,
    },
    base: { branch: attributes.target_branch, sha: '' },
    sender: actor(payload.user),
  };
}

type Mapped = { event: ForgeEvent; reason?: undefined } | { event: undefined; reason: string } | { problem: string };

function mapMergeRequest(payload: MergeRequestPayload): Mapped {
  const head = payload.object_attributes.last_commit?.id;
  if (head === undefined) return { event: undefined, reason: 'the merge request has no head commit' };
  return { event: changeRequestEvent(payload, head) };
}

function mapNote(payload: GitLabPayload<'Note Hook'>): Mapped {
  const attributes = payload.object_attributes;
  if (attributes.system) return { event: undefined, reason: 'a system note' };
  // GitLab sends these as Confidential Note Hook; a reply in the open would show what they say.
  if (attributes.internal || attributes.confidential) return { event: undefined, reason: 'an internal note' };
  let on: CommandEvent['on'];
  switch (attributes.noteable_type) {
    case 'MergeRequest':
      if (!payload.merge_request) return { problem: without('Note Hook', 'merge_request', 'a merge request note') };
      on = { kind: 'change-request', number: payload.merge_request.iid };
      break;
    case 'Issue':
      if (!payload.issue) return { problem: without('Note Hook', 'issue', 'an issue note') };
      on = { kind: 'issue', number: payload.issue.iid };
      break;
    default:
      return { event: undefined, reason: `a note on a ${attributes.noteable_type}, where commands are not read` };
  }
  return {
    event: { kind: 'command', commentId: attributes.id, body: attributes.note, on, sender: actor(payload.user) },
  };
}

type IssuePayload = GitLabPayload<'Issue Hook'>;

const ISSUE_ACTIONS: Record<string, string> = { open: 'opened', close: 'closed', reopen: 'reopened' };

/**
 * An edit of an issue (the dashboard's boxes are ticked by editing it).
 * Opening, closing and reopening one ticks nothing. GitLab sends edits of
 * confidential issues as Confidential Issues Hook, which the app does not
 * take; one marked confidential here is left alone all the same, as an
 * answer in the open would show what it says.
 */
function mapIssue(payload: IssuePayload): Mapped {
  const attributes = payload.object_attributes;
  if (attributes.action !== 'update') {
    const done = Object.hasOwn(ISSUE_ACTIONS, attributes.action) ? ISSUE_ACTIONS[attributes.action] : attributes.action;
    return { event: undefined, reason: `an issue ${done}, which ticks no box` };
  }
  if (attributes.confidential) return { event: undefined, reason: 'an edit of a confidential issue' };
  const before = payload.changes?.description;
  return {
    event: {
      kind: 'issue-edited',
      number: attributes.iid,
      body: attributes.description ?? '',
      ...(before === undefined ? {} : { previousBody: before.previous ?? '' }),
      editedAt: attributes.updated_at,
      sender: actor(payload.user),
    },
  };
}

/**
 * A GitLab webhook as the app's neutral event, with the project it is
 * about; `event` is undefined, with the reason, for deliveries the app
 * leaves alone (a deleted tag, an approval is `other`, a note on a commit
 * or a snippet, a system or confidential note, an issue opened or closed).
 * A payload without a field the app reads gives the problem, naming the
 * field; nothing here throws.
 */
export function parseGitLabWebhook(eventHeader: string, payload: unknown): GitLabWebhook {
  if (!isGitLabWebhookEvent(eventHeader))
    return { ok: false, problem: `${JSON.stringify(eventHeader.slice(0, 100))} is not an event the app reads` };
  const parsed = parse(eventHeader, payload);
  if (!parsed.ok) return parsed;
  const project = projectRef(parsed.payload.project);
  const mapped = mapPayload(eventHeader, parsed.payload);
  if ('problem' in mapped) return { ok: false, problem: mapped.problem };
  if (mapped.event === undefined) return { ok: true, project, event: undefined, reason: mapped.reason };
  return { ok: true, project, event: mapped.event };
}

const MAPPERS: { [E in GitLabWebhookEvent]: (payload: GitLabPayload<E>) => Mapped } = {
  'Push Hook': (payload) => ({ event: pushEvent(payload) }),
  // A deleted release tag is news too: its check says the release is gone, as on GitHub.
  'Tag Push Hook': (payload) => ({ event: pushEvent(payload) }),
  'Merge Request Hook': mapMergeRequest,
  'Note Hook': mapNote,
  'Issue Hook': mapIssue,
  'Confidential Note Hook': () => ({ event: undefined, reason: 'a confidential note, which the app does not answer' }),
};

function mapPayload<E extends GitLabWebhookEvent>(event: E, payload: GitLabPayload<E>): Mapped {
  return MAPPERS[event](payload);
}
