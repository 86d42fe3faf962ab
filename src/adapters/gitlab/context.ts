import type { GitLabApi, GitLabProject } from './client.js';

/** Who the bot is on GitLab: what it may write and how to recognise its own work. */
export interface GitLabBot {
  /** The bot user's id: author of its statuses, notes, issues and merge requests. */
  id: number;
  username: string;
  /** The bot writes only to branches under this prefix, e.g. "apt-snapshots-bot/". */
  branchPrefix: string;
  /**
   * The name and e-mail address GitLab writes into the bot's commits (its
   * user's name and commit e-mail); asked of GitLab once when absent.
   */
  commitName?: string;
  commitEmail?: string;
}

export interface GitLabContext {
  api: GitLabApi;
  project: GitLabProject;
  bot: GitLabBot;
}

/** A note's page: GitLab's API gives notes no web_url. */
export function noteUrl(project: GitLabProject, kind: 'issue' | 'change-request', iid: number, noteId: number): string {
  return `${project.webUrl}/-/${kind === 'issue' ? 'issues' : 'merge_requests'}/${iid}#note_${noteId}`;
}
