import type { Config } from '../config/schema.js';
import type { RefState } from '../domain/state.js';
import { errorMessage, describeForLog } from '../errors.js';
import { needingAttention, pinnedSnapshots, windowEnd, type PinnedSnapshot } from '../flow/expiry.js';
import type { JobAttempt } from '../ports/job-claims.js';
import { TriggerError } from '../ports/job-trigger.js';
import {
  bumpComment,
  bumpCommentMarker,
  expiryKey,
  expiryClosingComment,
  expiryIssueBody,
  expiryMarker,
  expiryTitle,
  withoutKey,
  type BumpNote,
} from '../report/expiry-issue.js';
import type { RepoDeps } from './deps.js';

export const BUMP_JOB = 'bump-valid-until' as const;

/** What the watch did for one branch, for the log and the tests. */
export type WatchOutcome =
  | 'no-server'
  /** The server did not answer for some snapshot and none needs a bump: nothing opened, nothing closed. */
  | 'undecided'
  | 'quiet'
  /** The open warning was closed by a person, and the snapshots it named are still the ones expiring. */
  | 'dismissed'
  | 'closed'
  | 'created'
  | 'updated'
  | 'unchanged';

/**
 * A claim per snapshot and validity: the job starts once for each
 * Valid-Until it sees, however many runs, branches and replicas find it
 * (testing and stable often pin the same serials). A bump moves
 * Valid-Until, so a snapshot that expires again later gets a new claim; a
 * job that failed is not started again by the bot for the same date: the
 * issue says so and gives the command.
 */
export function bumpClaim(snapshot: PinnedSnapshot): string {
  const seconds = Math.floor((snapshot.validUntil as Date).getTime() / 1000);
  return `valid-until/${snapshot.origin}/${snapshot.serial}/${seconds}`;
}

function earlier(attempts: readonly JobAttempt[], snapshot: PinnedSnapshot): BumpNote {
  const last = attempts[attempts.length - 1] as JobAttempt;
  const status = last.outcome === undefined ? 'unsure' : last.outcome;
  return { origin: snapshot.origin, serial: snapshot.serial, status };
}

async function startBump(deps: RepoDeps, snapshot: PinnedSnapshot, sha: string, days: number): Promise<BumpNote> {
  const trigger = deps.bumpTrigger;
  const { origin, serial } = snapshot;
  if (!trigger) return { origin, serial, status: 'none' };
  const claims = deps.release.claims;
  const tag = bumpClaim(snapshot);
  const attempts = await claims.attempts(tag, BUMP_JOB);
  if (attempts.length > 0) return earlier(attempts, snapshot);
  // Another replica claimed it a moment ago and is starting it.
  if (!(await claims.claim(tag, BUMP_JOB, 1, sha))) return { origin, serial, status: 'started' };
  try {
    const job = await trigger.trigger({
      job: BUMP_JOB,
      parameters: { ORIGIN: origin, SERIAL: serial, DAYS: String(days) },
    });
    await claims.record(tag, BUMP_JOB, 1, sha, 'started');
    deps.log.info({ repository: deps.repository, origin, serial, url: job.url }, 'started the bump of Valid-Until');
    return {
      origin,
      serial,
      status: 'started',
      now: { claim: tag, ...(job.url === undefined ? {} : { url: job.url }) },
    };
  } catch (error) {
    if (!(error instanceof TriggerError)) throw error;
    // A job that may have started all the same is not recorded as failed: a person looks (see JobClaims).
    if (!error.sent) await claims.record(tag, BUMP_JOB, 1, sha, 'failed');
    deps.log.warn({ repository: deps.repository, origin, serial, err: describeForLog(error) }, 'bump not started');
    return {
      origin,
      serial,
      status: error.sent ? 'unsure' : 'failed',
      now: { claim: tag, error: errorMessage(error) },
    };
  }
}

/**
 * The expiry watch of one base branch at `sha`: opens or updates the
 * branch's issue when a pinned snapshot expires within the warning window
 * (or is gone), starting the bump job for each one that can be extended;
 * closes the issue once nothing does. Every write is an ensure, so a run
 * repeated by a redelivery, a retry or another replica changes nothing.
 */
export async function watchExpiry(
  deps: RepoDeps,
  input: { branch: string; sha: string; state: RefState; config: Config },
): Promise<WatchOutcome> {
  const { branch, sha, config } = input;
  if (!deps.server) return 'no-server';
  const days = config.snapshot_server.expiry_warning_days;
  const snapshots = await pinnedSnapshots(input.state, config, deps.server, {
    now: deps.now,
    until: windowEnd(deps.now, days),
  });
  const attention = needingAttention(snapshots).filter((s) => s.status !== 'unknown');
  const marker = expiryMarker(branch);
  // At the start only: the dashboard, or a person's issue, may quote the marker.
  const find = () => deps.forge.findIssue(marker, { atStart: true });
  if (attention.length === 0) {
    if (snapshots.some((s) => s.status === 'unknown')) return 'undecided';
    const existing = await find();
    if (existing?.state !== 'open') return 'quiet';
    // Its key goes first: a warning the bot closed is no person's dismissal of the same snapshots.
    await deps.forge.ensureIssue({ marker, title: existing.title, body: withoutKey(existing.body) }, existing);
    await deps.forge.closeIssue(existing.number, expiryClosingComment(branch, sha, days, deps.now));
    return 'closed';
  }
  const bumps: BumpNote[] = [];
  for (const snapshot of attention) {
    if (snapshot.status === 'missing' || !(snapshot.validUntil instanceof Date)) continue;
    bumps.push(await startBump(deps, snapshot, sha, config.expiry.bump_days));
  }
  const existing = await find();
  const key = expiryKey(attention);
  // A person closed the warning about these very snapshots: it is not opened again until they change.
  if (existing?.state === 'closed' && existing.body.includes(key)) return 'dismissed';
  const body = expiryIssueBody({
    branch,
    sha,
    repoUrl: deps.repoUrl,
    config,
    snapshots: attention,
    bumps,
    key,
    changeRequestName: deps.changeRequestName,
  });
  const issue = await deps.forge.ensureIssue({ marker, title: expiryTitle(branch), body }, existing ?? null);
  for (const note of bumps) {
    const comment = bumpComment(note, config.expiry.bump_days);
    if (comment !== undefined && note.now)
      await deps.forge.ensureComment(
        { kind: 'issue', number: issue.number },
        bumpCommentMarker(note.now.claim),
        comment,
      );
  }
  return issue.status;
}
