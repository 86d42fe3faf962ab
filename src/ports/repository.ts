import type { RefState } from '../domain/state.js';
import type { RefReader } from './ref-reader.js';

/** What one judging will read, said before it starts so that a backend can read it together. */
export interface ReadPlan {
  /**
   * Revisions the judging reads: where one request can read several (a
   * forge's GraphQL), the first read of any of them reads them all.
   */
  batch: readonly string[];
  /**
   * The commit whose check the judging ends in: a forge that can read its
   * checks along with the commit does (GitHub), and writes the check with
   * what it read.
   */
  checked?: string;
}

/** Where two histories forked, asked with what the answer can change. */
export interface ForkQuestion {
  base: string;
  head: string;
  /** The head's and the base's states as read: when they pin the same serials and rules, no verdict depends on the answer. */
  states: { head: RefState; base: RefState };
}

/**
 * One repository as one judging sees it: each revision read at most once
 * for what it needs, its branches found, where two histories forked.
 */
export interface RepositoryView extends RefReader {
  /**
   * The revision at which branch `name` can be read (refs/heads/NAME, or
   * where the backend keeps it) when the branch exists; undefined when not.
   * @throws ReadError when the backend cannot tell
   */
  branch(name: string): Promise<string | undefined>;
  /**
   * Where `head` forked from `base` (revisions or branch names): their
   * merge base; undefined when the histories share no commit, or when a
   * forge could not tell (its error logged), since the fork point only
   * ever spares a branch. A backend for which asking costs a request
   * answers undefined when no verdict depends on it (see ForkQuestion).
   * @throws ReadError when the local Git fails
   */
  mergeBase(question: ForkQuestion): Promise<string | undefined>;
}

/** The repository the app serves: read revision by revision, or opened for one judging. */
export interface Repository extends RefReader {
  open(plan: ReadPlan): RepositoryView;
}

/**
 * A view that only reads: no branch is found and no fork point known, so
 * a judging through it compares with no base (the audit of one branch's
 * history, a release's tag).
 */
export function readOnlyView(reader: RefReader): RepositoryView {
  return {
    read: (rev, spec) => reader.read(rev, spec),
    branch: () => Promise.resolve(undefined),
    mergeBase: () => Promise.resolve(undefined),
  };
}

/**
 * Whether two states pin the same serials and rules file: then where one
 * forked from the other cannot change a verdict. (A rules file that
 * differs may be the base's moving on, not the head's change.)
 */
export function forkPointCannotMatter({ head, base }: ForkQuestion['states']): boolean {
  const serials = (state: RefState) =>
    JSON.stringify(state.sets.map((set) => [set.config.dir, set.presence, set.origins.map((o) => [o.origin, o.file])]));
  return (
    serials(head) === serials(base) && JSON.stringify(head.configFile.file) === JSON.stringify(base.configFile.file)
  );
}
