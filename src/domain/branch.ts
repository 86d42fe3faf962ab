import type { Config } from '../config/schema.js';
import { boundedMatch } from './bounded-match.js';
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

function matchesPortPattern(pattern: string, branch: string): boolean {
  const known = boundedMatch(pattern, branch);
  if (known === 'timeout') throw new PortPatternTimeoutError(pattern, branch);
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
