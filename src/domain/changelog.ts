import { parseTrailerDate } from './changelog-date.js';
import { printable, type ParseResult } from './serial.js';

/** The top entry of debian/changelog, which names the version being prepared. */
export interface ChangelogEntry {
  package: string;
  version: string;
  /** `UNRELEASED` while the release is being prepared. */
  distribution: string;
}

// Debian policy 4.4: "package (version) distribution(s); urgency=urgency",
// the version as in 5.6.12 (it names freezes, commits and tags, so nothing
// else gets through), no control character in the distributions.
const VERSION = '(?:\\d+:)?\\d[A-Za-z0-9.+~-]*';
const HEADER_RE = new RegExp(`^([a-z0-9][a-z0-9+.-]*) \\((${VERSION})\\) ([^;\\u0000-\\u001f\\u007f]+);`);
const VERSION_RE = new RegExp(`^${VERSION}$`);

/** Whether `text` is a version as a changelog entry may name it (what a freeze may be named after). */
export function isVersion(text: string): boolean {
  return VERSION_RE.test(text);
}

export function parseChangelogTop(text: string): ParseResult<ChangelogEntry> {
  const first = text.split('\n', 50).find((line) => line.trim() !== '');
  if (first === undefined) return { ok: false, error: 'is empty' };
  const m = HEADER_RE.exec(first);
  if (!m)
    return {
      ok: false,
      error: `first line "${printable(first, 80)}" is not a changelog entry header "package (version) distribution; urgency=…"`,
    };
  const [, pkg, version, distribution] = m as unknown as [string, string, string, string];
  return { ok: true, value: { package: pkg, version, distribution: distribution.trim() } };
}

/** Tails' tag for a version: `~` is not allowed in Git tag names. */
export function tagForVersion(version: string): string {
  return version.replaceAll('~', '-');
}

export function isReleased(entry: ChangelogEntry): boolean {
  return entry.distribution !== 'UNRELEASED';
}

/** The line, 1-based, of the top entry's header: the first that is not blank. */
export function changelogTopLine(text: string): number {
  const lines = text.split('\n', 50);
  const index = lines.findIndex((line) => line.trim() !== '');
  return index < 0 ? 1 : index + 1;
}

/**
 * The date of the top entry, from its trailer line ` -- Name <email>  Date`:
 * what `dpkg-parsechangelog --show-field=Date` prints, and so the release's
 * SOURCE_DATE_EPOCH. Only the top entry is read, up to its trailer.
 */
export function parseChangelogDate(text: string): ParseResult<{ date: Date; line: number }> {
  const lines = text.split('\n');
  const top = changelogTopLine(text) - 1;
  for (let i = top + 1; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line.startsWith('-- ')) {
      return {
        ok: false,
        error: `line ${i + 1} "${printable(line, 100)}" is a trailer without its leading space (dpkg-parsechangelog finds no date in it either)`,
      };
    }
    if (/^\S/.test(line)) break;
    if (!line.startsWith(' -- ')) continue;
    const date = parseTrailerDate(line);
    if (!date.ok) return { ok: false, error: `line ${i + 1}: ${date.error}` };
    return { ok: true, value: { date: date.value, line: i + 1 } };
  }
  return { ok: false, error: 'the top entry has no trailer line " -- Name <email>  Date"' };
}
