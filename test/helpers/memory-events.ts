import { ZERO_SHA } from '../../src/app/targets.js';
import type { CheckReport, Thread } from '../../src/ports/forge.js';
import type {
  Actor,
  ChangeRequestEvent,
  CommandEvent,
  FixEvent,
  IssueEditedEvent,
  PublishedCheck,
  PushEvent,
  RerunEvent,
  TagCreatedEvent,
} from '../../src/ports/forge-events.js';

/** A person with write access in the tests' forge, unless a test says otherwise. */
export const WRITER: Actor = { login: 'intrigeri' };

/** A branch pushed: created when there is no `before`. */
export function branchPush(
  branch: string,
  after: string,
  before?: string,
  options: { forced?: boolean; sender?: Actor } = {},
): PushEvent {
  return {
    kind: 'push',
    ref: `refs/heads/${branch}`,
    before: before ?? ZERO_SHA,
    after,
    ...(before === undefined ? { created: true } : {}),
    ...(options.forced ? { forced: true } : {}),
    sender: options.sender ?? WRITER,
  };
}

export function branchDeleted(branch: string, before: string): PushEvent {
  return { kind: 'push', ref: `refs/heads/${branch}`, before, after: ZERO_SHA, deleted: true, sender: WRITER };
}

/** A lightweight tag pushed (`after` is the commit), or deleted (`before` was). */
export function tagPush(tag: string, sha: string, options: { deleted?: boolean } = {}): PushEvent {
  return options.deleted
    ? { kind: 'push', ref: `refs/tags/${tag}`, before: sha, after: ZERO_SHA, deleted: true, sender: WRITER }
    : { kind: 'push', ref: `refs/tags/${tag}`, before: ZERO_SHA, after: sha, created: true, sender: WRITER };
}

export function tagCreated(tag: string): TagCreatedEvent {
  return { kind: 'tag-created', tag, sender: WRITER };
}

export function changeRequest(
  action: ChangeRequestEvent['action'],
  request: {
    number: number;
    head: { branch: string; sha: string; fromFork?: boolean };
    base: { branch: string; sha: string };
    open?: boolean;
  },
): ChangeRequestEvent {
  return {
    kind: 'change-request',
    action,
    number: request.number,
    open: request.open ?? true,
    head: { ...request.head, fromFork: request.head.fromFork ?? false },
    base: request.base,
    sender: WRITER,
  };
}

export function command(body: string, on: Thread, options: { commentId?: number; sender?: Actor } = {}): CommandEvent {
  return { kind: 'command', commentId: options.commentId ?? 8001, body, on, sender: options.sender ?? WRITER };
}

/** A check as the forge hands it back with a re-run or a button: what the bot stored, marker included. */
export function published(report: CheckReport): PublishedCheck {
  return { name: report.name, sha: report.headSha, summary: report.summary };
}

export function rerun(check: PublishedCheck): RerunEvent {
  return { kind: 'rerun', check, sender: WRITER };
}

export function fix(check: PublishedCheck, identifier: string | undefined): FixEvent {
  return { kind: 'fix', check, identifier, sender: WRITER };
}

export function issueEdited(
  number: number,
  edit: { body: string; previousBody?: string; editedAt: string; sender?: Actor },
): IssueEditedEvent {
  return {
    kind: 'issue-edited',
    number,
    body: edit.body,
    ...(edit.previousBody === undefined ? {} : { previousBody: edit.previousBody }),
    editedAt: edit.editedAt,
    sender: edit.sender ?? WRITER,
  };
}
