import { Script, createContext } from 'node:vm';
import type { Config } from '../config/schema.js';
import { printable } from './serial.js';

/**
 * - development: tracks `latest` (devel);
 * - release: carries a freeze (testing, stable);
 * - port: a long-lived base branch for a new Debian, frozen or not;
 * - topic: anything else, which inherits the serials of its base branch.
 */
export type BranchRole = 'development' | 'release' | 'port' | 'topic';

/** branches.port_pattern could not be matched in time: the configuration must be fixed. */
export class PortPatternTimeoutError extends Error {
  override name = 'PortPatternTimeoutError';
  constructor(
    readonly pattern: string,
    readonly branch: string,
  ) {
    super(
      `branches.port_pattern /${printable(pattern)}/ took too long to match the branch "${printable(branch)}": use a simple pattern such as ^feature/[a-z]+$`,
    );
  }
}

// A repository's configuration picks the pattern and anyone who pushes picks
// the branch name, so a pattern like ^(a+)+$ could backtrack for minutes.
// JavaScript cannot interrupt a RegExp, but a vm script with a timeout can.
const MATCH_TIMEOUT_MS = 250;
const MATCH = new Script('new RegExp(pattern).test(branch)');
const sandbox = createContext({ pattern: '', branch: '' });
const MEMO_LIMIT = 1000;
const memo = new Map<string, boolean | PortPatternTimeoutError>();

function matchesPortPattern(pattern: string, branch: string): boolean {
  const key = `${pattern}\0${branch}`;
  let known = memo.get(key);
  if (known === undefined) {
    sandbox.pattern = pattern;
    sandbox.branch = branch;
    try {
      known = MATCH.runInContext(sandbox, { timeout: MATCH_TIMEOUT_MS }) === true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
      known = new PortPatternTimeoutError(pattern, branch);
    }
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, known);
  }
  if (known instanceof PortPatternTimeoutError) throw known;
  return known;
}

/** @throws PortPatternTimeoutError when branches.port_pattern backtracks too long on `branch` */
export function branchRole(branch: string, config: Config): BranchRole {
  if (config.branches.development.includes(branch)) return 'development';
  if (config.branches.release.includes(branch)) return 'release';
  if (config.branches.base.includes(branch)) return 'port';
  if (config.branches.port_pattern !== null && matchesPortPattern(config.branches.port_pattern, branch)) return 'port';
  return 'topic';
}

/** @throws PortPatternTimeoutError as branchRole does */
export function isBaseBranch(branch: string, config: Config): boolean {
  return branchRole(branch, config) !== 'topic';
}
