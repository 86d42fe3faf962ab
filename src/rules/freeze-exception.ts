import { branchRole } from '../domain/branch.js';
import type { Finding } from '../domain/finding.js';
import { isFreezeException, pinnedSerial, setLabel } from './sets.js';
import type { Rule } from './types.js';

export const freezeException: Rule = {
  id: 'freeze-exception',
  severities: ['error'],
  description: "A set's freeze-exception origins (debian-security for Tails) always use `latest`, on every branch.",
  check(ctx) {
    // On a development branch, tracks-latest already reports every pin of a set that thaws, with the thaw that fixes it.
    const development = branchRole(ctx.branch, ctx.config) === 'development';
    const findings: Finding[] = [];
    for (const set of ctx.state.sets) {
      if (development && set.config.thaws) continue;
      for (const origin of set.origins) {
        const serial = pinnedSerial(origin);
        if (serial === undefined || !isFreezeException(set, origin.origin)) continue;
        findings.push({
          rule: freezeException.id,
          severity: 'error',
          path: origin.path,
          message: `${origin.origin} is a freeze exception of ${setLabel(set)} but is pinned to ${serial} on ${ctx.branch}; it must stay latest so that its updates (security fixes) reach every build.`,
          hint: `Write \`latest\` into ${origin.path}.`,
        });
      }
    }
    return findings;
  },
};
