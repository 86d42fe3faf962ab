import type { Config } from '../config/schema.js';

/**
 * - development: tracks `latest` (devel);
 * - release: carries a freeze (testing, stable);
 * - port: a long-lived base branch for a new Debian, frozen or not;
 * - topic: anything else, which inherits the serials of its base branch.
 */
export type BranchRole = 'development' | 'release' | 'port' | 'topic';

export function branchRole(branch: string, config: Config): BranchRole {
  if (config.branches.development.includes(branch)) return 'development';
  if (config.branches.release.includes(branch)) return 'release';
  if (config.branches.base.includes(branch)) return 'port';
  if (config.branches.port_pattern !== null && new RegExp(config.branches.port_pattern).test(branch)) return 'port';
  return 'topic';
}

export function isBaseBranch(branch: string, config: Config): boolean {
  return branchRole(branch, config) !== 'topic';
}

/** Strips `refs/heads/` from a full ref name; other refs are returned as they are. */
export function branchFromRef(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}
