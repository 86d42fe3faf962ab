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

/** A name Git accepts for a branch, and nothing that could read as an option or a path trick. */
const BRANCH_RE = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!.*\.lock(?:\/|$))[A-Za-z0-9._/+-]+(?<![./])$/;
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
  if (verb === 'check') {
    if (rest.length > 0) return { kind: 'invalid', reason: '`check` takes at most one branch' };
    if (branch !== undefined && !BRANCH_RE.test(branch))
      return { kind: 'invalid', reason: 'that is not a branch name' };
    return branch === undefined ? { kind: 'check' } : { kind: 'check', branch };
  }
  if (verb !== 'freeze' && verb !== 'thaw' && verb !== 'bump') return { kind: 'invalid', reason: 'unknown command' };
  if (branch === undefined) return { kind: 'invalid', reason: `\`${verb}\` needs a branch` };
  if (!BRANCH_RE.test(branch)) return { kind: 'invalid', reason: 'that is not a branch name' };
  if (verb !== 'bump' && rest.length > 0) return { kind: 'invalid', reason: `\`${verb}\` takes exactly one branch` };
  const bad = rest.find((o) => !ORIGIN_RE.test(o));
  if (bad !== undefined) return { kind: 'invalid', reason: 'origin names are lowercase letters, digits and . + -' };
  if (rest.length > MAX_ORIGINS) return { kind: 'invalid', reason: `at most ${MAX_ORIGINS} origins` };
  return { kind: 'plan', action: verb, branch, origins: [...new Set(rest)] };
}
