import { branchRole } from '../domain/branch.js';
import type { Finding } from '../domain/finding.js';
import { pinnedSerial, setLabel } from './sets.js';
import type { Rule } from './types.js';

export const tracksLatest: Rule = {
  id: 'tracks-latest',
  severities: ['error'],
  description: 'A development branch uses `latest` for every origin of the sets that thaw.',
  check(ctx) {
    if (branchRole(ctx.branch, ctx.config) !== 'development') return [];
    const findings: Finding[] = [];
    for (const set of ctx.state.sets) {
      if (!set.config.thaws) continue;
      for (const origin of set.origins) {
        const serial = pinnedSerial(origin);
        if (serial === undefined) continue;
        findings.push({
          rule: tracksLatest.id,
          severity: 'error',
          path: origin.path,
          message: `${ctx.branch} was left frozen: ${origin.origin} in ${setLabel(set)} is pinned to ${serial}, but a development branch tracks latest (typically a release branch was merged into it and not thawed).`,
          hint: `Thaw ${ctx.branch}: write \`latest\` into every serial file of the ${set.config.name} set.`,
          fix: 'thaw',
        });
      }
    }
    return findings;
  },
};
