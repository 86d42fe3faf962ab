import type { Permission } from '../../ports/forge.js';
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

/**
 * What `username` may do in the project: the access level of their
 * membership, inherited from a group included; 'none' for a user GitLab
 * does not know, a blocked or deactivated one, and a non-member.
 * Requests: 1 for an unknown user, else 2.
 */
export async function permissionOfUser(context: GitLabContext, username: string): Promise<Permission> {
  const { api, project } = context;
  const op = 'permissionOf';
  if (username.trim() === '') throw new Error(`${op}: the username is empty`);
  const users = (await gitlabCall(op, () => api.Users.all({ username, perPage: 20, page: 1 }))) as ListedUser[];
  // GitLab's usernames ignore case; the filter is exact otherwise.
  const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  if (!user || user.state !== 'active') return 'none';
  try {
    const member = (await gitlabCall(op, () =>
      api.ProjectMembers.show(project.id, user.id, { includeInherited: true }),
    )) as { access_level: number; state?: string };
    if (member.state !== undefined && member.state !== 'active') return 'none';
    return permissionOfLevel(member.access_level);
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404) return 'none';
    throw error;
  }
}
