import type { GitHubClient, GitHubRepository } from './client.js';

/** Who the bot is on GitHub: what it may write and how to recognise its own work. */
export interface BotIdentity {
  /** The bot writes only to branches under this prefix, e.g. "apt-snapshots-bot/". */
  branchPrefix: string;
  /** The app's bot user, e.g. "apt-snapshots-bot[bot]": author of its commits and comments. */
  botLogin: string;
  /** The GitHub App's id; without it the app is recognised by the slug in botLogin. */
  appId?: number;
}

export interface ForgeContext {
  octokit: GitHubClient;
  repository: GitHubRepository;
  identity: BotIdentity;
  /** The repository's GraphQL node id, which webhooks carry; looked up (once) when absent. */
  repositoryId?: string;
}

/** Whether a check run (or anything carrying `app`) was made by this bot's app. */
export function isOurApp(identity: BotIdentity, app: { id?: number; slug?: string } | null | undefined): boolean {
  if (!app) return false;
  if (identity.appId !== undefined) return app.id === identity.appId;
  return app.slug !== undefined && `${app.slug}[bot]` === identity.botLogin;
}
