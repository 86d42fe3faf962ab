/** Pages of 100 a forge adapter's findIssue reads at most: the bot's issues updated last come first. */
export const FIND_ISSUE_PAGES = 5;
const PER_PAGE = 100;

/** Every body contains the empty string: an empty marker would make any issue of the bot "the" issue. */
export function checkIssueMarker(operation: string, marker: string): void {
  if (marker === '') throw new Error(`${operation}: the marker is empty`);
}

/** Whether `body` carries `marker`, anywhere or (`atStart`) as its very beginning. */
export function carriesMarker(body: string, marker: string, atStart = false): boolean {
  return atStart ? body.startsWith(marker) : body.includes(marker);
}

/**
 * The bot's issue a listing finds: pages of PER_PAGE issues, most recently
 * updated first, read until an open match or their end (at most
 * FIND_ISSUE_PAGES); the open match, else the first (latest updated) closed one.
 */
export async function findInPages<T>(
  readPage: (page: number, perPage: number) => Promise<T[]>,
  matches: (issue: T) => boolean,
  isClosed: (issue: T) => boolean,
): Promise<T | undefined> {
  let closed: T | undefined;
  for (let page = 1; page <= FIND_ISSUE_PAGES; page += 1) {
    const listed = await readPage(page, PER_PAGE);
    for (const issue of listed) {
      if (!matches(issue)) continue;
      if (!isClosed(issue)) return issue;
      closed ??= issue;
    }
    if (listed.length < PER_PAGE) break;
  }
  return closed;
}
