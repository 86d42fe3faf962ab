/**
 * `2021-05-20 12:00 UTC`: a date to the minute, in UTC whatever the
 * machine's time zone, as findings, issues and the dashboard show it. In
 * the domain, not the reports, because rules write it in their messages too.
 */
export function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
