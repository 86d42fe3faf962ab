import type { Config } from '../config/schema.js';
import { branchRole, isBaseBranch } from '../domain/branch.js';
import type { Finding } from '../domain/finding.js';
import { printable } from '../domain/serial.js';
import { describeFileRead } from '../domain/state.js';
import type { Rule } from './types.js';

function knownBases(config: Config): string {
  const names = config.branches.base.join(', ');
  return config.branches.port_pattern === null
    ? names
    : `${names}, or a branch matching /${config.branches.port_pattern}/`;
}

export const baseBranchFile: Rule = {
  id: 'base-branch-file',
  severities: ['error'],
  description: 'config/base_branch holds one line naming a base branch: the branch itself on a base branch.',
  check(ctx) {
    const { path, file, name, error } = ctx.state.baseBranch;
    const onBase = branchRole(ctx.branch, ctx.config) !== 'topic';
    const expected = onBase ? `"${ctx.branch}"` : `one of ${knownBases(ctx.config)}`;
    const finding = (message: string, hint: string, line?: number): Finding[] => [
      { rule: baseBranchFile.id, severity: 'error', path, ...(line === undefined ? {} : { line }), message, hint },
    ];

    if (file.kind !== 'text') {
      return finding(
        `${path} ${describeFileRead(file)} on ${ctx.branch}; it must be a text file naming the base branch.`,
        `Make ${path} a regular file with one line: ${expected}.`,
      );
    }
    if (name === undefined) {
      return finding(
        `${path} on ${ctx.branch} ${error ?? 'cannot be read'}.`,
        `Write exactly one line into ${path}: ${expected}.`,
      );
    }
    if (onBase && name !== ctx.branch) {
      return finding(
        `${path} names "${printable(name)}" on the base branch ${ctx.branch}; a base branch must name itself (a merge may have brought in another branch's file).`,
        `Write "${ctx.branch}" into ${path}.`,
        1,
      );
    }
    if (!isBaseBranch(name, ctx.config)) {
      return finding(
        `${path} on ${ctx.branch} names "${printable(name)}", which is not a base branch (${knownBases(ctx.config)}).`,
        `Write the base branch ${ctx.branch} was forked from into ${path}: ${expected}.`,
        1,
      );
    }
    return [];
  },
};
