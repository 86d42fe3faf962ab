import { GitLabApp, type GitLabAppOptions } from '../../src/gitlab-app.js';
import { parseGitLabWebhook, type GitLabProjectRef } from '../../src/adapters/gitlab/webhook-events.js';
import { ReadinessWatch } from '../../src/app/release/readiness-watch.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { FakeTimers } from './fake-timers.js';
import { makeRepo, type TestRepo } from './git-repo.js';
import { BOT, GitLabFake, PROJECT_ID, PROJECT_PATH } from './gitlab-fake.js';
import { serveProject, type GitLabProjectStandIn } from './gitlab-project.js';
import { startGitLabStandIn, type GitLabRequest, type GitLabStandIn } from './gitlab-stand-in.js';
import { captureLog, type LogCapture } from './probot-app.js';
import type { FakeEntry } from './snapshot.js';

/**
 * A GitLabApp at its port, on a stand-in GitLab whose one project's
 * repository is a real Git repository (see serveProject): tests hand it
 * webhooks parsed as the server parses them, and look at the requests
 * GitLab took and at the fake's state.
 */

export const TOKEN = 'glpat-app-scenarios-token';
export const NOW = new Date('2021-05-14T00:00:00Z');
export const ZERO = '0'.repeat(40);
export const DEVELOPER = { id: 3001, username: 'intrigeri' };
export const REPORTER = { id: 3002, username: 'passer-by' };
export type Person = { id: number; username: string };

export interface AppWorld {
  standIn: GitLabStandIn;
  fake: GitLabFake;
  repo: TestRepo & { commit: string };
  project: GitLabProjectStandIn;
  app: GitLabApp;
  log: LogCapture;
  timers: FakeTimers;
  where: GitLabProjectRef;
  /** Parses a webhook as the server does (it must be one the app takes) and hands it to the app. */
  deliver(event: string, payload: unknown): Promise<'done' | 'ignored'>;
  /** The requests that wrote (GraphQL reads aside), as `METHOD /path`, from `from` on. */
  writes(from?: number): string[];
  /** The requests that wrote, with their bodies. */
  written(from?: number): GitLabRequest[];
  close(): Promise<void>;
}

export interface WorldOptions {
  /** The first commit's files, on devel. */
  files: Record<string, FakeEntry>;
  app?: Partial<GitLabAppOptions>;
  timers?: FakeTimers;
}

export function projectPayload(where: GitLabProjectRef) {
  return {
    id: where.id,
    name: 'tails',
    path_with_namespace: where.pathWithNamespace,
    web_url: where.webUrl,
    default_branch: where.defaultBranch,
  };
}

export function pushPayload(where: GitLabProjectRef, ref: string, before: string, after: string, user: Person) {
  return {
    object_kind: ref.startsWith('refs/tags/') ? 'tag_push' : 'push',
    ref,
    before,
    after,
    ...(ref.startsWith('refs/tags/') ? { checkout_sha: after } : {}),
    user_id: user.id,
    user_username: user.username,
    user_name: user.username,
    project: projectPayload(where),
    commits: [],
    total_commits_count: 0,
  };
}

export async function startWorld(options: WorldOptions): Promise<AppWorld> {
  const repo = await makeRepo(options.files, { date: new Date('2021-05-10T08:00:00Z'), message: 'Thawed devel' });
  const standIn = await startGitLabStandIn(TOKEN);
  const fake = new GitLabFake(standIn, { ...BOT });
  fake.addUser(DEVELOPER);
  fake.addUser(REPORTER);
  fake.members.set(DEVELOPER.id, { access_level: 30, inherited: true });
  fake.members.set(REPORTER.id, { access_level: 20, inherited: false });
  const project = serveProject(standIn, fake, repo);
  const log = captureLog();
  const timers = options.timers ?? new FakeTimers();
  const where: GitLabProjectRef = {
    id: PROJECT_ID,
    pathWithNamespace: PROJECT_PATH,
    webUrl: `${standIn.url}/${PROJECT_PATH}`,
    defaultBranch: 'devel',
  };
  const app = new GitLabApp({
    connection: { host: standIn.url, token: TOKEN, sleep: () => Promise.resolve() },
    defaults: defaultConfig(),
    log: log.logger,
    now: () => NOW,
    timers,
    triggers: {},
    watch: new ReadinessWatch(timers, () => undefined),
    ...options.app,
  });
  const isWrite = (r: GitLabRequest) => r.method !== 'GET' && r.path !== '/api/graphql';
  return {
    standIn,
    fake,
    repo,
    project,
    app,
    log,
    timers,
    where,
    async deliver(event, payload) {
      const parsed = parseGitLabWebhook(event, payload);
      if (!parsed.ok) throw new Error(`the app would refuse this webhook: ${parsed.problem}`);
      if (!parsed.event) throw new Error(`the app would leave this webhook alone: ${parsed.reason ?? ''}`);
      return app.handle(parsed.project, parsed.event);
    },
    writes: (from = 0) =>
      standIn.requests
        .slice(from)
        .filter(isWrite)
        .map((r) => `${r.method} ${r.path}`),
    written: (from = 0) => standIn.requests.slice(from).filter(isWrite),
    async close() {
      await standIn.close();
      await repo.cleanup();
    },
  };
}
