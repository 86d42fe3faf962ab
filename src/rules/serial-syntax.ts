import type { Finding } from '../domain/finding.js';
import { setLabel } from './sets.js';
import type { Rule } from './types.js';

/** Parse errors read either `"x" is not …` or `has 2 lines …`; the latter needs a subject. */
function withSubject(error: string): string {
  return error.startsWith('"') ? error : `it ${error}`;
}

export const serialSyntax: Rule = {
  id: 'serial-syntax',
  severities: ['error'],
  description: 'Every serial file holds exactly one line: `latest` or a valid serial YYYYMMDDNN.',
  check(ctx) {
    const findings: Finding[] = [];
    for (const set of ctx.state.sets) {
      for (const origin of set.origins) {
        if (origin.syntaxError === undefined) continue;
        findings.push({
          rule: serialSyntax.id,
          severity: 'error',
          path: origin.path,
          message: `Invalid serial for origin ${origin.origin} in ${setLabel(set)} on ${ctx.branch}: ${withSubject(origin.syntaxError)}.`,
          hint: 'Write exactly one line into the file: `latest`, or the serial YYYYMMDDNN of a snapshot on the server.',
        });
      }
    }
    return findings;
  },
};
