import { parseSerial, printable, type ParseResult, type Serial } from './serial.js';

const KEY = 'Archive serial:';

/**
 * Reads the newest serial from a Debian mirror trace file, as published at
 * `<server>/<origin>/project/trace/<origin>`. Only the `Archive serial:`
 * line counts; ftpsync writes dates, host names and versions around it that
 * vary from mirror to mirror. The same serial repeated is harmless, two
 * different ones mean we cannot tell which is newest on purpose.
 */
export function parseTraceFile(text: string, url: string): ParseResult<Serial> {
  const values = text
    .split(/\r?\n/)
    .filter((line) => line.startsWith(KEY))
    .map((line) => line.slice(KEY.length).trim());
  const distinct = [...new Set(values)];
  if (distinct.length === 0) return { ok: false, error: `${url}: the trace file has no "${KEY}" line` };
  if (distinct.length > 1) {
    return {
      ok: false,
      error: `${url}: the trace file has ${distinct.length} different "${KEY}" lines (${distinct.map((v) => `"${printable(v)}"`).join(', ')})`,
    };
  }
  const serial = parseSerial(distinct[0] as string);
  return serial.ok
    ? serial
    : { ok: false, error: `${url}: the trace file's "${KEY}" line is invalid: ${serial.error}` };
}
