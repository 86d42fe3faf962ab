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

/** Validates a bare serial (no `latest`, no whitespace). */
export function parseSerial(text: string): ParseResult<Serial> {
  const m = SERIAL_RE.exec(text);
  if (!m) return { ok: false, error: `"${printable(text)}" is not a serial of the form YYYYMMDDNN` };
  const [, y, mo, d, n] = m as unknown as [string, string, string, string, string];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    month < 1 ||
    month > 12 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return { ok: false, error: `"${text}" has an impossible date ${y}-${mo}-${d}` };
  }
  if (n === '00') return { ok: false, error: `"${text}" has counter 00; the first snapshot of a day is 01` };
  return { ok: true, value: text as Serial };
}

/**
 * Parses the content of a serial file. Lenient where Tails' own scripts are:
 * one trailing newline (or none) is fine. Anything else around the value, or
 * a second line, is an error.
 */
export function parseSerialFile(content: string): ParseResult<SerialValue> {
  const body = content.endsWith('\r\n')
    ? content.slice(0, -2)
    : content.endsWith('\n')
      ? content.slice(0, -1)
      : content;
  if (body.includes('\n')) {
    const lines = body.split('\n').length;
    return { ok: false, error: `has ${lines} lines; a serial file holds exactly one line` };
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

/** Shows control characters of hostile input instead of printing them raw. */
export function printable(text: string, max = 60): string {
  const escaped = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text).slice(1, -1);
  return escaped;
}
