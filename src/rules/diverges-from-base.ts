import type { Finding } from '../domain/finding.js';
import { compareSerials } from '../domain/serial.js';
import { counterpart, keptSinceFork, originNamed, pinnedSerial, setLabel } from './sets.js';
import type { Rule } from './types.js';

/**
 * A topic branch inherits its base branch's serials; any difference the
 * branch made is something reviewers must see (one the base made after the
 * branch forked is not). Older serials are serial-regression's.
 */
export const divergesFromBase: Rule = {
  id: 'diverges-from-base',
  severities: ['warning', 'notice'],
  description: "A topic branch keeps its base branch's origins and serials; a bump is shown to reviewers.",
  check(ctx) {
    const base = ctx.base;
    // The flow gives a base to compare with only for a topic branch or a pull request.
    if (!base) return [];
    const findings: Finding[] = [];
    const add = (severity: Finding['severity'], path: string, message: string, hint: string) =>
      findings.push({ rule: divergesFromBase.id, severity, path, message, hint });

    for (const set of ctx.state.sets) {
      if (set.presence !== 'dir') continue;
      const baseSet = counterpart(base.state, set);
      if (!baseSet) continue;
      for (const origin of set.origins) {
        const baseOrigin = originNamed(baseSet, origin.origin);
        if (!baseOrigin) {
          add(
            'warning',
            origin.dir,
            `${ctx.branch} adds origin ${origin.origin} to ${setLabel(set)}, which its base branch ${base.branch} does not have.`,
            `Check that adding ${origin.origin} is intended and that the snapshot server mirrors it.`,
          );
          continue;
        }
        if (!origin.value || !baseOrigin.value || keptSinceFork(base.forkPoint, set, origin)) continue;
        const serial = pinnedSerial(origin);
        const baseSerial = pinnedSerial(baseOrigin);
        if (serial !== undefined && baseSerial !== undefined) {
          if (compareSerials(serial, baseSerial) > 0) {
            add(
              'notice',
              origin.path,
              `${ctx.branch} bumps ${origin.origin} in ${setLabel(set)} from ${baseSerial} (on ${base.branch}) to ${serial}: reviewers, check this is on purpose.`,
              `If the bump is not intended, restore ${baseSerial}, the serial of ${base.branch}.`,
            );
          }
        } else if (serial !== undefined) {
          add(
            'warning',
            origin.path,
            `${ctx.branch} pins ${origin.origin} in ${setLabel(set)} to ${serial} where its base branch ${base.branch} uses latest: merging it would freeze ${origin.origin} on ${base.branch}.`,
            `Restore \`latest\` unless freezing ${origin.origin} on ${base.branch} is intended.`,
          );
        } else if (baseSerial !== undefined) {
          add(
            'warning',
            origin.path,
            `${ctx.branch} uses latest for ${origin.origin} in ${setLabel(set)} where its base branch ${base.branch} pins ${baseSerial}: merging it would unfreeze ${origin.origin} on ${base.branch}.`,
            `Restore ${baseSerial}, the serial of ${base.branch}.`,
          );
        }
      }
      for (const baseOrigin of baseSet.origins) {
        if (originNamed(set, baseOrigin.origin)) continue;
        add(
          'warning',
          baseOrigin.dir,
          `${ctx.branch} removes origin ${baseOrigin.origin} from ${setLabel(set)}; its base branch ${base.branch} has it.`,
          `Check that removing ${baseOrigin.origin} is intended, or restore ${baseOrigin.path}.`,
        );
      }
    }
    return findings;
  },
};
