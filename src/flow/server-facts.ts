import type { Config } from '../config/schema.js';
import type { Serial } from '../domain/serial.js';
import type { RefState } from '../domain/state.js';
import { errorMessage, SnapshotServerError } from '../errors.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import { expiryKey, type Expiry, type ServerFacts } from '../rules/types.js';

/** Enough to overlap the round trips without hammering the server. */
export const DEFAULT_CONCURRENCY = 4;

/** Runs `task` over `items`, at most `limit` at a time; results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every origin named in any snapshot set of the state, sorted, once each. */
export function originsOf(state: RefState): string[] {
  return [...new Set(state.sets.flatMap((set) => set.origins.map((o) => o.origin)))].sort();
}

/**
 * Looks up when each pinned snapshot expires: every distinct (origin, serial)
 * of every set whose origin has a dist in the configuration. A failed lookup
 * is recorded, not thrown, so the expiry rule can report it on the file it
 * concerns while every other rule still judges.
 */
export async function gatherFacts(
  state: RefState,
  config: Config,
  server: SnapshotServer,
  options: { concurrency?: number } = {},
): Promise<ServerFacts> {
  const dists = config.snapshot_server.dists;
  const wanted = new Map<string, { origin: string; dist: string; serial: Serial }>();
  for (const set of state.sets) {
    for (const origin of set.origins) {
      const dist = dists[origin.origin];
      if (dist === undefined || origin.value?.kind !== 'serial') continue;
      wanted.set(expiryKey(origin.origin, origin.value.serial), {
        origin: origin.origin,
        dist,
        serial: origin.value.serial,
      });
    }
  }
  const lookups = [...wanted];
  const expiries = await mapBounded(
    lookups,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async ([, { origin, dist, serial }]): Promise<Expiry> => {
      try {
        return { ok: true, validUntil: await server.validUntil(origin, dist, serial) };
      } catch (error) {
        const missing = error instanceof SnapshotServerError && (error.status === 404 || error.status === 410);
        return missing ? { ok: false, missing, error: errorMessage(error) } : { ok: false, error: errorMessage(error) };
      }
    },
  );
  return { expiries: new Map(lookups.map(([key], i) => [key, expiries[i] as Expiry])) };
}

/**
 * The newest serial of each origin. Freezing or bumping with some origins
 * unknown would be a half-done plan, so any failure throws; when several
 * origins fail, one error lists them all.
 * @throws SnapshotServerError
 */
export async function newestSerials(
  server: SnapshotServer,
  origins: Iterable<string>,
  options: { concurrency?: number } = {},
): Promise<Map<string, Serial>> {
  const names = [...new Set(origins)];
  const results = await mapBounded(names, options.concurrency ?? DEFAULT_CONCURRENCY, async (origin) => {
    try {
      return { ok: true as const, serial: await server.latestSerial(origin) };
    } catch (error) {
      return { ok: false as const, error };
    }
  });
  const failures = results.flatMap((r) => (r.ok ? [] : [r.error]));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const first = failures[0];
    const url = first instanceof SnapshotServerError ? first.url : '';
    throw new SnapshotServerError(
      `cannot find the newest serial of ${failures.length} origins:\n${failures.map((e) => `- ${errorMessage(e)}`).join('\n')}`,
      url,
      { cause: first },
    );
  }
  return new Map(names.map((origin, i) => [origin, (results[i] as { serial: Serial }).serial]));
}
