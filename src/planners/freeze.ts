import type { Config } from '../config/schema.js';
import { compareSerials, LATEST, type Serial, type SerialValue } from '../domain/serial.js';
import { describeFileRead, type RefState } from '../domain/state.js';
import {
  editsOf,
  markdownText,
  planOriginSerial,
  renderRepairs,
  renderSetTable,
  setProblem,
  sortedEdits,
  type SerialChange,
} from './serial-edits.js';
import type { PlanResult } from './types.js';

export function freezeTitle(version: string): string {
  return `Freeze APT snapshots for ${version}.`;
}

/**
 * Freezes a release branch: every origin to the newest serial the snapshot
 * server has (`newest`, by origin), except each set's freeze exceptions,
 * which stay `latest` so that security updates reach every build. A set
 * that never thaws (the builder VM's) has no exceptions by default and is
 * re-frozen whole; exceptions configured on it are honoured all the same,
 * since `freeze_exceptions` means "stays latest when the set is frozen".
 * Never moves a serial back in time.
 */
export function planFreeze(state: RefState, config: Config, newest: ReadonlyMap<string, Serial>): PlanResult {
  const problems: string[] = [];
  const { changelog } = state;
  if (!changelog.entry) {
    problems.push(
      `${changelog.path} ${changelog.error ?? describeFileRead(changelog.file)}; the freeze is named after the version of its top entry`,
    );
  }
  const changes: SerialChange[] = [];
  for (const set of state.sets) {
    const problem = setProblem(set);
    if (problem !== undefined) {
      problems.push(problem);
      continue;
    }
    for (const origin of set.origins) {
      let target: SerialValue = LATEST;
      if (!set.config.freeze_exceptions.includes(origin.origin)) {
        const serial = newest.get(origin.origin);
        if (serial === undefined) {
          problems.push(`${origin.path}: the newest serial of origin "${origin.origin}" is unknown`);
          continue;
        }
        const current = origin.value?.kind === 'serial' ? origin.value.serial : undefined;
        if (current !== undefined && compareSerials(serial, current) < 0) {
          problems.push(
            `${origin.path}: the newest serial of origin "${origin.origin}", ${serial}, is older than ${current} which the branch already pins; a freeze never goes back in time`,
          );
          continue;
        }
        target = { kind: 'serial', serial };
      }
      changes.push(planOriginSerial(set, origin, target));
    }
  }
  if (problems.length > 0 || !changelog.entry) return { ok: false, error: `cannot freeze: ${problems.join('; ')}` };

  const version = changelog.entry.version;
  const exceptions = state.sets.flatMap((set) =>
    set.config.freeze_exceptions
      .filter((name) => set.origins.some((o) => o.origin === name))
      .map((name) => `${markdownText(name)} in ${markdownText(set.config.name)}`),
  );
  const pinned = [
    ...new Map(changes.filter((c) => c.after !== 'latest').map((c) => [`${c.origin} ${c.after}`, c])).values(),
  ].sort((a, b) =>
    a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.after < b.after ? -1 : a.after > b.after ? 1 : 0,
  );
  const body = [
    `Freezes the APT snapshots for ${markdownText(version)} (top entry of \`${changelog.path}\`): every origin is pinned to the newest serial on the snapshot server${exceptions.length > 0 ? `, except the freeze exceptions (${exceptions.join(', ')}), which stay \`latest\` so that security updates reach every build` : ''}.`,
    '',
    '## Snapshots frozen',
    '',
    ...state.sets.flatMap((set) => renderSetTable(set, changes, ['origin', 'before', 'after'])),
    ...renderRepairs(changes),
    '## Before the freeze goes on',
    '',
    `Snapshots expire after about ten days and are then garbage-collected. The release manager must bump \`Valid-Until\` of these snapshots on ${config.snapshot_server.url} by about half a year, so that they survive the freeze:`,
    '',
    ...pinned.map((c) => `- ${markdownText(c.origin)}: ${c.after}`),
  ];
  return {
    ok: true,
    plan: {
      action: 'freeze',
      title: freezeTitle(version),
      body: body.join('\n').trimEnd() + '\n',
      edits: sortedEdits(editsOf(changes)),
    },
  };
}
