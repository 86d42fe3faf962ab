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
  /** Identifies the content of the paths asked for (object ids joined); equal content, equal fingerprint. */
  fingerprint: string;
}

/** A branch's first-parent history, read from wherever the repository is (local Git, a forge). */
export interface HistoryReader {
  /**
   * The first-parent history of `branch`, oldest first: the commits
   * committed on or after `since`, and stopping after `stopAt` (exclusive)
   * when it is met. `paths` are the files and directories the fingerprint
   * covers.
   */
  firstParentHistory(
    branch: string,
    options: { since: Date; paths: readonly string[]; stopAt?: string },
  ): Promise<HistoryCommit[]>;
}
