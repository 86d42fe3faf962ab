import type { Actor } from '../../ports/forge-events.js';
import { ForgeError } from '../../ports/forge-error.js';
import { gitlabGraphql, type GitLabConnection } from './client.js';

const OPERATION = 'read who updated an issue';

const QUERY =
  'query($fullPath: ID!, $iid: String!) { project(fullPath: $fullPath) { issue(iid: $iid) { updatedAt updatedBy { id username } } } }';

interface Answer {
  project: { issue: { updatedAt?: unknown; updatedBy: { id?: unknown; username?: unknown } | null } | null } | null;
}

/** Who updated an issue last, and when. */
export interface IssueUpdate {
  /** Undefined when GitLab names nobody. */
  by?: Actor;
  at: Date;
}

/** GitLab's times in webhooks ("2021-05-14 00:00:00 UTC") and in GraphQL (ISO 8601), to the second. */
export function gitlabSecond(time: string): number | undefined {
  const ms = Date.parse(time.replace(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC$/, '$1T$2Z'));
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Who GitLab says last updated issue `iid`, and when (GraphQL's
 * `Issue.updatedBy` and `updatedAt`; REST does not tell). One webhook
 * secret serves every project of the bot, so an Issue Hook can name
 * anyone as who ticked a box: the user GitLab records cannot be forged.
 * It is who made a webhook's edit only when the times agree: any later
 * update (a label, a comment, the bot's own) is recorded in its place.
 * One request.
 * @throws ForgeError gone when the project or the issue is gone
 */
export async function issueUpdate(connection: GitLabConnection, fullPath: string, iid: number): Promise<IssueUpdate> {
  const data = await gitlabGraphql<Answer>(connection, OPERATION, QUERY, { fullPath, iid: String(iid) });
  const issue = data.project?.issue;
  if (!issue) {
    throw new ForgeError(`GitLab ${OPERATION}: no issue #${iid} in ${fullPath}`, OPERATION, 'POST /api/graphql', {
      forge: 'GitLab',
      status: 404,
      gone: true,
    });
  }
  const at = typeof issue.updatedAt === 'string' ? Date.parse(issue.updatedAt) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new ForgeError(`GitLab ${OPERATION}: issue #${iid} has no updatedAt`, OPERATION, 'POST /api/graphql', {
      forge: 'GitLab',
    });
  }
  const user = issue.updatedBy;
  if (!user) return { at: new Date(at) };
  const id = typeof user.id === 'string' ? /^gid:\/\/gitlab\/User\/(\d+)$/.exec(user.id)?.[1] : undefined;
  if (id === undefined || typeof user.username !== 'string') {
    throw new ForgeError(
      `GitLab ${OPERATION}: issue #${iid} names its updater without a user id or username`,
      OPERATION,
      'POST /api/graphql',
      { forge: 'GitLab' },
    );
  }
  return { by: { login: user.username, id: Number(id) }, at: new Date(at) };
}
