import { UsageError } from '../../errors.js';
import type { Edit } from '../../planners/types.js';
import type { EnsureBranchResult } from '../../ports/forge.js';
import { ForgeError } from '../../ports/forge-error.js';
import { gitlabCall } from './client.js';
import type { GitLabContext } from './context.js';

/** A commit as GitLab's compare API lists it. */
export interface ListedCommit {
  id: string;
  parent_ids?: string[];
  author_name: string;
  author_email?: string;
  committer_name?: string;
  committer_email?: string;
}

interface CommitIdentity {
  name: string;
  email: string;
}

const OP = 'ensureBranch';

const same = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

/**
 * A commit is the bot's when the bot both authored and committed it: a
 * person who amends or rebases the bot's commit becomes its committer, and
 * their work must not be overwritten. GitLab's commits carry no user id,
 * so the bot is recognised by the e-mail address GitLab writes for it.
 */
export function isBotCommit(identity: CommitIdentity, commit: ListedCommit): boolean {
  return same(commit.author_email, identity.email) && same(commit.committer_email, identity.email);
}

/** Who is responsible for commits that are not the bot's: the author, or the committer of the bot's commit. */
export function foreignAuthors(identity: CommitIdentity, commits: ListedCommit[]): string[] {
  const names = commits
    .filter((c) => !isBotCommit(identity, c))
    .map((c) =>
      same(c.author_email, identity.email) ? (c.committer_name ?? c.committer_email ?? 'unknown') : c.author_name,
    );
  return [...new Set(names)];
}

/** The name and e-mail GitLab writes into the bot's commits: given, or its user's, asked once. */
async function commitIdentity(context: GitLabContext): Promise<CommitIdentity> {
  const { bot, api } = context;
  if (bot.commitEmail === undefined || bot.commitName === undefined) {
    const user = (await gitlabCall(OP, () => api.Users.showCurrentUser())) as {
      name: string;
      email?: string;
      commit_email?: string;
    };
    const email = user.commit_email ?? user.email;
    if (!email)
      throw new Error(`${OP}: GitLab tells no commit e-mail for the bot's user, so its commits cannot be recognised`);
    bot.commitName ??= user.name;
    bot.commitEmail ??= email;
  }
  return { name: bot.commitName ?? '', email: bot.commitEmail ?? '' };
}

async function headOf({ api, project }: GitLabContext, branch: string): Promise<string | undefined> {
  try {
    const found = (await gitlabCall(OP, () => api.Branches.show(project.id, branch))) as { commit: { id: string } };
    return found.commit.id;
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404) return undefined;
    throw error;
  }
}

/** The file's content at `ref`, undefined when it has none there. */
async function fileAt({ api, project }: GitLabContext, path: string, ref: string): Promise<string | undefined> {
  try {
    const file = (await gitlabCall(OP, () => api.RepositoryFiles.show(project.id, path, ref))) as {
      content: string;
      encoding?: string;
    };
    return file.encoding === 'base64' ? Buffer.from(file.content, 'base64').toString('utf8') : file.content;
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404) return undefined;
    throw error;
  }
}

/** The branch moved between the bot's look at it and its write: it must be looked at again. */
class BranchMoved extends ForgeError {}

// A branch created between our read and our write: GitLab refuses to start it anew without force.
const isRaceOnCreate = (error: unknown) =>
  error instanceof ForgeError && error.status === 400 && /already exists/i.test(error.message);

/**
 * Makes `branch` hold `baseSha` plus one bot commit with `edits`, never
 * over commits of anyone but the bot.
 *
 * GitLab's commits API takes `start_sha` and `force` but no expected head,
 * so a forced write cannot be made conditional: the head is read again
 * right before it and the write is refused when it moved. A person's push
 * landing in the few milliseconds between that read and the write would
 * still be replaced; GitLab keeps it reachable in the branch's activity
 * and in the merge request's versions, and the bot's next run then sees
 * a branch it did not write and leaves it alone.
 *
 * Requests: a new branch 2 + 1 per edit (read ref, files at base, commit);
 * an existing bot branch 3 + 1 or 2 per edit when it changes (ref,
 * compare, files at the branch when it is one commit on this base, files
 * at base, ref again, commit); 2 + 1 per edit when it already holds these
 * edits; a branch with someone else's commits 2, and nothing is written.
 * Plus 1, once, for the bot's commit identity when not given. A write
 * that loses a race is judged again once, from a fresh read.
 */
export async function ensureBotBranch(
  context: GitLabContext,
  branch: string,
  baseSha: string,
  edits: Edit[],
  message: string,
): Promise<EnsureBranchResult> {
  const { branchPrefix } = context.bot;
  if (!branch.startsWith(branchPrefix) || branch.length === branchPrefix.length) {
    throw new UsageError(
      `refusing to write branch "${branch}": the bot writes only to branches under "${branchPrefix}"`,
    );
  }
  if (edits.length === 0) throw new UsageError(`refusing to commit nothing to branch "${branch}"`);
  const identity = await commitIdentity(context);
  try {
    return await attempt(context, identity, branch, baseSha, edits, message);
  } catch (error) {
    if (!isRaceOnCreate(error) && !(error instanceof BranchMoved)) throw error;
    return attempt(context, identity, branch, baseSha, edits, message);
  }
}

async function holdsEdits(context: GitLabContext, ref: string, edits: Edit[]): Promise<boolean> {
  for (const edit of edits) if ((await fileAt(context, edit.path, ref)) !== edit.content) return false;
  return true;
}

async function attempt(
  context: GitLabContext,
  identity: CommitIdentity,
  branch: string,
  baseSha: string,
  edits: Edit[],
  message: string,
): Promise<EnsureBranchResult> {
  const { api, project } = context;
  const head = await headOf(context, branch);
  if (head !== undefined && head !== baseSha) {
    const compared = (await gitlabCall(OP, () => api.Repositories.compare(project.id, baseSha, head))) as {
      commits: ListedCommit[];
      diffs?: { old_path: string; new_path: string }[];
    };
    const authors = foreignAuthors(identity, compared.commits);
    if (authors.length > 0) return { status: 'foreign-commits', sha: head, authors };
    const [single] = compared.commits;
    const onBase = compared.commits.length === 1 && single?.id === head && single.parent_ids?.join() === baseSha;
    // The one commit must change nothing but the edits' files (an earlier plan may have had more).
    const paths = new Set(edits.map((e) => e.path));
    const touchesOnly = (compared.diffs ?? []).every((d) => paths.has(d.old_path) && paths.has(d.new_path));
    if (onBase && touchesOnly && (await holdsEdits(context, head, edits))) return { status: 'unchanged', sha: head };
  }

  const actions: { action: 'create' | 'update'; filePath: string; content: string }[] = [];
  for (const edit of edits) {
    const exists = (await fileAt(context, edit.path, baseSha)) !== undefined;
    actions.push({
      action: exists ? 'update' : 'create',
      filePath: edit.path,
      content: edit.content,
    });
  }
  if (head !== undefined && (await headOf(context, branch)) !== head) {
    throw new BranchMoved(
      `GitLab ${OP}: ${branch} moved while the bot was updating it`,
      OP,
      `GET /projects/:id/repository/branches/${branch}`,
      {
        forge: 'GitLab',
      },
    );
  }
  // On the base itself the commit simply goes on top, no force needed: a
  // push since then would be kept under it rather than replaced.
  const rewrite = head !== undefined && head !== baseSha;
  const created = (await gitlabCall(OP, () =>
    api.Commits.create(project.id, branch, message, actions, {
      ...(head === baseSha ? {} : { startSha: baseSha }),
      ...(rewrite ? { force: true } : {}),
      authorName: identity.name,
      authorEmail: identity.email,
    }),
  )) as { id: string };
  return { status: head === undefined ? 'created' : 'updated', sha: created.id };
}
