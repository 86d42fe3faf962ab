import { UsageError } from '../../errors.js';
import type { Edit } from '../../planners/types.js';
import type { EnsureBranchResult } from '../../ports/forge.js';
import { call, ForgeError } from './forge-error.js';
import type { BotIdentity, ForgeContext } from './forge-context.js';

/** A commit as GitHub's compare API lists it. */
export interface ListedCommit {
  sha: string;
  commit: { tree: { sha: string }; author: { name?: string } | null };
  author: { login?: string } | null | Record<string, never>;
  committer: { login?: string } | null | Record<string, never>;
}

/** GitHub's own login for commits it makes (web edits, signed API commits). */
const WEB_FLOW = 'web-flow';

/**
 * A commit is the bot's when the bot authored it and the bot or GitHub
 * committed it: a person who amends or rebases the bot's commit becomes its
 * committer, and their work must not be overwritten.
 */
export function isBotCommit(identity: BotIdentity, commit: ListedCommit): boolean {
  const committer = commit.committer?.login;
  return commit.author?.login === identity.botLogin && (committer === identity.botLogin || committer === WEB_FLOW);
}

/** Who is responsible for commits that are not the bot's: the author, or the committer of the bot's commit. */
export function foreignAuthors(identity: BotIdentity, commits: ListedCommit[]): string[] {
  const names = commits
    .filter((c) => !isBotCommit(identity, c))
    .map((c) => {
      const author = c.author?.login;
      if (author && author !== identity.botLogin) return author;
      return c.committer?.login ?? c.commit.author?.name ?? 'unknown';
    });
  return [...new Set(names)];
}

const isRaceOnCreate = (error: unknown) =>
  error instanceof ForgeError && error.status === 422 && /reference already exists/i.test(error.message);

/** The branch moved between the bot's look at it and its write: the write was refused, and the branch must be looked at again. */
class BranchMoved extends ForgeError {}

/**
 * Moves a ref only if it still points at `before`, atomically: between the
 * compare that found only bot commits and this write, a person may have
 * pushed, and a plain forced update would throw their commit away.
 */
export const MOVE_REF = `mutation MoveBotBranch($repositoryId: ID!, $name: GitRefname!, $before: GitObjectID!, $after: GitObjectID!) {
  updateRefs(input: { repositoryId: $repositoryId, refUpdates: [{ name: $name, beforeOid: $before, afterOid: $after, force: true }] }) { clientMutationId }
}`;

/**
 * Makes `branch` hold `baseSha` plus one bot commit with `edits`.
 *
 * Requests: a new branch 5 (read ref, base commit, tree, commit, create
 * ref); an existing bot branch 5 when it changes (read ref, compare, tree,
 * commit, move ref; plus 1, once, for the repository's node id when the
 * context lacks it), 3 when it already holds these edits on this base;
 * a branch with someone else's commits 2, and nothing is written. A write
 * that loses a race is judged again once, from a fresh read.
 */
export async function ensureBotBranch(
  context: ForgeContext,
  branch: string,
  baseSha: string,
  edits: Edit[],
  message: string,
): Promise<EnsureBranchResult> {
  const { branchPrefix } = context.identity;
  if (!branch.startsWith(branchPrefix) || branch.length === branchPrefix.length) {
    throw new UsageError(
      `refusing to write branch "${branch}": the bot writes only to branches under "${branchPrefix}"`,
    );
  }
  if (edits.length === 0) throw new UsageError(`refusing to commit nothing to branch "${branch}"`);
  try {
    return await attempt(context, branch, baseSha, edits, message);
  } catch (error) {
    // Someone (another delivery, a person) wrote the branch between our read and our write: judge it afresh.
    if (!isRaceOnCreate(error) && !(error instanceof BranchMoved)) throw error;
    return attempt(context, branch, baseSha, edits, message);
  }
}

async function repositoryIdOf(context: ForgeContext): Promise<string> {
  if (context.repositoryId === undefined) {
    const { data } = await call('ensureBranch', () => context.octokit.rest.repos.get({ ...context.repository }));
    context.repositoryId = data.node_id;
  }
  return context.repositoryId;
}

/**
 * Moves `branch` from `head` to `sha`, never over a commit it did not
 * check: a fast-forward is refused by GitHub when the branch moved, and
 * any other move names the commit it replaces. A refused move whose
 * branch did move is a BranchMoved; any other failure is passed on.
 */
async function moveBranch(
  context: ForgeContext,
  branch: string,
  head: string,
  sha: string,
  fastForward: boolean,
): Promise<void> {
  const { octokit, repository } = context;
  const op = 'ensureBranch';
  try {
    if (fastForward) {
      await call(op, () => octokit.rest.git.updateRef({ ...repository, ref: `heads/${branch}`, sha, force: false }));
    } else {
      const repositoryId = await repositoryIdOf(context);
      await call(op, () =>
        octokit.graphql(MOVE_REF, { repositoryId, name: `refs/heads/${branch}`, before: head, after: sha }),
      );
    }
  } catch (error) {
    if (!(error instanceof ForgeError) || (await headOf(context, branch)) === head) throw error;
    throw new BranchMoved(
      `GitHub ensureBranch: ${branch} moved while the bot was updating it, and was left as it is`,
      op,
      error.endpoint,
      { cause: error },
    );
  }
}

async function attempt(
  context: ForgeContext,
  branch: string,
  baseSha: string,
  edits: Edit[],
  message: string,
): Promise<EnsureBranchResult> {
  const { octokit, repository, identity } = context;
  const { owner, repo } = repository;
  const op = 'ensureBranch';
  const head = await headOf(context, branch);

  let baseTree: string;
  let single: ListedCommit | undefined;
  if (head === undefined || head === baseSha) {
    baseTree = (await call(op, () => octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha }))).data.tree.sha;
  } else {
    const { data } = await call(op, () =>
      octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${baseSha}...${head}` }),
    );
    const commits = data.commits as ListedCommit[];
    const authors = foreignAuthors(identity, commits);
    if (authors.length > 0) return { status: 'foreign-commits', sha: head, authors };
    if (data.total_commits > commits.length) {
      return {
        status: 'foreign-commits',
        sha: head,
        authors: [`(${data.total_commits} commits, more than GitHub lists)`],
      };
    }
    baseTree = data.base_commit.commit.tree.sha;
    if (data.behind_by === 0 && commits.length === 1) single = commits[0];
  }

  const tree = await call(op, () =>
    octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: baseTree,
      tree: edits.map((edit) => ({
        path: edit.path,
        mode: '100644' as const,
        type: 'blob' as const,
        content: edit.content,
      })),
    }),
  );
  if (head !== undefined && single?.commit.tree.sha === tree.data.sha) return { status: 'unchanged', sha: head };

  const commit = await call(op, () =>
    octokit.rest.git.createCommit({ owner, repo, message, tree: tree.data.sha, parents: [baseSha] }),
  );
  const sha = commit.data.sha;
  if (head === undefined) {
    await call(op, () => octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha }));
    return { status: 'created', sha };
  }
  await moveBranch(context, branch, head, sha, head === baseSha);
  return { status: 'updated', sha };
}

async function headOf({ octokit, repository }: ForgeContext, branch: string): Promise<string | undefined> {
  try {
    const { data } = await call('ensureBranch', () =>
      octokit.rest.git.getRef({ ...repository, ref: `heads/${branch}` }),
    );
    return data.object.sha;
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404) return undefined;
    throw error;
  }
}
