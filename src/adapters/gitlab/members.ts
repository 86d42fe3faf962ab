import type { Permission } from '../../ports/forge.js';
import type { Actor } from '../../ports/forge-events.js';
import { ForgeError } from '../../ports/forge-error.js';
import { gitlabCall } from './client.js';
import type { GitLabContext } from './context.js';

interface ListedUser {
  id: number;
  username: string;
  state: string;
}

/** GitLab's access levels in GitHub's words: Owner, Maintainer, Developer, Reporter; Guest and Minimal read. */
export function permissionOfLevel(level: number): Permission {
  if (level >= 50) return 'admin';
  if (level >= 40) return 'maintain';
  if (level >= 30) return 'write';
  if (level >= 20) return 'triage';
  if (level >= 5) return 'read';
  return 'none';
}

/** The id of the active user named `username`, or undefined. */
async function activeUserId(context: GitLabContext, username: string): Promise<number | undefined> {
  const users = (await gitlabCall(OPERATION, () =>
    context.api.Users.all({ username, perPage: 20, page: 1 }),
  )) as ListedUser[];
  // GitLab's usernames ignore case; the filter is exact otherwise.
  const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  return user?.state === 'active' ? user.id : undefined;
}

const OPERATION = 'permissionOf';

/**
 * What `user` may do in the project: the access level of their
 * membership, inherited from a group included; 'none' for a user GitLab
 * does not know, a blocked or deactivated one, and a non-member. By the
 * id the event gave (GitLab's own, as a note read back names its author),
 * else by username. Requests: 1 with an id or for an unknown username,
 * else 2.
 */
export async function permissionOfUser(context: GitLabContext, user: Actor): Promise<Permission> {
  const { api, project } = context;
  const op = OPERATION;
  if (user.id !== undefined && (!Number.isSafeInteger(user.id) || user.id < 1))
    throw new Error(`${op}: the user id ${user.id} is not a GitLab id`);
  if (user.id === undefined && user.login.trim() === '') throw new Error(`${op}: the username is empty`);
  const id = user.id ?? (await activeUserId(context, user.login));
  if (id === undefined) return 'none';
  try {
    const member = (await gitlabCall(op, () =>
      api.ProjectMembers.show(project.id, id, { includeInherited: true }),
    )) as { access_level: number; state?: string };
    if (member.state !== undefined && member.state !== 'active') return 'none';
    return permissionOfLevel(member.access_level);
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404) return 'none';
    throw error;
  }
}
