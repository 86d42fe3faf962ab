import { normalizeBranchName } from '../domain/branch-name.js';
import type { PlanAction } from '../domain/finding.js';

export const COMMAND_PREFIX = '/apt-snapshots';

export type Command =
  | { kind: 'plan'; action: PlanAction; branch: string; origins: string[] }
  /** Without a branch: the pull request the comment is on. */
  | { kind: 'check'; branch?: string }
  | { kind: 'invalid'; reason: string };

export const USAGE = [
  `${COMMAND_PREFIX} freeze BRANCH`,
  `${COMMAND_PREFIX} thaw BRANCH`,
  `${COMMAND_PREFIX} bump BRANCH [ORIGIN...]`,
  `${COMMAND_PREFIX} check [BRANCH]`,
].join('\n');

const ORIGIN_RE = /^[a-z0-9][a-z0-9.+-]*$/;
const MAX_ORIGINS = 20;

/**
 * The command in a comment: the line whose first word is the prefix
 * (quoted lines start with ">", so quoting a command does not repeat it).
 * Undefined when the comment holds no command at all. A comment holds one
 * command: with several, running the first alone would silently drop the
 * others, so none runs and the reply says why.
 */
export function parseCommand(body: string): Command | undefined {
  const lines = body
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.split(/\s/, 1)[0] === COMMAND_PREFIX);
  const [line] = lines;
  if (line === undefined) return undefined;
  if (lines.length > 1)
    return { kind: 'invalid', reason: `one command per comment, and this one has ${lines.length}: none was run` };
  const words = line.split(/\s+/);
  const [verb, branch, ...rest] = words.slice(1);
  if (verb === undefined) return { kind: 'invalid', reason: 'no command given' };
  const named = branch === undefined ? undefined : normalizeBranchName(branch);
  if (named && !named.ok) return { kind: 'invalid', reason: named.error };
  if (verb === 'check') {
    if (rest.length > 0) return { kind: 'invalid', reason: '`check` takes at most one branch' };
    return named === undefined ? { kind: 'check' } : { kind: 'check', branch: named.branch };
  }
  if (verb !== 'freeze' && verb !== 'thaw' && verb !== 'bump') return { kind: 'invalid', reason: 'unknown command' };
  if (named === undefined) return { kind: 'invalid', reason: `\`${verb}\` needs a branch` };
  if (verb !== 'bump' && rest.length > 0) return { kind: 'invalid', reason: `\`${verb}\` takes exactly one branch` };
  const bad = rest.find((o) => !ORIGIN_RE.test(o));
  if (bad !== undefined) return { kind: 'invalid', reason: 'origin names are lowercase letters, digits and . + -' };
  if (rest.length > MAX_ORIGINS) return { kind: 'invalid', reason: `at most ${MAX_ORIGINS} origins` };
  return { kind: 'plan', action: verb, branch: named.branch, origins: [...new Set(rest)] };
}
