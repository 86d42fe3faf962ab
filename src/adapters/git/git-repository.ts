import type { RefReader } from '../../ports/ref-reader.js';
import type { RepositoryView } from '../../ports/repository.js';
import { mergeBase, resolveBaseBranchRev, type GitEnvOptions } from './history.js';

/**
 * A local repository for one judging. Asking Git costs no request, so the
 * fork point is always asked, even when no verdict depends on it: the
 * command line shows it.
 * @param reader the repository's reader (see withReader)
 */
export function gitRepositoryView(reader: RefReader, repoDir: string, options: GitEnvOptions = {}): RepositoryView {
  return {
    read: (rev, spec) => reader.read(rev, spec),
    // A fresh clone has only origin's branches: resolveBaseBranchRev falls back to them.
    branch: (name) => resolveBaseBranchRev(repoDir, name, options),
    mergeBase: ({ base, head }) => mergeBase(repoDir, head, base, options),
  };
}
