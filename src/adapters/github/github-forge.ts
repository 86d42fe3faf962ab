import type { Actor } from '../../ports/forge-events.js';
import type { Edit } from '../../planners/types.js';
import type {
  BotChangeRequest,
  CheckReport,
  EnsureBranchResult,
  Forge,
  IssueInfo,
  Permission,
  Thread,
  ChangeRequestInfo,
} from '../../ports/forge.js';
import { ensureBotBranch } from './bot-branch.js';
import { ensureCheckRun, latestCheckRun } from './check-runs.js';
import type { GitHubClient, GitHubRepository } from './client.js';
import { ensureComment } from './comments.js';
import { call, ForgeError } from './forge-error.js';
import type { BotIdentity, ForgeContext } from './forge-context.js';
import type { SeenCheckRuns } from './seen-check-runs.js';
import { closeIssue, ensureIssue, findIssue, listBotPullRequests } from './issues.js';
import { closePullRequest, ensurePullRequest, findOpenPullRequest } from './pull-requests.js';

const PERMISSIONS: readonly string[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'] satisfies Permission[];

/**
 * The Forge on one GitHub repository, through the REST API. Every failure
 * is a ForgeError naming the operation and the endpoint.
 */
export class GitHubForge implements Forge {
  private readonly context: ForgeContext;
  private readonly seen: SeenCheckRuns | undefined;

  /**
   * @param options.repositoryId the repository's GraphQL node id (a webhook's `repository.node_id`), which moving a bot branch needs; asked of GitHub when absent
   * @param options.seen the check runs the webhook's GitHubSource read along with the judged commits
   */
  constructor(
    octokit: GitHubClient,
    repository: GitHubRepository,
    identity: BotIdentity,
    options: { repositoryId?: string; seen?: SeenCheckRuns } = {},
  ) {
    this.seen = options.seen;
    this.context = {
      octokit,
      repository,
      identity,
      ...(options.repositoryId ? { repositoryId: options.repositoryId } : {}),
    };
  }

  /**
   * Requests: 1 (create or update) when the webhook read the commit's runs
   * and nothing wrote that check since, else 2 (find first); plus 1 per
   * further 50 annotations.
   */
  ensureCheck(report: CheckReport): Promise<{ id: number; url: string }> {
    if (!this.seen) return ensureCheckRun(this.context, report);
    const { owner, repo } = this.context.repository;
    return this.seen.write(`check ${owner}/${repo} ${report.headSha} ${report.name}`, report.headSha, (known) =>
      ensureCheckRun(this.context, report, known),
    );
  }

  ensureBranch(branch: string, baseSha: string, edits: Edit[], message: string): Promise<EnsureBranchResult> {
    return ensureBotBranch(this.context, branch, baseSha, edits, message);
  }

  ensureChangeRequest(pr: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<ChangeRequestInfo & { status: 'created' | 'updated' | 'unchanged' }> {
    return ensurePullRequest(this.context, pr);
  }

  findOpenChangeRequest(head: string, base: string): Promise<ChangeRequestInfo | undefined> {
    return findOpenPullRequest(this.context, head, base);
  }

  closeChangeRequest(number: number, comment: string): Promise<void> {
    return closePullRequest(this.context, number, comment);
  }

  /** Issues and pull requests share one series of numbers on GitHub: the kind changes nothing. */
  ensureComment(on: Thread, marker: string, body: string): Promise<{ url: string }> {
    return ensureComment(this.context, on.number, marker, body);
  }

  /**
   * The user's role on the repository (a custom role counts as the role it
   * is based on); 'none' for someone GitHub does not know as a collaborator.
   */
  async permissionOf({ login: user }: Actor): Promise<Permission> {
    const { octokit, repository } = this.context;
    try {
      const { data } = await call('permissionOf', () =>
        octokit.rest.repos.getCollaboratorPermissionLevel({ ...repository, username: user }),
      );
      const role = PERMISSIONS.includes(data.role_name) ? data.role_name : data.permission;
      return (PERMISSIONS.includes(role) ? role : 'none') as Permission;
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404) return 'none';
      throw error;
    }
  }

  latestCheck(ref: string, name: string): Promise<{ sha: string; conclusion: string; url: string } | undefined> {
    return latestCheckRun(this.context, ref, name);
  }

  /** Searches the bot's issues by update order: see issues.ts. */
  findIssue(marker: string, options: { atStart?: boolean } = {}): Promise<IssueInfo | undefined> {
    return findIssue(this.context, marker, options);
  }

  /** Requests: 0 or 1 with `existing`, 1 or 2 without. @throws Error when the body lacks the marker */
  ensureIssue(
    issue: { marker: string; title: string; body: string },
    existing?: IssueInfo | null,
  ): Promise<IssueInfo & { status: 'created' | 'updated' | 'unchanged' }> {
    return ensureIssue(this.context, issue, existing);
  }

  closeIssue(number: number, comment: string): Promise<void> {
    return closeIssue(this.context, number, comment);
  }

  /** Searches the 100 newest open pull requests (one request): see issues.ts. */
  listBotChangeRequests(): Promise<BotChangeRequest[]> {
    return listBotPullRequests(this.context);
  }
}
