import { branchNameProblem, normalizeBranchName } from '../domain/branch-name.js';
import { printable } from '../domain/serial.js';
import type { PlanAction } from '../domain/finding.js';

export const COMMAND_PREFIX = '/apt-snapshots';

export type Command =
  | { kind: 'plan'; action: PlanAction; branch: string; origins: string[] }
  /** Judge a release tag again, with the manifest its tag-apt-snapshots job needs. */
  | { kind: 'release'; tag: string; manifestUrl?: string }
  /** Start build_IUKs of a release now: its images are in the ISO history. */
  | { kind: 'build-iuks'; tag: string }
  /** Without a branch: the pull request the comment is on. */
  | { kind: 'check'; branch?: string }
  | { kind: 'invalid'; reason: string };

export const USAGE = [
  `${COMMAND_PREFIX} freeze BRANCH`,
  `${COMMAND_PREFIX} thaw BRANCH`,
  `${COMMAND_PREFIX} bump BRANCH [ORIGIN...]`,
  `${COMMAND_PREFIX} check [BRANCH]`,
  `${COMMAND_PREFIX} release TAG [MANIFEST_URL]`,
  `${COMMAND_PREFIX} build-iuks TAG`,
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
  if (verb === 'release' || verb === 'build-iuks') return releaseCommand(verb, branch, rest);
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

function releaseCommand(verb: 'release' | 'build-iuks', tag: string | undefined, rest: string[]): Command {
  if (tag === undefined) return { kind: 'invalid', reason: `\`${verb}\` needs a tag` };
  const problem = branchNameProblem(tag);
  if (problem !== undefined) return { kind: 'invalid', reason: `"${printable(tag)}" is not a tag name: ${problem}` };
  if (verb === 'build-iuks') {
    return rest.length === 0
      ? { kind: 'build-iuks', tag }
      : { kind: 'invalid', reason: '`build-iuks` takes a tag alone' };
  }
  if (rest.length > 1) return { kind: 'invalid', reason: '`release` takes a tag and at most a manifest URL' };
  return rest[0] === undefined ? { kind: 'release', tag } : { kind: 'release', tag, manifestUrl: rest[0] };
}
