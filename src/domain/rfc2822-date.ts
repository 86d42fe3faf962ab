import { printable, type ParseResult } from './serial.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const DATE_RE =
  /^(?:([A-Z][a-z]{2}), )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (UTC|GMT|Z|[+-]\d{4})$/;

/**
 * Parses a date as APT writes it in Release files and as HTTP writes it in
 * headers: `Sat, 22 May 2021 13:43:45 UTC` (RFC 2822 / RFC 7231
 * IMF-fixdate), the weekday optional, the zone `UTC`, `GMT`, `Z` or a
 * numeric offset. Strict on purpose: Date.parse accepts garbage such as
 * `May 2021` or `32 May` rolled over into June, and an expiry read wrong is
 * a snapshot that silently disappears.
 */
export function parseRfc2822Date(text: string): ParseResult<Date> {
  const m = DATE_RE.exec(text);
  const bad = (why: string): ParseResult<Date> => ({ ok: false, error: `"${printable(text)}" ${why}` });
  if (!m) return bad('is not a date like "Sat, 22 May 2021 13:43:45 UTC"');
  const [, weekday, dayText, monthName, yearText, hh, mm, ss, zone] = m as unknown as [
    string,
    string | undefined,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const month = MONTHS.indexOf(monthName);
  if (month < 0) return bad(`has an unknown month "${monthName}"`);
  const year = Number(yearText);
  // Date.UTC maps years below 100 to the 1900s; no Release file predates Unix time.
  if (year < 1970) return bad(`has an implausible year ${yearText}`);
  const day = Number(dayText);
  const [hours, minutes, seconds] = [Number(hh), Number(mm), Number(ss)];
  const calendar = new Date(Date.UTC(year, month, day));
  if (calendar.getUTCMonth() !== month || calendar.getUTCDate() !== day)
    return bad(`has an impossible date: day ${day} of ${monthName} ${year}`);
  if (hours > 23 || minutes > 59 || seconds > 59) return bad(`has an impossible time ${hh}:${mm}:${ss}`);
  if (weekday !== undefined) {
    if (!WEEKDAYS.includes(weekday)) return bad(`has an unknown weekday "${weekday}"`);
    const actual = WEEKDAYS[calendar.getUTCDay()];
    if (weekday !== actual) return bad(`says ${weekday} but ${day} ${monthName} ${year} is a ${actual}`);
  }
  let offsetMinutes = 0;
  if (zone.startsWith('+') || zone.startsWith('-')) {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(3, 5));
    if (zh > 23 || zm > 59) return bad(`has an impossible time zone offset "${zone}"`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zh * 60 + zm);
  }
  const local = Date.UTC(year, month, day, hours, minutes, seconds);
  return { ok: true, value: new Date(local - offsetMinutes * 60_000) };
}
