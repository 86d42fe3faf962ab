import { baseBranchFile } from './base-branch-file.js';
import { builderFrozen } from './builder-frozen.js';
import { divergesFromBase } from './diverges-from-base.js';
import { freezeConsistency } from './freeze-consistency.js';
import { freezeException } from './freeze-exception.js';
import { overlaysAtRelease } from './overlays-at-release.js';
import { serialRegression } from './serial-regression.js';
import { serialSyntax } from './serial-syntax.js';
import { snapshotExpiry } from './snapshot-expiry.js';
import { snapshotLayout } from './snapshot-layout.js';
import { staleFreezeException } from './stale-freeze-exception.js';
import { tracksLatest } from './tracks-latest.js';
import type { Rule } from './types.js';

/**
 * Every rule, in the order their findings are worked out: first whether the
 * files can be read at all, then what the branch's role demands of its own
 * state, then comparisons with the base branch and the push, and last the
 * rule that needs the snapshot server.
 */
export const RULES: readonly Rule[] = [
  snapshotLayout,
  serialSyntax,
  baseBranchFile,
  tracksLatest,
  freezeConsistency,
  freezeException,
  builderFrozen,
  staleFreezeException,
  overlaysAtRelease,
  serialRegression,
  divergesFromBase,
  snapshotExpiry,
];
