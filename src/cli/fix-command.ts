import type { PlanAction } from '../domain/finding.js';
import { terminalLine } from './terminal-text.js';

/** What check was given, so that the plan it suggests is about the same revision, branch and server. */
export interface FixContext {
  /** --repo as given; absent when the repository was found from the current directory. */
  repo?: string;
  ref: string;
  /** --branch as given; absent when the branch came from the revision, as plan's will. */
  branch?: string;
  /** --snapshot-server as given: freeze and bump need the same server. */
  server?: string;
  /** --config as given: the plan must follow the rules the check used. */
  config?: string;
}

/** A word as a POSIX shell reads it back: quoted only when it has to be. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,~^-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line that plans the fix: `apt-snapshots-bot plan thaw --apply`,
 * with --repo, --ref, --branch, --snapshot-server and --config only where check was
 * given them, since plan takes the same defaults. --apply commits on the
 * checked-out branch, so it is only suggested for HEAD.
 */
export function fixCommand(action: PlanAction, context: FixContext): string {
  const words = ['apt-snapshots-bot', 'plan', action];
  if (context.repo !== undefined) words.push('--repo', shellWord(context.repo));
  if (context.ref !== 'HEAD') words.push('--ref', shellWord(context.ref));
  if (context.branch !== undefined) words.push('--branch', shellWord(context.branch));
  if (context.server !== undefined && action !== 'thaw') words.push('--snapshot-server', shellWord(context.server));
  if (context.config !== undefined) words.push('--config', shellWord(context.config));
  if (context.ref === 'HEAD') words.push('--apply');
  return terminalLine(words.join(' '));
}
