import type { Logger } from 'probot';
import type { ReadSpec, RefSnapshot } from '../../domain/tree.js';
import type { ReadPlan, Repository, RepositoryView } from '../../ports/repository.js';
import { BatchedView } from '../batched-view.js';
import type { GitLabApi, GitLabConnection, GitLabProject } from './client.js';
import { GitLabRefReader } from './graphql-ref-reader.js';
import { gitlabMergeBase } from './merge-base.js';

/**
 * One GitLab project for one webhook: a judging's revisions are read
 * together (see GitLabRefReader for what one batch costs), and the merge
 * base is asked only when a verdict can depend on it.
 */
export class GitLabSource implements Repository {
  private readonly reader: GitLabRefReader;

  constructor(
    connection: GitLabConnection,
    private readonly project: GitLabProject,
    private readonly api: GitLabApi,
    private readonly options: { log: Logger; repository: string },
  ) {
    this.reader = new GitLabRefReader(connection, project, api);
  }

  read(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    return this.reader.read(rev, spec);
  }

  open(plan: ReadPlan): RepositoryView {
    return new BatchedView(this.reader, {
      batch: plan.batch,
      mergeBase: (base, head) => gitlabMergeBase(this.api, this.project, base, head),
      ...this.options,
    });
  }
}
