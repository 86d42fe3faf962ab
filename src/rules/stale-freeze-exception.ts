import { branchRole } from '../domain/branch.js';
import type { Finding } from '../domain/finding.js';
import { printable } from '../domain/serial.js';
import type { Rule } from './types.js';

export const staleFreezeException: Rule = {
  id: 'stale-freeze-exception',
  severities: ['warning'],
  description: 'A development branch carries no active freeze-exception pin (Pin-Priority above 0) after a release.',
  check(ctx) {
    if (branchRole(ctx.branch, ctx.config) !== 'development') return [];
    const { path, freezeExceptions } = ctx.state.preferences;
    // A missing or non-numeric priority is not a neutralised pin, so it counts
    // as active; the thaw only rewrites a numeric one, so it cannot fix it.
    return freezeExceptions
      .filter((fe) => !(fe.priority <= 0))
      .map((fe): Finding => {
        const numeric = !Number.isNaN(fe.priority);
        return {
          rule: staleFreezeException.id,
          severity: 'warning',
          path,
          line: (fe.priorityLine ?? fe.startLine) + 1,
          message: `${ctx.branch} still carries an active freeze exception: the stanza "${printable(fe.explanation)}" for ${fe.packages === '' ? 'no package' : printable(fe.packages)} ${
            numeric ? `has Pin-Priority ${fe.priority}` : 'has no numeric Pin-Priority'
          }; after a release, freeze exceptions are neutralised on a development branch.`,
          ...(numeric
            ? { hint: 'Set its Pin-Priority to -1, as the thaw after a release does.', fix: 'thaw' }
            : {
                hint: 'Write `Pin-Priority: -1` into that stanza by hand: the thaw only rewrites a numeric Pin-Priority.',
              }),
        };
      });
  },
};
