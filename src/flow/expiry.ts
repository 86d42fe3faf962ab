import type { Config } from '../config/schema.js';
import type { RefState } from '../domain/state.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import { classifyExpiry } from '../rules/snapshot-expiry.js';
import { expiryKey } from '../rules/types.js';
import { gatherFacts } from './server-facts.js';

export { windowEnd } from '../rules/snapshot-expiry.js';

export type ExpiryStatus = 'ok' | 'expiring' | 'expired' | 'missing' | 'unknown' | 'latest' | 'unchecked';

export interface PinnedSnapshot {
  /** The snapshot set's name (config.snapshot_sets[].name). */
  set: string;
  /** The set's directory. */
  dir: string;
  origin: string;
  /** The serial file. */
  path: string;
  /** A serial, or `latest`. */
  serial: string;
  /** From config.snapshot_server.dists; absent: status `unchecked`. */
  dist?: string;
  /** Set once the Release file was read; null: it has no Valid-Until (the snapshot never expires). */
  validUntil?: Date | null;
  /**
   * `latest`: pinned to latest (never expires); `unknown`: the server gave no
   * usable answer (`error` says why); `missing`: it answered 404 or 410.
   */
  status: ExpiryStatus;
  error?: string;
  /**
   * `latest` on an origin that is not a freeze exception of its set (Tails'
   * script warns for it), except in a set that thaws on a development
   * branch, which must track latest there.
   */
  unexpectedLatest?: boolean;
}

/**
 * Every snapshot the state's sets pin, in set and origin order, with when it
 * expires as of `now`, `expiring` up to `until`. A serial file that gives
 * no serial (missing, invalid) is left out: it pins nothing, and the
 * serial-syntax rule reports it. Each distinct (origin, serial) is asked once.
 * @param options.branch the branch the state is at; absent (the work tree), latest is judged as Tails' script does
 */
export async function pinnedSnapshots(
  state: RefState,
  config: Config,
  server: SnapshotServer,
  options: { now: Date; until: Date; concurrency?: number; branch?: string },
): Promise<PinnedSnapshot[]> {
  const facts = await gatherFacts(
    state,
    config,
    server,
    options.concurrency === undefined ? {} : { concurrency: options.concurrency },
  );
  const development = options.branch !== undefined && config.branches.development.includes(options.branch);
  const snapshots: PinnedSnapshot[] = [];
  for (const set of state.sets) {
    const latestExpected = (origin: string) =>
      set.config.freeze_exceptions.includes(origin) || (development && set.config.thaws);
    for (const origin of set.origins) {
      if (!origin.value) continue;
      const dist = config.snapshot_server.dists[origin.origin];
      const pinned = {
        set: set.config.name,
        dir: set.config.dir,
        origin: origin.origin,
        path: origin.path,
        ...(dist === undefined ? {} : { dist }),
      };
      if (origin.value.kind === 'latest') {
        const unexpected = !latestExpected(origin.origin);
        snapshots.push({
          ...pinned,
          serial: 'latest',
          status: 'latest',
          ...(unexpected ? { unexpectedLatest: true } : {}),
        });
        continue;
      }
      const serial = origin.value.serial;
      if (dist === undefined) {
        snapshots.push({ ...pinned, serial, status: 'unchecked' });
        continue;
      }
      // gatherFacts looks up every serial of an origin with a dist; the fallback only guards that contract.
      const expiry = facts.expiries.get(expiryKey(origin.origin, serial)) ?? {
        ok: false as const,
        error: `the expiry of ${origin.origin} ${serial} was not looked up`,
      };
      const status = classifyExpiry(expiry, options.now, options.until);
      snapshots.push(
        expiry.ok
          ? { ...pinned, serial, validUntil: expiry.validUntil, status: status === 'fine' ? 'ok' : status }
          : { ...pinned, serial, status: status === 'missing' ? 'missing' : 'unknown', error: expiry.error },
      );
    }
  }
  return snapshots;
}

const ATTENTION: ReadonlySet<ExpiryStatus> = new Set(['expiring', 'expired', 'missing', 'unknown']);

/** expiring, expired, missing, unknown: what needs a person (or the bump job). */
export function needingAttention(snapshots: readonly PinnedSnapshot[]): PinnedSnapshot[] {
  return snapshots.filter((s) => ATTENTION.has(s.status));
}

/** The snapshot that expires first (validUntil set), or undefined; the first listed of a tie. */
export function nearestExpiry(snapshots: readonly PinnedSnapshot[]): PinnedSnapshot | undefined {
  let nearest: PinnedSnapshot | undefined;
  let nearestAt = Infinity;
  for (const snapshot of snapshots) {
    const at = snapshot.validUntil?.getTime();
    if (at !== undefined && at < nearestAt) {
      nearest = snapshot;
      nearestAt = at;
    }
  }
  return nearest;
}

/** config.expiry.bump_command with {days} filled in. */
export function bumpCommand(config: Config): string {
  return config.expiry.bump_command.replaceAll('{days}', String(config.expiry.bump_days));
}
