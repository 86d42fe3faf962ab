import { printable, type ParseResult } from './serial.js';

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

// dpkg's $regex_trailer (Dpkg::Changelog::Entry::Debian), with the same ASCII
// classes (its /a flag): one or two spaces before the date, an optional
// "Word," before it, a one- or two-digit day and hour, a numeric zone only.
const SPACE = '[\\t\\n\\f\\r\\v ]';
const DATE = `(?:(\\w+),${SPACE}*)?(\\d{1,2})${SPACE}+(\\w+)${SPACE}+(\\d{4})${SPACE}+(\\d{1,2}):(\\d\\d):(\\d\\d)${SPACE}+([-+])(\\d\\d)(\\d\\d)`;
const TRAILER_RE = new RegExp(`^ -- (.*) <(.*)>( ?) (${DATE})${SPACE}*$`);

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** date(1)'s words for a month or a weekday: the full name, its first three letters, or one of its extras; any case. */
function nameIndex(names: readonly string[], extras: Record<string, number>, word: string): number {
  const lower = word.toLowerCase();
  return extras[lower] ?? names.findIndex((name) => lower === name || lower === name.slice(0, 3));
}

/**
 * The date of a trailer line, as Tails computes SOURCE_DATE_EPOCH:
 * `date --date="$(dpkg-parsechangelog --show-field=Date)" +%s`. dpkg finds
 * the date with its trailer pattern and prints it as written; date(1)
 * ignores the weekday when a date is given (but refuses one it does not
 * know), and reads names whole or abbreviated, in any case. A line that pattern does not match gives dpkg
 * no date, which date(1) would read as today: an error here.
 */
export function parseTrailerDate(line: string): ParseResult<Date> {
  const m = TRAILER_RE.exec(line);
  if (!m)
    return {
      ok: false,
      error: `"${printable(line, 100)}" is not a trailer " -- Name <email>  Day, DD Mon YYYY HH:MM:SS +ZZZZ" (dpkg-parsechangelog finds no date in it; a zone must be numeric)`,
    };
  const [, , , , text, weekday, dayText, monthWord, yearText, hh, mm, ss, sign, zh, zm] = m as unknown as string[];
  const bad = (why: string): ParseResult<Date> => ({ ok: false, error: `the date "${printable(text ?? '')}" ${why}` });
  // date(1) refuses a word it does not know, and ignores the weekday it knows when a date is given.
  if (weekday !== undefined && nameIndex(WEEKDAYS, { tues: 2, wednes: 3, thur: 4, thurs: 4 }, weekday) < 0)
    return bad(`has an unknown weekday "${printable(weekday)}"`);
  const month = nameIndex(MONTHS, { sept: 8 }, monthWord ?? '');
  if (month < 0) return bad(`has an unknown month "${printable(monthWord ?? '')}"`);
  const [year, day, hours, minutes, seconds] = [yearText, dayText, hh, mm, ss].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  // Date.UTC maps years below 100 to the 1900s, and SOURCE_DATE_EPOCH cannot be negative.
  if (year < 1970) return bad(`has a year before 1970, ${yearText ?? ''}: SOURCE_DATE_EPOCH would be negative`);
  const calendar = new Date(Date.UTC(year, month, day));
  if (calendar.getUTCMonth() !== month || calendar.getUTCDate() !== day)
    return bad(`has an impossible date: day ${day} of month ${month + 1} of ${year}`);
  if (hours > 23 || minutes > 59 || seconds > 59) return bad(`has an impossible time ${hh}:${mm}:${ss}`);
  const [offsetHours, offsetMinutes] = [Number(zh), Number(zm)];
  if (offsetHours > 24 || offsetMinutes > 59) return bad(`has an impossible time zone offset ${sign}${zh}${zm}`);
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return { ok: true, value: new Date(Date.UTC(year, month, day, hours, minutes, seconds) - offset * 60_000) };
}
