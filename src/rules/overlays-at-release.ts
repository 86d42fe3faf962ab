import { branchRole } from '../domain/branch.js';
import type { ChangelogEntry } from '../domain/changelog.js';
import { isReleased } from '../domain/changelog.js';
import type { Finding } from '../domain/finding.js';
import { PLACEHOLDER, type RefState } from '../domain/state.js';
import { listWords } from './sets.js';
import type { Rule } from './types.js';

export const OVERLAYS_AT_RELEASE = 'overlays-at-release';

/** The finding of a released entry whose overlays directory is not empty; `where` says on what ("on testing", "at tag 4.19"). */
export function overlaysFindings(state: RefState, entry: ChangelogEntry, where: string): Finding[] {
  const { path, entries } = state.overlays;
  if (entries.length === 0) return [];
  return [
    {
      rule: OVERLAYS_AT_RELEASE,
      severity: 'error',
      path,
      message: `At release, ${path}/ must be empty: ${entry.version} is released ${where} (distribution ${entry.distribution}) but ${path}/ holds ${listWords(entries)}.`,
      hint: `Merge those overlays into the base APT suite and remove them from ${path}/, keeping only ${PLACEHOLDER}.`,
    },
  ];
}

export const overlaysAtRelease: Rule = {
  id: OVERLAYS_AT_RELEASE,
  severities: ['error'],
  description:
    'When a release branch releases (top changelog entry not UNRELEASED), the APT overlays directory is empty.',
  check(ctx) {
    const entry = ctx.state.changelog.entry;
    if (branchRole(ctx.branch, ctx.config) !== 'release' || !entry || !isReleased(entry)) return [];
    return overlaysFindings(ctx.state, entry, `on ${ctx.branch}`);
  },
};
