import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { bumpCommand, type PinnedSnapshot } from '../flow/expiry.js';
import { fencedBlock, inlineCode, tableCell } from './markdown.js';
import { utcMinute } from '../domain/utc-minute.js';

/** What the watch did about each snapshot's job, for the issue to say. */
export interface BumpNote {
  origin: string;
  serial: string;
  /**
   * `started`: the job was started now or by an earlier run; `failed`: it
   * was not; `unsure`: the CI may have taken it (no answer came, or a
   * 5xx), so only a person who looked starts it again; `none`: no job configured.
   */
  status: 'started' | 'failed' | 'unsure' | 'none';
  /** Set when this run tried to start the job: what the CI said, for a comment of its own, and the claim it was under. */
  now?: { url?: string; error?: string; claim: string };
}

/** The hidden marker of the expiry issue of `branch`: one issue per branch, found again by it. */
export function expiryMarker(branch: string): string {
  // encodeURIComponent leaves no "-" run or ">" that could end the comment early.
  return `<!-- apt-snapshots-expiry ${encodeURIComponent(branch).replace(/-/g, '%2D')} -->`;
}

export function expiryTitle(branch: string): string {
  return `APT snapshots pinned by ${branch} expire soon`;
}

function when(snapshot: PinnedSnapshot): string {
  switch (snapshot.status) {
    case 'expired':
      return `**expired** on ${utcMinute(snapshot.validUntil as Date)}`;
    case 'expiring':
      return `expires on ${utcMinute(snapshot.validUntil as Date)}`;
    case 'missing':
      return '**not on the snapshot server** (garbage-collected, or never there)';
    default:
      return snapshot.error === undefined ? snapshot.status : `could not be checked: ${snapshot.error}`;
  }
}

/** The same on every run (what each start said goes in a comment), so that a run that finds nothing new edits nothing. */
function jobCell(note: BumpNote | undefined): string {
  if (!note || note.status === 'none') return 'none configured';
  if (note.status === 'unsure') return 'may have started (see the comments)';
  return note.status === 'failed' ? 'not started (see the comments)' : 'started';
}

/**
 * The issue that says which snapshots of a branch need a bump. It names
 * each one and the exact command, so that a person can act from the issue
 * alone, also when the job is not configured or failed.
 */
export function expiryIssueBody(input: {
  branch: string;
  sha: string;
  repoUrl: string;
  config: Config;
  snapshots: readonly PinnedSnapshot[];
  bumps: readonly BumpNote[];
  /** expiryKey of the snapshots. */
  key: string;
  /** What the forge calls a change request: "pull request", "merge request". */
  changeRequestName: string;
}): string {
  const { branch, config, snapshots } = input;
  const days = config.snapshot_server.expiry_warning_days;
  const rows = snapshots.map((s) => {
    const note = input.bumps.find((b) => b.origin === s.origin && b.serial === s.serial);
    return `| ${tableCell(inlineCode(s.origin))} | ${tableCell(inlineCode(s.serial))} | ${tableCell(s.dist === undefined ? '—' : inlineCode(s.dist))} | ${tableCell(inlineCode(s.set))} | ${tableCell(when(s))} | ${tableCell(s.status === 'missing' ? '—' : jobCell(note))} |`;
  });
  const missing = snapshots.some((s) => s.status === 'missing');
  return [
    expiryMarker(branch),
    input.key,
    `These APT snapshots, pinned by ${inlineCode(branch)} at [${input.sha.slice(0, 7)}](${input.repoUrl}/commit/${input.sha}), expire within ${days} days or already did. Once one expires it may be garbage-collected, and every build of ${inlineCode(branch)} fails.`,
    '',
    '| Origin | Serial | Dist | Set | Valid until | Bump job |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `To extend them by ${config.expiry.bump_days} days by hand, on a checkout of ${inlineCode(branch)}:`,
    '',
    fencedBlock(bumpCommand(config), 'sh'),
    ...(missing
      ? [
          '',
          `A snapshot that is no longer on the server cannot be extended: move its origin to a newer serial (${inlineCode(`/apt-snapshots bump ${branch}`)} in a comment opens that ${input.changeRequestName}).`,
        ]
      : []),
    '',
    // No time of the check here: a run that finds the same state leaves the issue as it is.
    `*The bot updates this issue on its schedule and on pushes to ${inlineCode(branch)}, and closes it once nothing expires within ${days} days.*`,
  ].join('\n');
}

export function expiryClosingComment(branch: string, sha: string, days: number, now: Date): string {
  return `Nothing pinned by ${inlineCode(branch)} (at ${inlineCode(sha.slice(0, 7))}) expires within ${days} days any more (checked ${utcMinute(now)}). Closing.`;
}

/** One comment per start of the job, found again by its marker: a run repeated comments nothing new. */
export function bumpComment(note: BumpNote, days: number): string | undefined {
  if (!note.now) return undefined;
  const what = `${inlineCode(note.origin)} ${inlineCode(note.serial)}`;
  if (note.now.error !== undefined)
    return note.status === 'unsure'
      ? `The bump of ${what} may have started, or not: ${note.now.error}. Look at the CI before running the command above by hand; the bot does not start it again for this date.`
      : `Could not start the bump of ${what}: ${note.now.error}. Run the command above by hand; the bot does not start it again for this date.`;
  return `Started the bump of ${what} to ${days} days from now${note.now.url === undefined ? '' : `: ${note.now.url}`}.`;
}

/**
 * A hidden line naming which snapshots the issue warns about, and until
 * when each was valid: a warning a person closed stays closed while it is
 * about the same ones.
 */
export function expiryKey(snapshots: readonly PinnedSnapshot[]): string {
  const names = snapshots
    // The status too: a warning dismissed while a snapshot was expiring comes back once it has expired.
    .map(
      (s) => `${s.origin}/${s.serial}/${s.validUntil instanceof Date ? s.validUntil.getTime() / 1000 : ''}/${s.status}`,
    )
    .sort();
  const digest = createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 16);
  return `<!-- apt-snapshots-expiry-key ${digest} -->`;
}

/** One comment per start of the job (per claim): origin names may hold characters a comment marker may not, so it is a digest. */
export function bumpCommentMarker(claim: string): string {
  return `bump:${createHash('sha256').update(claim).digest('hex').slice(0, 16)}`;
}

const KEY_LINE = /^<!-- apt-snapshots-expiry-key [0-9a-f]{16} -->\n/m;

/** The body without its key: what the bot closes itself must not read as dismissed by a person later. */
export function withoutKey(body: string): string {
  return body.replace(KEY_LINE, '');
}
