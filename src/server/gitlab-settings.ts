import type { GitLabConnection } from '../adapters/gitlab/client.js';

export const DEFAULT_GITLAB_WEBHOOK_PATH = '/api/gitlab/webhooks';
/** Shorter secrets are refused: anyone who guesses it can make the bot act. */
const MIN_SECRET_LENGTH = 16;

export interface GitLabSettings {
  connection: GitLabConnection;
  /** The webhook's secret token, which GitLab sends in X-Gitlab-Token. */
  secret: string;
  path: string;
}

/**
 * GitLab's side of the deployment, from the environment: undefined when
 * GITLAB_URL is not set (GitHub alone). Set, every other variable it
 * needs must be there and sound.
 * @throws Error naming the variable that is missing or wrong, never its value when it is a secret
 */
export function gitlabSettings(env: NodeJS.ProcessEnv, githubWebhookPath: string): GitLabSettings | undefined {
  const url = env.GITLAB_URL?.trim();
  if (!url) return undefined;
  let host: URL;
  try {
    host = new URL(url);
  } catch {
    throw new Error(`GITLAB_URL=${url} is not a URL (e.g. https://gitlab.tails.boum.org)`);
  }
  if (host.protocol !== 'https:' && host.protocol !== 'http:')
    throw new Error(`GITLAB_URL=${url} is not an http(s) URL`);
  if (host.username || host.password)
    throw new Error('GITLAB_URL must not carry credentials: put the token in GITLAB_TOKEN');
  const token = env.GITLAB_TOKEN?.trim();
  if (!token)
    throw new Error("GITLAB_URL is set but GITLAB_TOKEN is not: the bot user's access token (see the README)");
  const secret = env.GITLAB_WEBHOOK_SECRET ?? '';
  // GitLab sends the token without surrounding spaces or line breaks: a secret with them would refuse every delivery.
  if (secret !== secret.trim())
    throw new Error('GITLAB_WEBHOOK_SECRET starts or ends with a space or a line break: GitLab would never send it so');
  if (secret.length < MIN_SECRET_LENGTH)
    throw new Error(
      `GITLAB_WEBHOOK_SECRET is ${secret === '' ? 'not set' : 'too short'}: the webhook's secret token must have at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`,
    );
  const path = env.GITLAB_WEBHOOK_PATH || DEFAULT_GITLAB_WEBHOOK_PATH;
  if (!path.startsWith('/')) throw new Error(`GITLAB_WEBHOOK_PATH=${path} must start with /`);
  if (path === githubWebhookPath)
    throw new Error(`GITLAB_WEBHOOK_PATH=${path} is GitHub's webhook path (WEBHOOK_PATH): give each forge its own`);
  return { connection: { host: host.origin + host.pathname.replace(/\/+$/, ''), token }, secret, path };
}
