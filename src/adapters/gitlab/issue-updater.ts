import type { Actor } from '../../ports/forge-events.js';
import { ForgeError } from '../../ports/forge-error.js';
import { gitlabGraphql, type GitLabConnection } from './client.js';

const OPERATION = 'read who updated an issue';

const QUERY =
  'query($fullPath: ID!, $iid: String!) { project(fullPath: $fullPath) { issue(iid: $iid) { updatedBy { id username } } } }';

interface Answer {
  project: { issue: { updatedBy: { id?: unknown; username?: unknown } | null } | null } | null;
}

/**
 * Who GitLab says last updated issue `iid` (GraphQL's `Issue.updatedBy`;
 * REST does not tell), or undefined when it names nobody. One webhook
 * secret serves every project of the bot, so an Issue Hook can name
 * anyone as who ticked a box: the user GitLab records cannot be forged.
 * One request.
 * @throws ForgeError gone when the project or the issue is gone
 */
export async function issueUpdater(
  connection: GitLabConnection,
  fullPath: string,
  iid: number,
): Promise<Actor | undefined> {
  const data = await gitlabGraphql<Answer>(connection, OPERATION, QUERY, { fullPath, iid: String(iid) });
  const issue = data.project?.issue;
  if (!issue) {
    throw new ForgeError(`GitLab ${OPERATION}: no issue #${iid} in ${fullPath}`, OPERATION, 'POST /api/graphql', {
      forge: 'GitLab',
      status: 404,
      gone: true,
    });
  }
  const user = issue.updatedBy;
  if (!user) return undefined;
  const id = typeof user.id === 'string' ? /^gid:\/\/gitlab\/User\/(\d+)$/.exec(user.id)?.[1] : undefined;
  if (id === undefined || typeof user.username !== 'string') {
    throw new ForgeError(
      `GitLab ${OPERATION}: issue #${iid} names its updater without a user id or username`,
      OPERATION,
      'POST /api/graphql',
      { forge: 'GitLab' },
    );
  }
  return { login: user.username, id: Number(id) };
}
