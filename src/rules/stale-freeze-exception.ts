import { branchRole } from '../domain/branch.js';
import { printable } from '../domain/serial.js';
import type { Rule } from './types.js';

export const staleFreezeException: Rule = {
  id: 'stale-freeze-exception',
  severity: 'warning',
  description: 'A development branch carries no active freeze-exception pin (Pin-Priority above 0) after a release.',
  check(ctx) {
    if (branchRole(ctx.branch, ctx.config) !== 'development') return [];
    const { path, freezeExceptions } = ctx.state.preferences;
    // A missing or non-numeric priority is not a neutralised pin, so it counts as active.
    return freezeExceptions
      .filter((fe) => !(fe.priority <= 0))
      .map((fe) => ({
        rule: staleFreezeException.id,
        severity: 'warning' as const,
        path,
        line: (fe.priorityLine ?? fe.startLine) + 1,
        message: `${ctx.branch} still carries an active freeze exception: the stanza "${printable(fe.explanation)}" for ${fe.packages === '' ? 'no package' : printable(fe.packages)} ${
          Number.isNaN(fe.priority) ? 'has no numeric Pin-Priority' : `has Pin-Priority ${fe.priority}`
        }; after a release, freeze exceptions are neutralised on a development branch.`,
        hint: 'Set its Pin-Priority to -1, as the thaw after a release does.',
        fix: 'thaw' as const,
      }));
  },
};
