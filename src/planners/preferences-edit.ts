import type { FreezeException } from '../domain/apt-preferences.js';

/** A freeze exception that still pins: a priority of 0 or less no longer selects the package. */
export function isActiveFreezeException(exception: FreezeException): boolean {
  return exception.priority > 0 && exception.priorityLine !== undefined;
}

const PRIORITY_LINE_RE = /^([^:\s]+:\s*)(-?\d+)(\s*)$/;

/**
 * Sets `Pin-Priority: -1` on every active exception of `exceptions`, which
 * must have been parsed from `text`. Only the number changes: line endings
 * (CRLF included), a missing final newline, comments, spacing and every
 * other stanza keep their bytes, so the diff a reviewer sees is one line per
 * exception.
 */
export function neutraliseFreezeExceptions(text: string, exceptions: readonly FreezeException[]): string {
  const lines = text.split('\n');
  for (const exception of exceptions) {
    if (!isActiveFreezeException(exception)) continue;
    const index = exception.priorityLine as number;
    const line = lines[index];
    const m = line === undefined ? null : PRIORITY_LINE_RE.exec(line);
    if (!m) {
      throw new Error(
        `line ${index + 1} of the APT preferences is not the Pin-Priority line of the freeze exception "${exception.explanation}"; the exceptions were not parsed from this text`,
      );
    }
    lines[index] = `${m[1]}-1${m[3]}`;
  }
  return lines.join('\n');
}
