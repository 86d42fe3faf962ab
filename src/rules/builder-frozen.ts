import type { Finding } from '../domain/finding.js';
import { isFreezeException, setLabel } from './sets.js';
import type { Rule } from './types.js';

export const builderFrozen: Rule = {
  id: 'builder-frozen',
  severities: ['warning'],
  description: 'A set that never thaws (the builder VM) pins every origin that is not a freeze exception.',
  check(ctx) {
    const findings: Finding[] = [];
    for (const set of ctx.state.sets) {
      if (set.config.thaws) continue;
      for (const origin of set.origins) {
        if (origin.value?.kind !== 'latest' || isFreezeException(set, origin.origin)) continue;
        findings.push({
          rule: builderFrozen.id,
          severity: 'warning',
          path: origin.path,
          message: `${origin.origin} in ${setLabel(set)} uses latest on ${ctx.branch}; this set never thaws, so each origin should be pinned to a serial to keep builds reproducible.`,
          hint: `Pin ${origin.origin} to a serial, normally its newest one at the last freeze.`,
        });
      }
    }
    return findings;
  },
};
