import type { Config } from '../config/schema.js';
import { isReleased, tagForVersion } from '../domain/changelog.js';
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

export function freezeTitle(version: string | undefined): string {
  return version === undefined ? 'Freeze APT snapshots.' : `Freeze APT snapshots for ${version}.`;
}

export interface FreezeOptions {
  /** The version the freeze is for, as the release manager names it (4.19~rc1); else one is read from the changelog. */
  version?: string;
  /** The repository's tags, when known: a version with a tag (4.19~rc1 as 4.19-rc1) is already released. */
  tags?: ReadonlySet<string>;
}

/**
 * The version a freeze is named after: the one given, else the top
 * changelog entry's, unless that one is already released (its distribution
 * is not UNRELEASED, or it is tagged): the release manager then freezes for
 * the next version, whose entry comes later (4.19~rc1 was frozen over the
 * released 4.19~beta1 entry), and a title naming the old one would be wrong.
 * @returns the version, or why there is none
 */
function freezeVersion(
  changelog: RefState['changelog'],
  options: FreezeOptions,
): { version: string; source: 'given' | 'changelog' } | { version?: undefined; why: string } {
  if (options.version !== undefined) return { version: options.version, source: 'given' };
  const { entry } = changelog;
  if (!entry) return { why: `${changelog.path} ${changelog.error ?? describeFileRead(changelog.file)}` };
  if (isReleased(entry))
    return {
      why: `the top entry of ${changelog.path}, ${entry.version}, is already released (distribution ${entry.distribution}, not UNRELEASED)`,
    };
  const tag = tagForVersion(entry.version);
  if (options.tags?.has(tag))
    return { why: `the top entry of ${changelog.path}, ${entry.version}, is already released (tag ${tag})` };
  return { version: entry.version, source: 'changelog' };
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
export function planFreeze(
  state: RefState,
  config: Config,
  newest: ReadonlyMap<string, Serial>,
  options: FreezeOptions = {},
): PlanResult {
  const problems: string[] = [];
  const { changelog } = state;
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
  if (problems.length > 0) return { ok: false, error: `cannot freeze: ${problems.join('; ')}` };

  const named = freezeVersion(changelog, options);
  const forWhat =
    named.version === undefined
      ? ''
      : ` for ${markdownText(named.version)}${named.source === 'changelog' ? ` (top entry of \`${changelog.path}\`)` : ''}`;
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
    `Freezes the APT snapshots${forWhat}: every origin is pinned to the newest serial on the snapshot server${exceptions.length > 0 ? `, except the freeze exceptions (${exceptions.join(', ')}), which stay \`latest\` so that security updates reach every build` : ''}.`,
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
      title: freezeTitle(named.version),
      body: body.join('\n').trimEnd() + '\n',
      edits: sortedEdits(editsOf(changes)),
      ...(named.version === undefined ? { notes: [`the title names no version: ${named.why}`] } : {}),
    },
  };
}
