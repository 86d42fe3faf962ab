import { branchRole } from '../domain/branch.js';
import type { Finding } from '../domain/finding.js';
import type { SnapshotSetState } from '../domain/state.js';
import { isFreezeException, listWords, pinnedSerial, setLabel } from './sets.js';
import type { Rule, RuleContext } from './types.js';

function exceptionsNote(set: SnapshotSetState): string {
  const exceptions = set.config.freeze_exceptions;
  if (exceptions.length === 0) return '';
  return exceptions.length === 1
    ? ` (the freeze exception ${exceptions[0]} stays latest)`
    : ` (the freeze exceptions ${listWords(exceptions)} stay latest)`;
}

function setFindings(ctx: RuleContext, set: SnapshotSetState): Finding[] {
  // Exceptions stay latest by design, and unreadable serials are other rules' findings.
  const counted = set.origins.filter((o) => o.value !== undefined && !isFreezeException(set, o.origin));
  const pinned = counted.filter((o) => pinnedSerial(o) !== undefined);
  const latest = counted.filter((o) => pinnedSerial(o) === undefined);
  if (latest.length === 0) return [];

  if (pinned.length > 0) {
    const pinnedNames = listWords(pinned.map((o) => o.origin));
    return latest.map((origin) => ({
      rule: freezeConsistency.id,
      severity: 'error',
      path: origin.path,
      message: `${ctx.branch} is partially frozen: in ${setLabel(set)}, ${pinnedNames} ${pinned.length === 1 ? 'is' : 'are'} pinned but ${origin.origin} uses latest; a release branch freezes every origin${exceptionsNote(set)}.`,
      hint: `Pin ${origin.origin} to a serial too, or re-freeze the whole ${set.config.name} set.`,
      fix: 'freeze',
    }));
  }

  if (ctx.config.branches.always_frozen.includes(ctx.branch)) {
    return [
      {
        rule: freezeConsistency.id,
        severity: 'error',
        path: set.config.dir,
        message: `${ctx.branch} must always be frozen, but every origin of ${setLabel(set)} uses latest${exceptionsNote(set)}.`,
        hint: `Freeze ${ctx.branch}: pin every origin of the ${set.config.name} set except the freeze exceptions to a serial.`,
        fix: 'freeze',
      },
    ];
  }
  return [
    {
      rule: freezeConsistency.id,
      severity: 'notice',
      path: set.config.dir,
      message: `${ctx.branch} is not frozen: every origin of ${setLabel(set)} uses latest. Outside a freeze ${ctx.branch} is unused, so this is expected then; during a freeze it must be frozen.`,
      hint: `At freeze time, pin every origin of the ${set.config.name} set except the freeze exceptions to the newest serial.`,
    },
  ];
}

export const freezeConsistency: Rule = {
  id: 'freeze-consistency',
  severities: ['error', 'notice'],
  description:
    'A release branch is frozen or thawed as a whole in each set that thaws; an always-frozen branch is frozen.',
  check(ctx) {
    if (branchRole(ctx.branch, ctx.config) !== 'release') return [];
    return ctx.state.sets.filter((set) => set.config.thaws).flatMap((set) => setFindings(ctx, set));
  },
};
