import { REPO_CONFIG_PATH } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { branchRole, PortPatternTimeoutError } from '../domain/branch.js';
import type { Serial } from '../domain/serial.js';
import type { RefState } from '../domain/state.js';
import { errorMessage, ReadError } from '../errors.js';
import type { BotChangeRequest } from '../ports/forge.js';
import type { HistoryReader } from '../ports/history.js';
import type { RefReader } from '../ports/ref-reader.js';
import { readOnlyView } from '../ports/repository.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import { askingOnce } from './asking-once.js';
import type { BranchTimeline } from '../report/mermaid-gantt.js';
import { auditByFingerprint, auditJudge, type AuditOptions } from './audit.js';
import { buildTimeline, freezeStatus, type FreezeStatus } from './audit-timeline.js';
import { evaluate, type RulesInput } from './evaluate.js';
import {
  nearestExpiry,
  needingAttention,
  pinnedSnapshots,
  windowEnd,
  type ExpiryStatus,
  type PinnedSnapshot,
} from './expiry.js';
import { DEFAULT_CONCURRENCY, newestSerials } from './server-facts.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const OFFLINE = 'the snapshot server was not asked (offline)';

export type DashboardRequest = { action: 'freeze' | 'thaw' | 'bump'; branch: string };

export interface DashboardCommit {
  sha: string;
  date: Date;
  subject: string;
}

export interface DashboardBranch {
  branch: string;
  role: string;
  tip?: DashboardCommit;
  state: FreezeStatus | 'unreadable';
  /** The error findings at the tip. */
  wrong: { rule: string; message: string }[];
  /**
   * The first commit of the ongoing period of the branch's timeline, when
   * that period is in the state the tip is in and wrong for the same rules
   * (the timeline is judged offline: a rule that asks the server, such as
   * snapshot-expiry, cannot tell since when it fails).
   */
  since?: DashboardCommit;
  /**
   * The period began with the oldest commit read, from before the history
   * window: the state may be older than `since`.
   */
  sinceOrEarlier?: boolean;
  serials: { set: string; origin: string; serial: string; newest?: string }[];
  nearestExpiry?: { set: string; origin: string; serial: string; validUntil: Date; status: ExpiryStatus };
  /** The snapshots that expire within the warning window, expired, missing, or could not be checked. */
  attention: PinnedSnapshot[];
  /** Why the branch could not be read. */
  error?: string;
}

export interface DashboardRelease {
  tag: string;
  sha: string;
  /** Undefined: not known (the command line). */
  check?: { conclusion: string; url: string };
  /** Undefined: not known (the command line). */
  jobs?: { job: string; status: string; url?: string }[];
}

export interface DashboardFacts {
  repository: string;
  generatedAt: Date;
  historyDays: number;
  branches: DashboardBranch[];
  timelines: BranchTimeline[];
  /** Undefined: not known (the command line). */
  pullRequests?: BotChangeRequest[];
  /** Undefined: not known; null: no release tag yet. */
  release?: DashboardRelease | null;
  /** The checkboxes offered. */
  requests: DashboardRequest[];
  /** Why the newest serials are not shown (offline, or the server failed for some origins). */
  newestError?: string;
  /** Why no expiry is shown (offline). */
  expiryError?: string;
}

export interface DashboardInputs {
  repository: string;
  /** The default branch's configuration: it judges every branch (rules never come from what they judge). */
  config: Config;
  reader: RefReader;
  history: HistoryReader;
  /** Absent: offline, no expiry nor newest serial is shown. */
  server?: SnapshotServer;
  now: Date;
  /** Default: config.branches.base. */
  branches?: string[];
  pullRequests?: BotChangeRequest[];
  release?: DashboardRelease | null;
  /** The app passes its own (cached); absent, computed from `history` over config.dashboard.history_days. */
  timelines?: BranchTimeline[];
  /** The revision a branch is read at (default `refs/heads/NAME`; a clone may have only origin's). */
  revisionOf?: (branch: string) => string;
  /** How the computed timelines judge each commit (default: under its first parent's rules, as its push was). */
  audit?: AuditOptions;
}

/**
 * Every path whose content decides a commit's verdict: the history's
 * fingerprint covers them, so that commits with equal fingerprints are
 * judged once.
 */
export function historyPaths(config: Config): string[] {
  return [
    ...config.snapshot_sets.map((set) => set.dir),
    config.paths.base_branch,
    config.paths.overlays,
    config.paths.apt_preferences,
    REPO_CONFIG_PATH,
  ];
}

/** The newest serial of each origin the server could give, and which it could not, in one message. */
async function newestOf(
  server: SnapshotServer,
  origins: readonly string[],
): Promise<{ newest: Map<string, Serial>; error?: string }> {
  const newest = new Map<string, Serial>();
  const failures: string[] = [];
  // One origin the server lacks must not hide the others' newest serials: each is asked on its own.
  for (let i = 0; i < origins.length; i += DEFAULT_CONCURRENCY) {
    const batch = origins.slice(i, i + DEFAULT_CONCURRENCY);
    const results = await Promise.allSettled(batch.map((origin) => newestSerials(server, [origin])));
    results.forEach((result, j) => {
      const origin = batch[j] as string;
      if (result.status === 'fulfilled') newest.set(origin, result.value.get(origin) as Serial);
      else failures.push(`${origin}: ${errorMessage(result.reason)}`);
    });
  }
  if (failures.length === 0) return { newest };
  return { newest, error: `the snapshot server could not give the newest serial of ${failures.join('; ')}` };
}

function serialsOf(state: RefState): DashboardBranch['serials'] {
  return state.sets.flatMap((set) =>
    set.origins.flatMap((o) =>
      o.value === undefined
        ? []
        : [{ set: set.config.name, origin: o.origin, serial: o.value.kind === 'latest' ? 'latest' : o.value.serial }],
    ),
  );
}

function commitOf(commit: DashboardCommit): DashboardCommit {
  return { sha: commit.sha, date: commit.date, subject: commit.subject };
}

/** Judges one branch's tip under `config`, with its expiry when a server is given. */
async function branchFacts(inputs: DashboardInputs, branch: string, server: SnapshotServer | undefined) {
  const { config, now } = inputs;
  const rules: RulesInput = {
    kind: 'same-as',
    evaluation: {
      config,
      rules: { origin: 'default-branch', path: REPO_CONFIG_PATH, file: { kind: 'missing' }, problems: [] },
    },
  };
  const evaluation = await evaluate({
    repository: readOnlyView(inputs.reader),
    rev: inputs.revisionOf?.(branch) ?? `refs/heads/${branch}`,
    branch,
    rules,
    defaults: config,
    ...(server ? { server } : {}),
    now,
    readChangelog: false,
  });
  const { state } = evaluation;
  const until = windowEnd(now, config.snapshot_server.expiry_warning_days);
  const pinned = server ? await pinnedSnapshots(state, config, server, { now, until }) : [];
  const nearest = nearestExpiry(pinned);
  return {
    role: branchRole(branch, config),
    tip: commitOf(state.commit),
    state: freezeStatus(state),
    wrong: evaluation.verdict.findings
      .filter((f) => f.severity === 'error')
      .map((f) => ({ rule: f.rule, message: f.message })),
    serials: serialsOf(state),
    ...(nearest?.validUntil
      ? {
          nearestExpiry: {
            set: nearest.set,
            origin: nearest.origin,
            serial: nearest.serial,
            validUntil: nearest.validUntil,
            status: nearest.status,
          },
        }
      : {}),
    attention: needingAttention(pinned),
  };
}

/** Where the dashboard's history begins: config.dashboard.history_days before now. */
function historyStart(inputs: Pick<DashboardInputs, 'config' | 'now'>): Date {
  return new Date(inputs.now.getTime() - inputs.config.dashboard.history_days * DAY_MS);
}

/** A branch's timeline over the dashboard's history; undefined when its history cannot be read. */
async function timelineOf(inputs: DashboardInputs, branch: string): Promise<BranchTimeline | undefined> {
  const since = historyStart(inputs);
  const { config } = inputs;
  try {
    const commits = await inputs.history.firstParentHistory(branch, { since, paths: historyPaths(config) });
    const audited = await auditByFingerprint(commits, auditJudge(inputs.reader, branch, inputs.audit ?? {}));
    return { branch, periods: buildTimeline(audited) };
  } catch (error) {
    if (error instanceof ReadError) return undefined;
    throw error;
  }
}

/**
 * What the dashboard shows of each branch: its tip judged under `config`,
 * since when it is in that state, its serials beside the newest, its
 * expiry; a branch that cannot be read says why and does not stop the
 * others.
 */
export async function dashboardFacts(inputs: DashboardInputs): Promise<DashboardFacts> {
  const { config, now } = inputs;
  const names = inputs.branches ?? config.branches.base;
  const server = inputs.server && askingOnce(inputs.server);
  const timelines =
    inputs.timelines ??
    (await Promise.all(names.map((branch) => timelineOf(inputs, branch)))).filter(
      (t): t is BranchTimeline => t !== undefined,
    );

  const branches: DashboardBranch[] = [];
  // One branch at a time: each asks the server for every snapshot it pins, at its own bounded concurrency.
  for (const branch of names) {
    try {
      const facts = await branchFacts(inputs, branch, server);
      const periods = timelines.find((t) => t.branch === branch)?.periods ?? [];
      const ongoing = periods.find((p) => p.ongoing);
      const tipRules = [...new Set(facts.wrong.map((w) => w.rule))].sort();
      const same =
        ongoing !== undefined && ongoing.status === facts.state && ongoing.wrong.join('\0') === tipRules.join('\0');
      branches.push({
        branch,
        ...facts,
        ...(same
          ? {
              since: commitOf(ongoing.first),
              // The history reaches back to the last commit before its window: a period that begins there may
              // be older; one that begins at a root commit within the window is not.
              sinceOrEarlier: ongoing === periods[0] && ongoing.start.getTime() < historyStart(inputs).getTime(),
            }
          : {}),
      });
    } catch (error) {
      if (!(error instanceof ReadError || error instanceof PortPatternTimeoutError)) throw error;
      branches.push({
        branch,
        role: roleOf(branch, config),
        state: 'unreadable',
        wrong: [],
        serials: [],
        attention: [],
        error: errorMessage(error),
      });
    }
  }

  const origins = [...new Set(branches.flatMap((b) => b.serials.map((s) => s.origin)))].sort();
  const newest = server ? await newestOf(server, origins) : { newest: new Map<string, Serial>(), error: OFFLINE };
  for (const b of branches)
    b.serials = b.serials.map((s) => {
      const serial = newest.newest.get(s.origin);
      return serial === undefined ? s : { ...s, newest: serial };
    });

  return {
    repository: inputs.repository,
    generatedAt: now,
    historyDays: config.dashboard.history_days,
    branches,
    timelines,
    ...(inputs.pullRequests === undefined ? {} : { pullRequests: inputs.pullRequests }),
    ...(inputs.release === undefined ? {} : { release: inputs.release }),
    requests: offeredRequests(config, branches),
    ...(newest.error === undefined ? {} : { newestError: newest.error }),
    ...(server ? {} : { expiryError: OFFLINE }),
  };
}

function roleOf(branch: string, config: Config): string {
  try {
    return branchRole(branch, config);
  } catch (error) {
    if (error instanceof PortPatternTimeoutError) return 'topic';
    throw error;
  }
}

/**
 * The checkboxes: a freeze of each release branch that is not always
 * frozen (testing) while it is not frozen, a thaw of each development
 * branch (devel) while it is not thawed, a bump of each other frozen
 * branch. A branch that cannot be read is offered nothing.
 */
export function offeredRequests(config: Config, branches: readonly DashboardBranch[]): DashboardRequest[] {
  const readable = branches.filter((b) => b.state !== 'unreadable');
  return [
    ...readable
      .filter((b) => b.role === 'release' && !config.branches.always_frozen.includes(b.branch) && b.state !== 'frozen')
      .map((b) => ({ action: 'freeze' as const, branch: b.branch })),
    ...readable
      .filter((b) => b.role === 'development' && b.state !== 'thawed')
      .map((b) => ({ action: 'thaw' as const, branch: b.branch })),
    // A frozen development branch is to be thawed, not bumped.
    ...readable
      .filter((b) => b.state === 'frozen' && b.role !== 'development')
      .map((b) => ({ action: 'bump' as const, branch: b.branch })),
  ];
}
