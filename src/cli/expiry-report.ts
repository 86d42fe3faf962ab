import { describeFileRead, type RefState } from '../domain/state.js';
import { needingAttention, type PinnedSnapshot } from '../flow/expiry.js';
import { terminalLine } from './terminal-text.js';

/** The snapshots of one branch (null: the work tree), and its sets as read. */
export interface ExpiryRun {
  branch: string | null;
  state: Pick<RefState, 'sets'>;
  snapshots: PinnedSnapshot[];
}

/** Something about a set or a serial file that is not a snapshot: `error` fails the command. */
export interface ExpiryProblem {
  severity: 'error' | 'warning';
  path: string;
  message: string;
}

/** One line of the report, on the stream Tails' script writes it to (see expiryText). */
export interface ReportLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** A set that is not there, or a serial file that gives no serial: what pinnedSnapshots leaves out. */
export function expiryProblems(state: Pick<RefState, 'sets'>): ExpiryProblem[] {
  return state.sets.flatMap((set): ExpiryProblem[] => {
    const { dir } = set.config;
    if (set.presence === 'missing')
      return [
        {
          severity: 'warning',
          path: dir,
          message: `${dir} does not exist: there is no ${set.config.name} set to check`,
        },
      ];
    if (set.presence === 'not-a-dir')
      return [{ severity: 'error', path: dir, message: `${dir} is not a directory, so its snapshots cannot be read` }];
    return set.origins.flatMap((origin): ExpiryProblem[] => {
      if (origin.value) return [];
      const why = origin.syntaxError ?? describeFileRead(origin.file);
      return [
        {
          severity: 'error',
          path: origin.path,
          message: `${origin.path} ${why}: origin ${origin.origin} pins no snapshot`,
        },
      ];
    });
  });
}

/**
 * `failure`: a snapshot that expires, has expired or is gone, or a serial
 * file or set that cannot be read; else `unanswered` when a snapshot could
 * not be checked (the server did not answer); else `fine`.
 */
export type ExpiryOutcome = 'fine' | 'failure' | 'unanswered';

export function expiryOutcome(runs: readonly ExpiryRun[]): ExpiryOutcome {
  const attention = runs.flatMap((run) => needingAttention(run.snapshots));
  const broken = runs.some((run) => expiryProblems(run.state).some((p) => p.severity === 'error'));
  if (broken || attention.some((s) => s.status !== 'unknown')) return 'failure';
  return attention.length > 0 ? 'unanswered' : 'fine';
}

/** `Sat, 29 May 2021 14:39:58 UTC`, as Release files write Valid-Until. */
export function rfc2822Utc(date: Date): string {
  return date.toUTCString().replace(/GMT$/, 'UTC');
}

/** `one month` without --within, as Tails' script says; else `N days`. */
export function windowWords(withinDays: number | undefined): string {
  if (withinDays === undefined) return 'one month';
  return `${withinDays} day${withinDays === 1 ? '' : 's'}`;
}

function snapshotLines(s: PinnedSnapshot, window: string): ReportLine[] {
  const archive = `archive '${terminalLine(s.origin)}'`;
  const uses = `${archive} uses snapshot '${terminalLine(s.serial)}'`;
  const out = (text: string): ReportLine => ({ stream: 'stdout', text });
  const err = (text: string): ReportLine => ({ stream: 'stderr', text });
  // A Release file without Valid-Until never expires; Tails' script, finding no date, calls the snapshot missing.
  const expires = s.validUntil ? rfc2822Utc(s.validUntil) : 'never';
  switch (s.status) {
    case 'latest':
      return [
        ...(s.unexpectedLatest
          ? [err(`Warning: origin '${terminalLine(s.origin)}' is using the 'latest' snapshot, which is unexpected`)]
          : []),
        out(`OK:   ${uses} which expires on: never`),
      ];
    case 'ok':
      return [out(`OK:   ${uses} which expires on: ${expires}`)];
    // Tails' script tells an expired snapshot as one that expires within the window: its date is before the window's end.
    case 'expiring':
    case 'expired':
      return [err(`FAIL: ${uses} which expires on: ${expires}, which is within ${window}!`)];
    case 'missing':
      return [out(`FAIL: ${archive} has no snapshot '${terminalLine(s.serial)}'!`)];
    case 'unknown':
      return [err(`FAIL: ${uses} which could not be checked: ${terminalLine(s.error ?? 'no reason given')}`)];
    case 'unchecked':
      return [
        err(
          `Warning: ${uses}, whose expiry is not checked: snapshot_server.dists names no dist for origin '${terminalLine(s.origin)}'`,
        ),
      ];
  }
}

/**
 * The report of Tails' bin/apt-snapshots-expiry: per set directory a
 * `DIR:` line (`BRANCH: DIR:` for a branch), a line per origin, `---`.
 * Where the script writes a line, it goes to the same stream: OK lines and
 * the FAIL of a snapshot the server does not have to standard output, the
 * FAIL of one that expires (or has expired) and the Warning of an
 * unexpected latest to standard error. The lines the script has no
 * counterpart for (a snapshot not checked or that could not be, a serial
 * file or set that cannot be read) go to standard error.
 * @param withinDays --within, or undefined for the calendar month
 */
export function expiryText(runs: readonly ExpiryRun[], withinDays: number | undefined): ReportLine[] {
  const window = windowWords(withinDays);
  const lines: ReportLine[] = [];
  for (const run of runs) {
    const problems = expiryProblems(run.state);
    for (const set of run.state.sets) {
      const { dir } = set.config;
      const prefix = run.branch === null ? '' : `${terminalLine(run.branch)}: `;
      lines.push({ stream: 'stdout', text: `${prefix}${terminalLine(dir)}:` });
      for (const problem of problems.filter((p) => p.path === dir))
        lines.push({
          stream: 'stderr',
          text: `${problem.severity === 'error' ? 'FAIL:' : 'Warning:'} ${terminalLine(problem.message)}`,
        });
      for (const origin of set.origins) {
        const snapshot = run.snapshots.find((s) => s.path === origin.path);
        if (snapshot) lines.push(...snapshotLines(snapshot, window));
        for (const problem of problems.filter((p) => p.path === origin.path))
          lines.push({ stream: 'stderr', text: `FAIL: ${terminalLine(problem.message)}` });
      }
      lines.push({ stream: 'stdout', text: '---' });
    }
  }
  return lines;
}

/** `{now, until, branches: [{branch, snapshots, problems}]}`, dates in ISO 8601. */
export function expiryJson(runs: readonly ExpiryRun[], now: Date, until: Date) {
  return {
    now: now.toISOString(),
    until: until.toISOString(),
    branches: runs.map((run) => ({
      branch: run.branch,
      snapshots: run.snapshots,
      problems: expiryProblems(run.state),
    })),
  };
}
