import { printable } from '../../domain/serial.js';
import { UsageError } from '../../errors.js';

/** One line of what git feeds pre-receive and post-receive hooks on stdin. */
export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isZeroId(id: string): boolean {
  return /^0+$/.test(id);
}

/** Parses `OLD NEW REF` lines; anything else means we are not run by git as a hook. @throws UsageError */
export function parseRefUpdates(text: string): RefUpdate[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const [old, next, ref, ...rest] = line.trim().split(/\s+/);
      if (
        old === undefined ||
        next === undefined ||
        ref === undefined ||
        rest.length > 0 ||
        !OBJECT_ID.test(old) ||
        !OBJECT_ID.test(next)
      ) {
        throw new UsageError(
          `standard input line ${i + 1} "${printable(line)}" is not "OLD-ID NEW-ID REFNAME" as git gives a receive hook`,
        );
      }
      return { old, new: next, ref };
    });
}

/** Branch updates that leave a commit to judge: tags and deletions are not judged. */
export function branchUpdates(updates: readonly RefUpdate[]): RefUpdate[] {
  return updates.filter((u) => u.ref.startsWith('refs/heads/') && !isZeroId(u.new));
}
