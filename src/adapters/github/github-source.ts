import type { Logger } from 'probot';
import type { ReadSpec, RefSnapshot } from '../../domain/tree.js';
import type { BatchRefReader } from '../../ports/ref-reader.js';
import type { ReadPlan, Repository, RepositoryView } from '../../ports/repository.js';
import { BatchedView } from '../batched-view.js';
import type { GitHubClient, GitHubRepository } from './client.js';
import { GraphqlRefReader } from './graphql-ref-reader.js';
import { mergeBase } from './merge-base.js';
import type { SeenCheckRuns } from './seen-check-runs.js';

export interface GitHubSourceOptions {
  /** The app's id: without it, no check runs are read along. */
  appId?: number;
  /** Where the check runs read along go, for the webhook's GitHubForge. */
  seen?: SeenCheckRuns;
  log: Logger;
}

/**
 * One GitHub repository for one webhook, through GraphQL: a judging's
 * revisions come in one query (see BatchedView), and with them the app's
 * check runs on the judged commit, so that writing its check needs no
 * lookup (see SeenCheckRuns).
 */
export class GitHubSource implements Repository {
  private readonly reader: GraphqlRefReader;

  constructor(
    private readonly octokit: GitHubClient,
    private readonly repository: GitHubRepository,
    private readonly options: GitHubSourceOptions,
  ) {
    this.reader = new GraphqlRefReader(
      octokit,
      repository,
      options.appId === undefined ? {} : { appId: options.appId },
    );
  }

  read(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    return this.reader.read(rev, spec);
  }

  open(plan: ReadPlan): RepositoryView {
    const { octokit, repository, options } = this;
    return new BatchedView(this.alongWith(plan.checked), {
      batch: plan.batch,
      mergeBase: (base, head) => mergeBase(octokit, repository, base, head),
      log: options.log,
      repository: `${repository.owner}/${repository.repo}`,
    });
  }

  /** The reader, bringing the check runs of `checked` with any batch that holds it. */
  private alongWith(checked: string | undefined): BatchRefReader {
    const { reader } = this;
    const { seen } = this.options;
    return {
      read: (rev, spec) => reader.read(rev, spec),
      async readSettled(revs, spec) {
        if (checked === undefined || !seen || !revs.includes(checked)) return reader.readSettled(revs, spec);
        const seenAt = await seen.ledger.now();
        const answer = await reader.readSettled(revs, spec, checked);
        if (answer.checkRuns) seen.record(answer.checkRuns, seenAt);
        return answer;
      },
    };
  }
}
