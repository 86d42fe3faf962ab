import { branchRole } from '../domain/branch.js';
import { isReleased } from '../domain/changelog.js';
import { PLACEHOLDER } from '../domain/state.js';
import { listWords } from './sets.js';
import type { Rule } from './types.js';

export const overlaysAtRelease: Rule = {
  id: 'overlays-at-release',
  severities: ['error'],
  description:
    'When a release branch releases (top changelog entry not UNRELEASED), the APT overlays directory is empty.',
  check(ctx) {
    const entry = ctx.state.changelog.entry;
    const { path, entries } = ctx.state.overlays;
    if (branchRole(ctx.branch, ctx.config) !== 'release' || !entry || !isReleased(entry) || entries.length === 0)
      return [];
    return [
      {
        rule: overlaysAtRelease.id,
        severity: 'error',
        path,
        message: `At release, ${path}/ must be empty: ${entry.version} is released on ${ctx.branch} (distribution ${entry.distribution}) but ${path}/ holds ${listWords(entries)}.`,
        hint: `Merge those overlays into the base APT suite and remove them from ${path}/, keeping only ${PLACEHOLDER}.`,
      },
    ];
  },
};
