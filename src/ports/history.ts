/**
 * One commit of a branch's first-parent history, with what decides its
 * verdict: commits whose `fingerprint` equals their parent's changed none
 * of the files the rules read, so they are judged as their parent was.
 */
export interface HistoryCommit {
  sha: string;
  date: Date;
  subject: string;
  /** The first parent; absent for a root commit. */
  parent?: string;
  /**
   * Identifies the content of the paths asked for. What callers rely on:
   * equal fingerprints mean equal content of the paths. Not the converse:
   * equal content may have another fingerprint (a revert, or a reader that
   * names the change rather than the objects).
   */
  fingerprint: string;
}

/** A branch's first-parent history, read from wherever the repository is (local Git, a forge). */
export interface HistoryReader {
  /**
   * The first-parent history of `branch`, oldest first: the commits
   * committed on or after `since`, preceded by the last one before it when
   * there is one (the state the window starts in; walking back from the
   * tip, the first commit dated before `since` ends the history, even if
   * older ones are dated after it), and stopping after `stopAt` (exclusive)
   * when it is met. `paths` are the files and directories the fingerprint
   * covers.
   */
  firstParentHistory(
    branch: string,
    options: { since: Date; paths: readonly string[]; stopAt?: string },
  ): Promise<HistoryCommit[]>;
}
