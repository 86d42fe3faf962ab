import type { Actor } from '../../ports/forge-events.js';
import type { Edit } from '../../planners/types.js';
import type {
  BotChangeRequest,
  CheckReport,
  EnsureBranchResult,
  Forge,
  IssueInfo,
  Permission,
  ChangeRequestInfo,
  Thread,
} from '../../ports/forge.js';
import { ensureBotBranch } from './bot-branch.js';
import { gitlabCall, type GitLabApi, type GitLabProject } from './client.js';
import { ensureStatus, latestCheckStatus } from './commit-statuses.js';
import type { GitLabBot, GitLabContext } from './context.js';
import { closeBotIssue, ensureBotIssue, findBotIssue } from './issues.js';
import { permissionOfUser } from './members.js';
import { closeMergeRequest, ensureMergeRequest, findOpenMergeRequest, listBotMergeRequests } from './merge-requests.js';
import { ensureComment } from './notes.js';

export { mergeRequestTarget } from './merge-requests.js';
export type { GitLabBot } from './context.js';

/**
 * The bot's user, as the token authenticates it: the author GitLab records
 * for its statuses, notes, issues and merge requests, and the name and
 * e-mail it writes into its commits. Requests: 1.
 */
export async function gitlabBot(
  api: GitLabApi,
): Promise<{ id: number; username: string; commitName: string; commitEmail: string | undefined }> {
  const user = (await gitlabCall('gitlabBot', () => api.Users.showCurrentUser())) as {
    id: number;
    username: string;
    name: string;
    email?: string;
    commit_email?: string;
  };
  return { id: user.id, username: user.username, commitName: user.name, commitEmail: user.commit_email ?? user.email };
}

/**
 * The Forge on one GitLab project, through the REST API: checks are commit
 * statuses with a note on the merge request, pull requests are merge
 * requests, comments are notes. Every failure is a ForgeError naming the
 * operation and the endpoint.
 */
export class GitLabForge implements Forge {
  private readonly context: GitLabContext;

  constructor(api: GitLabApi, project: GitLabProject, bot: GitLabBot) {
    if (!Number.isInteger(bot.id) || bot.id <= 0) throw new Error(`GitLabForge: bot.id ${bot.id} is not a user id`);
    if (bot.branchPrefix === '') throw new Error('GitLabForge: bot.branchPrefix is empty');
    if (project.id === '' || project.webUrl === '')
      throw new Error('GitLabForge: project.id and project.webUrl are required');
    this.context = { api, project, bot: { ...bot } };
  }

  /** Known check runs are GitHub's: statuses are always looked up (1 request). See commit-statuses.ts. */
  ensureCheck(report: CheckReport): Promise<{ id: number; url: string }> {
    return ensureStatus(this.context, report);
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
    return ensureMergeRequest(this.context, pr);
  }

  findOpenChangeRequest(head: string, base: string): Promise<ChangeRequestInfo | undefined> {
    return findOpenMergeRequest(this.context, head, base);
  }

  closeChangeRequest(number: number, comment: string): Promise<void> {
    return closeMergeRequest(this.context, number, comment);
  }

  /** Issues and merge requests are numbered apart on GitLab: the kind says whose notes. */
  ensureComment(on: Thread, marker: string, body: string): Promise<{ url: string }> {
    return ensureComment(this.context, on, marker, body);
  }

  permissionOf(user: Actor): Promise<Permission> {
    return permissionOfUser(this.context, user);
  }

  latestCheck(ref: string, name: string): Promise<{ sha: string; conclusion: string; url: string } | undefined> {
    return latestCheckStatus(this.context, ref, name);
  }

  findIssue(marker: string, options: { atStart?: boolean } = {}): Promise<IssueInfo | undefined> {
    return findBotIssue(this.context, marker, options);
  }

  ensureIssue(
    issue: { marker: string; title: string; body: string },
    existing?: IssueInfo | null,
  ): Promise<IssueInfo & { status: 'created' | 'updated' | 'unchanged' }> {
    return ensureBotIssue(this.context, issue, existing);
  }

  closeIssue(number: number, comment: string): Promise<void> {
    return closeBotIssue(this.context, number, comment);
  }

  listBotChangeRequests(): Promise<BotChangeRequest[]> {
    return listBotMergeRequests(this.context);
  }
}
