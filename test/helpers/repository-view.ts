import type { RefReader } from '../../src/ports/ref-reader.js';
import type { ForkQuestion, RepositoryView } from '../../src/ports/repository.js';

export interface ViewLookups {
  /** Where a branch named in config/base_branch is; none found when absent. */
  baseBranch?: (name: string) => Promise<string | undefined>;
  /** Where the head forked from `base`; none when absent. */
  forkOf?: (base: string, question: ForkQuestion) => Promise<string | undefined>;
}

/** A repository view over a test's reader, its branches and fork points answered by the test. */
export function viewOf(reader: RefReader, lookups: ViewLookups = {}): RepositoryView {
  return {
    read: (rev, spec) => reader.read(rev, spec),
    branch: (name) => lookups.baseBranch?.(name) ?? Promise.resolve(undefined),
    mergeBase: (question) => lookups.forkOf?.(question.base, question) ?? Promise.resolve(undefined),
  };
}
