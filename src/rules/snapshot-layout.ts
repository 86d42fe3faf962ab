import type { Finding } from '../domain/finding.js';
import { describeFileRead, PLACEHOLDER, type SnapshotSetState } from '../domain/state.js';
import type { RawEntry } from '../domain/tree.js';
import { sentence, setLabel } from './sets.js';
import type { Rule } from './types.js';

const KIND_WORDS: Record<RawEntry['type'], string> = {
  file: 'a file',
  symlink: 'a symbolic link',
  dir: 'a directory',
  submodule: 'a Git submodule',
};

function setFindings(set: SnapshotSetState, branch: string): Finding[] {
  const dir = set.config.dir;
  const error = (message: string, hint: string): Finding => ({
    rule: snapshotLayout.id,
    severity: 'error',
    path: dir,
    message,
    hint,
  });
  switch (set.presence) {
    case 'missing':
      return [
        error(
          sentence(`${setLabel(set)} is missing on ${branch}: there is no ${dir}.`),
          `Restore ${dir} with one directory per origin, each holding a serial file.`,
        ),
      ];
    case 'not-a-dir':
      return [
        error(
          `${dir} is not a directory on ${branch}; it must hold ${setLabel(set)}, one directory per origin.`,
          `Replace ${dir} with a directory holding one directory per origin.`,
        ),
      ];
    case 'dir':
      break;
  }
  const findings: Finding[] = [];
  if (set.origins.length === 0) {
    findings.push(
      error(
        sentence(`${setLabel(set)} has no origins on ${branch}: ${dir} holds no origin directory.`),
        `Add one directory per origin to ${dir}, each holding a serial file.`,
      ),
    );
  }
  for (const origin of set.origins) {
    if (origin.file.kind === 'text') continue;
    findings.push({
      rule: snapshotLayout.id,
      severity: 'error',
      path: origin.file.kind === 'missing' ? origin.dir : origin.path,
      message: `Origin ${origin.origin} in ${setLabel(set)} has no usable serial file on ${branch}: ${origin.path} ${describeFileRead(origin.file)}.`,
      hint: `Make ${origin.path} a regular text file holding \`latest\` or a serial.`,
    });
  }
  for (const stray of set.strays) {
    findings.push({
      rule: snapshotLayout.id,
      severity: 'warning',
      path: stray.path,
      message: `${stray.path} is ${KIND_WORDS[stray.kind]} at the root of ${setLabel(set)}; only origin directories and ${PLACEHOLDER} belong there.`,
      hint: 'Move or remove it: an origin is a directory holding a serial file.',
    });
  }
  return findings;
}

export const snapshotLayout: Rule = {
  id: 'snapshot-layout',
  severities: ['error', 'warning'],
  description: 'Every snapshot set is a directory of origin directories, each with a regular `serial` file.',
  check(ctx) {
    return ctx.state.sets.flatMap((set) => setFindings(set, ctx.branch));
  },
};
