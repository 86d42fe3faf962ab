import { constants } from 'node:fs';
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSerialValue, parseSerialFile, printable, type SerialValue } from '../../domain/serial.js';
import { LIMITS, PLACEHOLDER } from '../../domain/state.js';
import { errorMessage } from '../../errors.js';

/** The set the drop-in works on, relative to the current directory as in Tails' script. */
export const WORKING_SET_DIR = 'config/APT_snapshots.d';

/** A serial file in the working tree that cannot be used, or a set that is not there. */
export class WorkingSetError extends Error {
  override name = 'WorkingSetError';
}

export interface WorkingOrigin {
  origin: string;
  /** The serial file, absolute. */
  file: string;
  /** The serial file as the user knows it, relative to the current directory. */
  path: string;
  value: SerialValue;
}

/**
 * Reads a snapshot set from the working tree (not from Git objects: this is
 * what a build uses). Every subdirectory is an origin whose `serial` must be
 * a regular text file holding `latest` or a serial; anything else is an
 * error naming the file, never skipped.
 * @param dir absolute directory of the set; `shown` is how to name it in messages
 */
export async function readWorkingSet(dir: string, shown: string): Promise<WorkingOrigin[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new WorkingSetError(`there is no snapshot set ${shown} (${dir}): run this in a Tails checkout`);
    throw new WorkingSetError(
      `cannot read the snapshot set ${shown}: ${(error as Error).message ?? errorMessage(error)}`,
    );
  }
  const linked = entries.find((e) => e.isSymbolicLink());
  if (linked) throw new WorkingSetError(`${shown}/${linked.name} is a symbolic link, not an origin directory`);
  const names = entries
    .filter((e) => e.isDirectory() && e.name !== PLACEHOLDER)
    .map((e) => e.name)
    .sort();
  const read = await Promise.allSettled(names.map((origin) => readOrigin(dir, shown, origin)));
  // Every bad file is named, in path order, so that one run shows all there is to fix.
  const problems = read.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (problems.length > 0) {
    const unexpected = problems.find((p) => !(p instanceof WorkingSetError));
    if (unexpected !== undefined) throw unexpected;
    throw new WorkingSetError(problems.map((p) => p.message).join('\n'));
  }
  return read.map((r) => (r as PromiseFulfilledResult<WorkingOrigin>).value);
}

/**
 * readWorkingSet for a set at `relative` under `cwd`, the checkout, refusing
 * a symbolic link on the way there: freeze and thaw write into the set, and a
 * checked-out branch must not send those writes outside the checkout.
 */
export async function readSetInCheckout(cwd: string, relative: string): Promise<WorkingOrigin[]> {
  const parts = relative.split('/');
  for (let i = 1; i <= parts.length; i += 1) {
    const shown = parts.slice(0, i).join('/');
    if ((await lstat(join(cwd, shown)).catch(() => undefined))?.isSymbolicLink()) {
      throw new WorkingSetError(`${shown} is a symbolic link; refusing to follow it out of the checkout`);
    }
  }
  return readWorkingSet(join(cwd, relative), relative);
}

async function readOrigin(dir: string, shown: string, origin: string): Promise<WorkingOrigin> {
  const file = join(dir, origin, 'serial');
  const path = `${shown}/${origin}/serial`;
  const info = await lstat(file).catch(() => undefined);
  if (!info) throw new WorkingSetError(`${path} is missing`);
  if (!info.isFile())
    throw new WorkingSetError(`${path} is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}`);
  if (info.size > LIMITS.serialBytes)
    throw new WorkingSetError(`${path} is ${info.size} bytes, far too large for a serial file`);
  const parsed = parseSerialFile(await readFile(file, 'utf8'));
  if (!parsed.ok) throw new WorkingSetError(`${path} ${parsed.error}`);
  return { origin, file, path, value: parsed.value };
}

/** Keeps the origins named on the command line, in the set's order; all when none is named. */
export function selectOrigins(set: readonly WorkingOrigin[], names: readonly string[], shown: string): WorkingOrigin[] {
  if (names.length === 0) return [...set];
  const unknown = names.filter((name) => !set.some((o) => o.origin === name));
  if (unknown.length > 0) {
    throw new WorkingSetError(
      `no origin ${unknown.map((n) => `"${printable(n)}"`).join(', ')} in ${shown}; its origins are ${set.map((o) => o.origin).join(', ') || '(none)'}`,
    );
  }
  return set.filter((o) => names.includes(o.origin));
}

/** Open flags that replace a file's content but fail (ELOOP) on a symbolic link instead of writing through it. */
export const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/**
 * Writes `content` to `file` (named `shown` in messages), never through a
 * symbolic link, even one that appeared after the file was read.
 * @throws WorkingSetError naming the file
 */
export async function writeNoFollow(file: string, shown: string, content: string): Promise<void> {
  try {
    await writeFile(file, content, { flag: WRITE_NO_FOLLOW });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new WorkingSetError(`${shown} is a symbolic link; refusing to write through it`);
    throw new WorkingSetError(`cannot write ${shown}: ${(error as Error).message ?? errorMessage(error)}`);
  }
}

export function writeSerial(origin: WorkingOrigin, value: SerialValue): Promise<void> {
  return writeNoFollow(origin.file, origin.path, `${formatSerialValue(value)}\n`);
}
