import { cp, lstat, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSerial, printable, type Serial } from '../../domain/serial.js';
import { UsageError } from '../../errors.js';
import { errorMessage } from '../../errors.js';
import { WorkingSetError, writeNoFollow, type WorkingOrigin } from './working-set.js';

export const PREPARED_SET_DIR = 'tmp/APT_snapshots.d';
export const CACHED_SERIALS_FILE = 'tmp/cached_APT_snapshots_serials';

/**
 * The JSON argument of prepare-build: origin -> serial, the serials a build
 * is to reuse. `latest` makes no sense there: the point is to pin.
 * @throws UsageError naming the origin and the value
 */
export function parseSerialsJson(text: string): Map<string, Serial> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the serials argument is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError('the serials argument must be a JSON object mapping each origin to a serial');
  const serials = new Map<string, Serial>();
  for (const [origin, serial] of Object.entries(value)) {
    if (serial === 'latest')
      throw new UsageError(
        `the serials argument gives "latest" for origin ${origin}: it must give a serial YYYYMMDDNN`,
      );
    if (typeof serial !== 'string')
      throw new UsageError(
        `the serials argument gives ${JSON.stringify(serial)} for origin ${origin}: it must give a serial YYYYMMDDNN`,
      );
    const parsed = parseSerial(serial);
    if (!parsed.ok) throw new UsageError(`the serials argument for origin ${origin}: ${parsed.error}`);
    serials.set(origin, parsed.value);
  }
  return serials;
}

/** The origins whose `latest` nobody gave a serial for: those the server must answer. */
export function originsToLookUp(set: readonly WorkingOrigin[], given: ReadonlyMap<string, Serial>): string[] {
  return set.filter((o) => o.value.kind === 'latest' && !given.has(o.origin)).map((o) => o.origin);
}

/**
 * Every origin's serial for the build, as Tails' script resolves them: a
 * pinned serial stays whatever the JSON says (the JSON is only for the
 * origins at `latest`), `latest` becomes the given serial or else the
 * newest. What the JSON says that is not used (a serial other than the
 * pinned one, an origin the set does not have) is returned as warnings: a
 * drop-in must build what the script would, and say where it differs from
 * what was asked.
 * @throws WorkingSetError when a `latest` has no serial at all
 */
export function resolveBuildSerials(
  set: readonly WorkingOrigin[],
  given: ReadonlyMap<string, Serial>,
  newest: ReadonlyMap<string, Serial>,
): { serials: Map<string, Serial>; warnings: string[] } {
  const warnings = [...given.keys()]
    .filter((origin) => !set.some((o) => o.origin === origin))
    .map(
      (origin) =>
        `the serials argument names "${printable(origin)}", not an origin of the set (${set.map((o) => o.origin).join(', ')}); ignored`,
    );
  const serials = new Map<string, Serial>();
  for (const origin of set) {
    const wanted = given.get(origin.origin);
    if (origin.value.kind === 'serial') {
      if (wanted !== undefined && wanted !== origin.value.serial) {
        warnings.push(
          `origin ${origin.origin}: ${origin.path} pins ${origin.value.serial}, the serials argument gives ${wanted}; the pinned serial is used`,
        );
      }
      serials.set(origin.origin, origin.value.serial);
      continue;
    }
    const serial = wanted ?? newest.get(origin.origin);
    if (serial === undefined)
      throw new WorkingSetError(`no serial for origin ${origin.origin}, which is latest in ${origin.path}`);
    serials.set(origin.origin, serial);
  }
  return { serials, warnings };
}

export function cachedSerialsText(resolved: ReadonlyMap<string, Serial>): string {
  return [...resolved].map(([origin, serial]) => `${origin}: ${serial}\n`).join('');
}

/**
 * Replaces tmp/APT_snapshots.d with a copy of the set whose serials are all
 * resolved; config/ is untouched. Refuses, before writing anything, when tmp
 * or the cached serials file is a symbolic link, which a checked-out branch
 * could point anywhere.
 * @throws WorkingSetError naming the path
 */
export async function writePreparedSet(
  cwd: string,
  setDir: string,
  resolved: ReadonlyMap<string, Serial>,
): Promise<void> {
  for (const path of ['tmp', CACHED_SERIALS_FILE]) {
    if ((await lstat(join(cwd, path)).catch(() => undefined))?.isSymbolicLink())
      throw new WorkingSetError(`${path} is a symbolic link; refusing to write through it`);
  }
  const target = join(cwd, PREPARED_SET_DIR);
  try {
    await rm(target, { recursive: true, force: true });
    await mkdir(join(cwd, 'tmp'), { recursive: true });
    await cp(setDir, target, { recursive: true });
  } catch (error) {
    throw new WorkingSetError(
      `cannot copy the set to ${PREPARED_SET_DIR}: ${(error as Error).message ?? errorMessage(error)}`,
    );
  }
  for (const [origin, serial] of resolved)
    await writeNoFollow(join(target, origin, 'serial'), `${PREPARED_SET_DIR}/${origin}/serial`, `${serial}\n`);
  await writeNoFollow(join(cwd, CACHED_SERIALS_FILE), CACHED_SERIALS_FILE, cachedSerialsText(resolved));
}
