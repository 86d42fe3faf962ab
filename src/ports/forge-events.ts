import type { Thread } from './forge.js';

/** Who caused an event, as the forge names them. */
export interface Actor {
  login: string;
  /** The forge's numeric id for them, when its payload gives one (GitLab's members API asks by id). */
  id?: number;
}

/** A branch or tag moved, was created or deleted. Refs are full (refs/heads/NAME, refs/tags/NAME). */
export interface PushEvent {
  kind: 'push';
  ref: string;
  before: string;
  after: string;
  created?: boolean;
  deleted?: boolean;
  /** History was rewritten; undefined when the forge does not say (GitLab). */
  forced?: boolean;
  /** For a tag: the commit it names (`after` is the tag object of an annotated tag), when the forge says. */
  commit?: string;
  sender: Actor;
}

/** A pull request (GitHub) or merge request (GitLab) changed. */
export interface ChangeRequestEvent {
  kind: 'change-request';
  /**
   * `opened`, `updated` (new commits), `reopened` and `retargeted` (a new
   * base) judge the head again; `other` (a title edit, a close, a label)
   * changes nothing judged.
   */
  action: 'opened' | 'updated' | 'reopened' | 'retargeted' | 'other';
  number: number;
  open: boolean;
  head: { branch: string; sha: string; fromFork: boolean };
  /** `sha` is empty when the forge does not say (GitLab): the base is then read by name. */
  base: { branch: string; sha: string };
  sender: Actor;
}

/** A comment (GitHub) or note (GitLab) that may hold an `/apt-snapshots` command. */
export interface CommandEvent {
  kind: 'command';
  /** The comment's id: one reply per comment, edited when the event comes again. */
  commentId: number;
  body: string;
  on: Thread;
  sender: Actor;
}

/** A check the bot published, as a forge with check runs (GitHub) hands it back. */
export interface PublishedCheck {
  name: string;
  sha: string;
  /** The summary the bot wrote: its hidden marker says what was judged. */
  summary: string | null;
}

/** A person asked for a check to be judged again (GitHub's Re-run; on GitLab, `/apt-snapshots check` in a note). */
export interface RerunEvent {
  kind: 'rerun';
  check: PublishedCheck;
  sender: Actor;
}

/** A person pressed a fix button on a check (GitHub's "Fix it"; on GitLab, the commands the note offers). */
export interface FixEvent {
  kind: 'fix';
  check: PublishedCheck;
  /** Which button: the identifier of one of the check's fixes. */
  identifier: string | undefined;
  sender: Actor;
}

/** A person edited an issue (the dashboard's boxes are ticked by editing it). */
export interface IssueEditedEvent {
  kind: 'issue-edited';
  number: number;
  body: string;
  /** The body before this edit; undefined when the edit left the body alone (a title edit). */
  previousBody?: string;
  /** When the forge recorded the edit: one answer per edit. */
  editedAt: string;
  sender: Actor;
  /**
   * The forge could not confirm who made this edit (GitLab: the issue was
   * updated again before the bot read who updated it): the boxes it ticked
   * are unticked, and whoever ticked them asked to tick them again.
   */
  unconfirmed?: true;
}

/** A tag was created (GitHub's `create`, which can come without a push of it). */
export interface TagCreatedEvent {
  kind: 'tag-created';
  tag: string;
  sender: Actor;
}

/** What the handlers shared by every forge receive: each forge's adapter turns its webhooks into these. */
export type ForgeEvent =
  PushEvent | ChangeRequestEvent | CommandEvent | RerunEvent | FixEvent | IssueEditedEvent | TagCreatedEvent;
