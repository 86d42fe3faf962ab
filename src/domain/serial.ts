/**
 * A serial names one time-based snapshot: `YYYYMMDDNN`, a UTC date and the
 * counter of the snapshots taken that day. A serial file holds a serial or
 * the word `latest`.
 */
export type Serial = string & { readonly __brand: 'Serial' };

export type SerialValue = { kind: 'latest' } | { kind: 'serial'; serial: Serial };

export const LATEST: SerialValue = { kind: 'latest' };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const SERIAL_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})$/;

/**
 * No snapshot of a Debian archive predates Debian (1993): a serial dated
 * earlier is a typo, whatever its calendar says.
 */
export const FIRST_SERIAL_YEAR = 1993;

/** Whether year-month-day is a day of the Gregorian calendar; years 0–99 included, which Date.UTC would read as 1900–1999. */
function isRealDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Validates a bare serial (no `latest`, no whitespace). */
export function parseSerial(text: string): ParseResult<Serial> {
  const m = SERIAL_RE.exec(text);
  if (!m) return { ok: false, error: `"${printable(text)}" is not a serial of the form YYYYMMDDNN` };
  const [, y, mo, d, n] = m as unknown as [string, string, string, string, string];
  const year = Number(y);
  if (!isRealDay(year, Number(mo), Number(d))) {
    return { ok: false, error: `"${text}" has an impossible date ${y}-${mo}-${d}` };
  }
  if (year < FIRST_SERIAL_YEAR) {
    return {
      ok: false,
      error: `"${text}" is dated ${y}-${mo}-${d}, before any snapshot could be taken (Debian began in ${FIRST_SERIAL_YEAR}); a serial is the UTC day of its snapshot, YYYYMMDD, and a counter NN`,
    };
  }
  if (n === '00') return { ok: false, error: `"${text}" has counter 00; the first snapshot of a day is 01` };
  return { ok: true, value: text as Serial };
}

/** What an invisible character is, for a message that must make it visible. */
const INVISIBLE_NAMES: Record<string, string> = {
  '\r': 'a carriage return (\\r, from Windows line ends)',
  '\uFEFF': 'a byte-order mark (U+FEFF)',
  '\u00A0': 'a no-break space (U+00A0)',
  '\u200B': 'a zero-width space (U+200B)',
  '\t': 'a tab',
  '\uFFFD': 'bytes that are not UTF-8 (a UTF-16 byte-order mark, a Latin-1 file)',
};

function describeInvisible(char: string): string {
  return (
    INVISIBLE_NAMES[char] ??
    `the invisible character U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
  );
}

/**
 * Parses the content of a serial file. Lenient where Tails' own scripts are:
 * one trailing newline (or none) is fine. Anything else around the value, or
 * a second line, is an error; so is any invisible character, which those
 * scripts would keep: apt-snapshots-serials tests the line with
 * `grep '^latest$'` and copies it with `cat`, so `latest\r` or a byte-order
 * mark before `latest` would reach the build as a serial.
 */
export function parseSerialFile(content: string): ParseResult<SerialValue> {
  const body = content.endsWith('\n') ? content.slice(0, -1) : content;
  if (body.includes('\n')) {
    const lines = body.split('\n').length;
    return { ok: false, error: `has ${lines} lines; a serial file holds exactly one line` };
  }
  const invisible = /[^\x20-\x7e]/u.exec(body);
  if (invisible) {
    return {
      ok: false,
      error: `"${printable(body)}" contains ${describeInvisible(invisible[0])}, which Tails' scripts would keep as part of the serial`,
    };
  }
  if (body === '') return { ok: false, error: 'is empty; expected `latest` or a serial YYYYMMDDNN' };
  if (body === 'latest') return { ok: true, value: LATEST };
  if (body.trim() !== body) return { ok: false, error: `"${printable(body)}" has surrounding whitespace` };
  const serial = parseSerial(body);
  return serial.ok ? { ok: true, value: { kind: 'serial', serial: serial.value } } : serial;
}

/** Negative when a is older than b; serials order like numbers. */
export function compareSerials(a: Serial, b: Serial): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatSerialValue(value: SerialValue): string {
  return value.kind === 'latest' ? 'latest' : value.serial;
}

/** The UTC day a serial was taken. */
export function serialDate(serial: Serial): Date {
  return new Date(Date.UTC(Number(serial.slice(0, 4)), Number(serial.slice(4, 6)) - 1, Number(serial.slice(6, 8))));
}

/** Invisible or direction-changing characters that JSON.stringify leaves as they are. */
const UNSEEN = /[\u007f-\u00a0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** Shows control and invisible characters of hostile input instead of printing them raw. */
export function printable(text: string, max = 60): string {
  const escaped = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text).slice(1, -1);
  return escaped.replace(UNSEEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
