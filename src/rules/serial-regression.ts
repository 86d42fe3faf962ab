import { branchRole } from '../domain/branch.js';
import type { Finding } from '../domain/finding.js';
import { compareSerials, type Serial } from '../domain/serial.js';
import type { SnapshotSetState } from '../domain/state.js';
import {
  counterpart,
  isFreezeException,
  keptSinceFork,
  listWords,
  originNamed,
  pinnedSerial,
  setLabel,
} from './sets.js';
import type { Rule } from './types.js';

function stillFrozen(set: SnapshotSetState): boolean {
  return set.origins.some((o) => !isFreezeException(set, o.origin) && pinnedSerial(o) !== undefined);
}

function pinnedIn(set: SnapshotSetState | undefined, origin: string): Serial | undefined {
  const state = set && originNamed(set, origin);
  return state && pinnedSerial(state);
}

/**
 * Serials only move forward. A topic branch is compared with its base
 * branch (on a base branch, config/base_branch names the branch itself),
 * unless it still has the serial it forked with and the base moved on;
 * any branch with the state before the push. Going from a serial to
 * `latest` is a thaw, which is only wrong where a freeze must hold: on a
 * release branch, an origin that is not a freeze exception, when the branch
 * must always be frozen (stable) or the rest of its set stays frozen. A
 * whole set thawed on testing is the thaw after a major release. Topic
 * branches that unfreeze are reported by diverges-from-base.
 */
export const serialRegression: Rule = {
  id: 'serial-regression',
  severities: ['error'],
  description:
    'No serial goes back in time: not below the base branch, not below the state before the push; a frozen release branch is not partly unfrozen, stable not at all.',
  check(ctx) {
    const role = branchRole(ctx.branch, ctx.config);
    const alwaysFrozen = ctx.config.branches.always_frozen.includes(ctx.branch);
    const { base } = ctx;
    const findings: Finding[] = [];
    for (const set of ctx.state.sets) {
      const baseSet = base && counterpart(base.state, set);
      const beforeSet = ctx.before && counterpart(ctx.before, set);
      for (const origin of set.origins) {
        const serial = pinnedSerial(origin);
        const baseSerial = pinnedIn(baseSet, origin.origin);
        const beforeSerial = pinnedIn(beforeSet, origin.origin);
        if (serial !== undefined) {
          const newer: { serial: Serial; where: string }[] = [];
          if (
            base &&
            baseSerial !== undefined &&
            compareSerials(serial, baseSerial) < 0 &&
            !keptSinceFork(base.forkPoint, set, origin)
          )
            newer.push({ serial: baseSerial, where: `on its base branch ${base.branch}` });
          if (beforeSerial !== undefined && compareSerials(serial, beforeSerial) < 0)
            newer.push({ serial: beforeSerial, where: 'before the push' });
          if (newer.length === 0) continue;
          const newest = newer.map((n) => n.serial).reduce((a, b) => (compareSerials(a, b) >= 0 ? a : b));
          findings.push({
            rule: serialRegression.id,
            severity: 'error',
            path: origin.path,
            message: `${origin.origin} in ${setLabel(set)} goes back in time on ${ctx.branch}: ${serial} is older than ${listWords(newer.map((n) => `${n.serial} ${n.where}`))}.`,
            hint: `Use ${newest} or a newer serial: serials only move forward.`,
          });
        } else if (
          origin.value?.kind === 'latest' &&
          beforeSerial !== undefined &&
          role === 'release' &&
          !isFreezeException(set, origin.origin) &&
          (alwaysFrozen || stillFrozen(set))
        ) {
          findings.push({
            rule: serialRegression.id,
            severity: 'error',
            path: origin.path,
            message: `${origin.origin} in ${setLabel(set)} went from ${beforeSerial} back to latest on the release branch ${ctx.branch}: that unfreezes it, and ${origin.origin} is not a freeze exception.`,
            hint: `Restore ${beforeSerial} (or a newer serial, on purpose) in ${origin.path}.`,
          });
        }
      }
    }
    return findings;
  },
};
