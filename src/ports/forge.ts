import type { Edit } from '../planners/types.js';
import type { Actor } from './forge-events.js';

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'action_required';

export interface CheckAnnotation {
  path: string;
  /** 1-based. */
  line: number;
  level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

/**
 * A fix the check offers: GitHub shows it as a button, a forge without
 * buttons (GitLab) as the command that asks for it in a comment.
 */
export interface CheckFix {
  /** A button's label: GitHub shows 20 characters. */
  label: string;
  /** What the fix does, in a line: GitHub shows 40 characters. */
  description: string;
  /** What a pressed button sends back (GitHub's check_run.requested_action): 20 characters at most. */
  identifier: string;
  /** The `/apt-snapshots` command that asks for the same fix in a comment. */
  command: string;
}

export interface CheckReport {
  name: string;
  headSha: string;
  /** What the run concluded; not sent while it is `pending`. */
  conclusion: CheckConclusion;
  /** A run not done yet: a job waiting to start (`queued`) or being started (`in_progress`). */
  pending?: 'queued' | 'in_progress';
  /** Where the run's own page points to, e.g. the build a job started. */
  detailsUrl?: string;
  title: string;
  /**
   * Markdown, whole, ending with the hidden marker line that says what was
   * judged (report/hidden-marker.ts): each forge's adapter cuts the rest to
   * its own limit, never that line, which a re-run reads back.
   */
  summary: string;
  /** The findings about a line of a file: GitHub's annotations, a list of links in GitLab's note. */
  annotations: CheckAnnotation[];
  fixes: CheckFix[];
  /**
   * The change request (pull or merge request) the check judges, when it
   * judges one: a forge without check runs (GitLab) puts the summary in a
   * note there.
   */
  changeRequest?: number;
  /**
   * The branch of this repository the judged commit is on: a push's
   * branch, a change request's source branch unless it is a fork's. GitLab
   * files a commit status under a ref, and guesses one when none is given.
   */
  ref?: string;
}

/**
 * Where a comment goes. GitHub numbers issues and pull requests in one
 * series; GitLab numbers issues and merge requests apart, so the kind
 * says which.
 */
export interface Thread {
  kind: 'issue' | 'change-request';
  number: number;
}

export type EnsureBranchResult =
  | { status: 'created' | 'updated' | 'unchanged'; sha: string }
  /** Someone other than the bot committed to the branch: it was left alone. */
  | { status: 'foreign-commits'; sha: string; authors: string[] };

export interface ChangeRequestInfo {
  number: number;
  url: string;
  state: 'open' | 'closed';
  head: string;
  base: string;
}

/** An issue the bot opened (the expiry warnings, the dashboard), found by the marker in its body. */
export interface IssueInfo {
  number: number;
  url: string;
  state: 'open' | 'closed';
  title: string;
  body: string;
}

/** One of the bot's open change requests (pull or merge requests), for the dashboard. */
export interface BotChangeRequest {
  number: number;
  url: string;
  title: string;
  head: string;
  base: string;
}

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/**
 * The writes the app needs, each idempotent: calling one twice with the same
 * input leaves the forge as calling it once does.
 */
export interface Forge {
  /**
   * Publishes the verdict: creates the check of that name on that commit,
   * or updates the existing one. The app writes one check of a commit and
   * name at a time.
   */
  ensureCheck(report: CheckReport): Promise<{ id: number; url: string }>;
  /**
   * Makes `branch` (always under the bot's prefix) hold `base` plus one commit
   * with `edits`. Never overwrites commits made by anyone but the bot.
   */
  ensureBranch(branch: string, baseSha: string, edits: Edit[], message: string): Promise<EnsureBranchResult>;
  /** The open change request from `head` into `base`, created or updated with this title and body. */
  ensureChangeRequest(pr: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<ChangeRequestInfo & { status: 'created' | 'updated' | 'unchanged' }>;
  findOpenChangeRequest(head: string, base: string): Promise<ChangeRequestInfo | undefined>;
  closeChangeRequest(number: number, comment: string): Promise<void>;
  /** Posts a comment, or edits the bot's earlier comment carrying the same marker. */
  ensureComment(on: Thread, marker: string, body: string): Promise<{ url: string }>;
  /**
   * What `user` may do in the repository, in GitHub's words: GitLab's
   * Owner is admin, Maintainer maintain, Developer write, Reporter triage,
   * Guest read; anyone else none. Inherited membership counts. A forge
   * that can ask by the user's id (GitLab) does when the event gave one.
   */
  permissionOf(user: Actor): Promise<Permission>;
  /**
   * The issue the bot opened whose body carries `marker` (a hidden marker,
   * see report/hidden-marker.ts; with `atStart`, as the body's very
   * beginning), open or closed, the one updated last; undefined when none.
   */
  findIssue(marker: string, options?: { atStart?: boolean }): Promise<IssueInfo | undefined>;
  /**
   * Makes the bot's open issue carrying `marker` have this title and body:
   * `existing` (as findIssue returned it, null when it found none) is
   * edited when open and different, left alone when equal; without an open
   * one, a new issue is opened. Absent, the forge looks for it itself.
   */
  ensureIssue(
    issue: { marker: string; title: string; body: string },
    existing?: IssueInfo | null,
  ): Promise<IssueInfo & { status: 'created' | 'updated' | 'unchanged' }>;
  /** Comments, then closes the issue; closing a closed issue changes nothing. */
  closeIssue(number: number, comment: string): Promise<void>;
  /**
   * The bot's latest check run named `name` on the commit `ref` (a sha, a
   * branch or a tag) names; undefined when it has none there.
   */
  latestCheck(ref: string, name: string): Promise<{ sha: string; conclusion: string; url: string } | undefined>;
  /** The open change requests from the bot's branches (under its prefix), newest first. */
  listBotChangeRequests(): Promise<BotChangeRequest[]>;
}
