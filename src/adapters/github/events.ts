import type {
  ChangeRequestEvent,
  CommandEvent,
  FixEvent,
  IssueEditedEvent,
  PushEvent,
  RerunEvent,
  TagCreatedEvent,
} from '../../ports/forge-events.js';

/** The fields of a pull_request webhook the app reads (payloads.ts checks them first). */
export interface PullRequestPayload {
  action: string;
  number: number;
  changes?: { base?: unknown };
  pull_request: {
    state: string;
    head: { ref: string; sha: string; repo: { full_name: string } | null };
    base: { ref: string; sha: string; repo: { full_name: string } };
  };
  sender?: { login: string; id?: number };
}

/** The fields of an issue_comment webhook the app reads. */
export interface IssueCommentPayload {
  comment: { id: number; body: string };
  issue: { number: number; pull_request?: unknown };
  sender: { login: string; id?: number };
}

function actionOf(payload: PullRequestPayload): ChangeRequestEvent['action'] {
  switch (payload.action) {
    case 'opened':
      return 'opened';
    case 'synchronize':
      return 'updated';
    case 'reopened':
      return 'reopened';
    case 'edited':
      // A title or body edit changes nothing judged; a new base does.
      return payload.changes?.base !== undefined ? 'retargeted' : 'other';
    default:
      return 'other';
  }
}

function actor(sender: { login: string; id?: number } | undefined): ChangeRequestEvent['sender'] {
  if (!sender) return { login: 'unknown' };
  return sender.id === undefined ? { login: sender.login } : { login: sender.login, id: sender.id };
}

export function changeRequestEvent(payload: PullRequestPayload): ChangeRequestEvent {
  const { head, base } = payload.pull_request;
  return {
    kind: 'change-request',
    action: actionOf(payload),
    number: payload.number,
    open: payload.pull_request.state === 'open',
    // A deleted fork has no repository any more: treat it as a fork.
    head: { branch: head.ref, sha: head.sha, fromFork: head.repo?.full_name !== base.repo.full_name },
    base: { branch: base.ref, sha: base.sha },
    sender: actor(payload.sender),
  };
}

/** A comment on an issue or a pull request: GitHub says which by `issue.pull_request`. */
export function commandEvent(payload: IssueCommentPayload): CommandEvent {
  return {
    kind: 'command',
    commentId: payload.comment.id,
    body: payload.comment.body,
    on: { kind: payload.issue.pull_request === undefined ? 'issue' : 'change-request', number: payload.issue.number },
    sender: actor(payload.sender),
  };
}

/** The fields of a push webhook the app reads. */
export interface PushPayload {
  ref: string;
  before: string;
  after: string;
  created?: boolean;
  deleted?: boolean;
  forced?: boolean;
  head_commit?: { id: string } | null;
  sender?: { login: string; id?: number };
}

export function pushEvent(payload: PushPayload): PushEvent {
  return {
    kind: 'push',
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    ...(payload.created === undefined ? {} : { created: payload.created }),
    ...(payload.deleted === undefined ? {} : { deleted: payload.deleted }),
    ...(payload.forced === undefined ? {} : { forced: payload.forced }),
    ...(payload.head_commit ? { commit: payload.head_commit.id } : {}),
    sender: actor(payload.sender),
  };
}

/** The fields of a check_run webhook the app reads. */
export interface CheckRunPayload {
  check_run: { name: string; head_sha: string; output: { summary: string | null } };
  requested_action?: { identifier?: string } | null;
  sender: { login: string; id?: number };
}

function publishedCheck(payload: CheckRunPayload): RerunEvent['check'] {
  const run = payload.check_run;
  return { name: run.name, sha: run.head_sha, summary: run.output.summary };
}

export function rerunEvent(payload: CheckRunPayload): RerunEvent {
  return { kind: 'rerun', check: publishedCheck(payload), sender: actor(payload.sender) };
}

export function fixEvent(payload: CheckRunPayload): FixEvent {
  return {
    kind: 'fix',
    check: publishedCheck(payload),
    identifier: payload.requested_action?.identifier,
    sender: actor(payload.sender),
  };
}

/** The fields of a create webhook the app reads. */
export interface CreatePayload {
  ref: string;
  ref_type: string;
  sender?: { login: string; id?: number };
}

/** A tag created; undefined for a branch, whose push says all. */
export function tagCreatedEvent(payload: CreatePayload): TagCreatedEvent | undefined {
  return payload.ref_type === 'tag'
    ? { kind: 'tag-created', tag: payload.ref, sender: actor(payload.sender) }
    : undefined;
}

/** The fields of an issues.edited webhook the app reads. */
export interface IssuesEditedPayload {
  issue: { number: number; body: string | null; updated_at: string };
  /** What the body was before this edit, when the edit changed it. */
  changes?: { body?: { from?: string | null } };
  sender: { login: string; id?: number };
}

export function issueEditedEvent(payload: IssuesEditedPayload): IssueEditedEvent {
  const before = payload.changes?.body;
  return {
    kind: 'issue-edited',
    number: payload.issue.number,
    body: payload.issue.body ?? '',
    ...(before === undefined ? {} : { previousBody: before.from ?? '' }),
    editedAt: payload.issue.updated_at,
    sender: actor(payload.sender),
  };
}
