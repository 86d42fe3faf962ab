import type { Logger } from 'probot';
import type { Config } from '../config/schema.js';
import type { Forge, Thread } from '../ports/forge.js';
import type { JobTrigger } from '../ports/job-trigger.js';
import type { Locks } from '../ports/locks.js';
import type { Repository } from '../ports/repository.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import type { FollowUps } from './follow-ups.js';
import type { ReleaseServices } from './release/services.js';
import type { PullRequestTarget } from './targets.js';

/** Everything a handler needs for one repository and one webhook; app.ts builds it, tests fake parts of it. */
export interface RepoDeps {
  forge: Forge;
  /** The repository's revisions, read through the forge (opened once per judging). */
  source: Repository;
  /** Absent: rules that need the snapshot server are skipped, and freeze and bump cannot be planned. */
  server?: SnapshotServer;
  defaults: Config;
  now: Date;
  log: Logger;
  locks: Locks;
  /** Half-done work to try again later (the thaw pull request not opened after its branch was pushed). */
  followUps: FollowUps;
  /** owner/name, for lock keys and messages. */
  repository: string;
  /** https://github.com/OWNER/REPO (or the GHE equivalent), for links. */
  repoUrl: string;
  /** The repository's default branch: its rules decide which branches are base branches. */
  defaultBranch: string;
  /**
   * How the forge's own text refers to an issue or change request: "#12"
   * on GitHub; "#12" or "!12" on GitLab, where "#12" would link an issue.
   */
  threadRef(on: Thread): string;
  /** What the forge calls a change request: "pull request" (GitHub), "merge request" (GitLab). */
  changeRequestName: string;
  /** How a person judges a check again there: GitHub's Re-run button; a command in a note on GitLab. */
  rerunHint: string;
  /** How the forge offers a check's fixes: GitHub's buttons, or the commands GitLab's note lists. */
  fixesAs: 'buttons' | 'commands';
  /** A pull request's head and base, for `/apt-snapshots check` in a pull request comment. */
  pullRequest(number: number): Promise<PullRequestTarget>;
  /** Starts the deployment's bump-valid-until job; absent when none is configured. */
  bumpTrigger?: JobTrigger;
  /** Release tags: claims, triggers, tags, manifests and readiness. */
  release: ReleaseServices;
  /**
   * The same dependencies with a fresh installation token and clock, for
   * work that outlives the webhook (a token lasts an hour; waiting for the
   * released images can take a day).
   */
  refresh(): Promise<RepoDeps>;
}
