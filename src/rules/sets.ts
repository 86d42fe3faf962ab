import { formatSerialValue, type Serial } from '../domain/serial.js';
import type { OriginState, RefState, SnapshotSetState } from '../domain/state.js';

/** How messages name a set: `the main set (config/APT_snapshots.d)`. */
export function setLabel(set: SnapshotSetState): string {
  return `the ${set.config.name} set (${set.config.dir})`;
}

export function isFreezeException(set: SnapshotSetState, origin: string): boolean {
  return set.config.freeze_exceptions.includes(origin);
}

/** The serial an origin is pinned to; undefined for `latest` and for unreadable files. */
export function pinnedSerial(origin: OriginState): Serial | undefined {
  return origin.value?.kind === 'serial' ? origin.value.serial : undefined;
}

/** The same set (by configured name) in another state, when it was read as a directory. */
export function counterpart(state: RefState, set: SnapshotSetState): SnapshotSetState | undefined {
  const other = state.sets.find((s) => s.config.name === set.config.name);
  return other?.presence === 'dir' ? other : undefined;
}

export function originNamed(set: SnapshotSetState, origin: string): OriginState | undefined {
  return set.origins.find((o) => o.origin === origin);
}

/**
 * Whether a topic branch still has the value it forked with for this origin:
 * then a difference from its base is the base moving on since, which a merge
 * brings in, not something the branch did. False when the fork point is unknown.
 */
export function keptSinceFork(forkPoint: RefState | undefined, set: SnapshotSetState, origin: OriginState): boolean {
  const forkSet = forkPoint && counterpart(forkPoint, set);
  const atFork = forkSet && originNamed(forkSet, origin.origin);
  if (!atFork?.value || !origin.value) return false;
  return formatSerialValue(atFork.value) === formatSerialValue(origin.value);
}

/** Capitalises a message that starts with a set label. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `a, b and c`, for lists in messages. */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
