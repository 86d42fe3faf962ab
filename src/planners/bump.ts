import type { Config } from '../config/schema.js';
import { compareSerials, type Serial } from '../domain/serial.js';
import type { OriginState, RefState, SnapshotSetState } from '../domain/state.js';
import {
  editsOf,
  markdownText,
  planOriginSerial,
  renderRepairs,
  renderSetTable,
  sortedEdits,
  type SerialChange,
} from './serial-edits.js';
import type { PlanResult } from './types.js';

interface Candidate {
  set: SnapshotSetState;
  origin: OriginState;
}

const isPinned = (origin: OriginState) => origin.value?.kind === 'serial';
/** A serial file that is not valid: its value is unknown, so bumping it is a repair. */
const isBroken = (origin: OriginState) => origin.value === undefined;
const isException = (set: SnapshotSetState, origin: OriginState) =>
  set.config.freeze_exceptions.includes(origin.origin);

/**
 * Without names: every pinned origin of every set, except freeze exceptions
 * (pinning one is a mistake to fix, not to entrench), plus broken serial
 * files in sets that are frozen, which the bump repairs.
 */
function defaultCandidates(state: RefState): Candidate[] {
  return state.sets.flatMap((set) => {
    const frozen = set.origins.some(isPinned);
    return set.origins
      .filter((o) => !isException(set, o) && (isPinned(o) || (frozen && isBroken(o))))
      .map((origin) => ({ set, origin }));
  });
}

/**
 * A named origin is bumped in every set where it is pinned (or broken) and
 * not a freeze exception; it is an error when that is true of no set.
 */
function namedCandidates(
  state: RefState,
  names: readonly string[],
): { candidates: Candidate[]; skipped: string[]; problems: string[] } {
  const candidates: Candidate[] = [];
  const skipped: string[] = [];
  const problems: string[] = [];
  for (const name of new Set(names)) {
    const found = state.sets.flatMap((set) =>
      set.origins.filter((o) => o.origin === name).map((origin) => ({ set, origin })),
    );
    if (found.length === 0) {
      const where = state.sets.map((s) => s.config.dir).join(', ');
      problems.push(`origin "${name}" does not exist in any snapshot set (${where})`);
      continue;
    }
    const reasons: string[] = [];
    for (const c of found) {
      if (isException(c.set, c.origin))
        reasons.push(`${c.origin.path} is a freeze exception of set "${c.set.config.name}", which stays latest`);
      else if (c.origin.value?.kind === 'latest')
        reasons.push(`${c.origin.path} is latest; only pinned serials are bumped`);
      else candidates.push(c);
    }
    if (reasons.length === found.length) problems.push(`origin "${name}": ${reasons.join('; ')}`);
    else skipped.push(...reasons);
  }
  return { candidates, skipped, problems };
}

/**
 * `Bump APT snapshots of debian, torproject to 2021060101.`: the origins
 * that change, grouped by their new serial (oldest serial first, origins
 * sorted by name in a group, each name once), groups separated by "; ".
 */
export function bumpTitle(changes: readonly SerialChange[]): string {
  const byTarget = new Map<string, Set<string>>();
  for (const c of changes) {
    if (!c.edit) continue;
    byTarget.set(c.after, (byTarget.get(c.after) ?? new Set()).add(c.origin));
  }
  if (byTarget.size === 0) return 'Bump APT snapshots: already at the newest serials.';
  const groups = [...byTarget.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([serial, origins]) => `${[...origins].sort().join(', ')} to ${serial}`);
  return `Bump APT snapshots of ${groups.join('; ')}.`;
}

/**
 * Moves a frozen branch's origins to the newest serials on the snapshot
 * server, on purpose and never backwards. `origins` names them; absent or
 * empty means the default of defaultCandidates.
 */
export function planBump(
  state: RefState,
  config: Config,
  newest: ReadonlyMap<string, Serial>,
  origins?: readonly string[],
): PlanResult {
  const named = origins !== undefined && origins.length > 0 ? namedCandidates(state, origins) : undefined;
  const candidates = named ? named.candidates : defaultCandidates(state);
  const problems = named ? [...named.problems] : [];
  const changes: SerialChange[] = [];
  for (const { set, origin } of candidates) {
    const serial = newest.get(origin.origin);
    if (serial === undefined) {
      problems.push(`${origin.path}: the newest serial of origin "${origin.origin}" is unknown`);
      continue;
    }
    if (origin.value?.kind === 'serial' && compareSerials(serial, origin.value.serial) < 0) {
      problems.push(
        `${origin.path}: the newest serial of origin "${origin.origin}", ${serial}, is older than the pinned ${origin.value.serial}; serials only move forward`,
      );
      continue;
    }
    changes.push(planOriginSerial(set, origin, { kind: 'serial', serial }));
  }
  if (problems.length > 0) return { ok: false, error: `cannot bump: ${problems.join('; ')}` };

  const edits = editsOf(changes);
  const touched = state.sets.filter((set) => changes.some((c) => c.set === set.config.name));
  const body: string[] = [];
  if (changes.length === 0) {
    body.push('Nothing to bump: no origin of this branch is pinned to a serial.', '');
  } else {
    body.push(
      edits.length > 0
        ? 'Moves these APT snapshots to the newest serials on the snapshot server, on purpose: serials only move forward.'
        : 'Nothing to bump: these APT snapshots are already at the newest serials on the snapshot server.',
      '',
      '## Snapshots',
      '',
      ...touched.flatMap((set) => renderSetTable(set, changes, ['origin', 'before', 'after'])),
    );
  }
  if (named && named.skipped.length > 0)
    body.push('## Not bumped', '', ...named.skipped.map((s) => `- ${markdownText(s)}`), '');
  body.push(...renderRepairs(changes));
  if (edits.length > 0) {
    body.push(
      `If this branch is frozen for a release, the release manager must also bump \`Valid-Until\` of the new snapshots on ${config.snapshot_server.url}, so that they survive the freeze.`,
    );
  }
  return {
    ok: true,
    plan: {
      action: 'bump',
      title: bumpTitle(changes),
      body: body.join('\n').trimEnd() + '\n',
      edits: sortedEdits(edits),
    },
  };
}
