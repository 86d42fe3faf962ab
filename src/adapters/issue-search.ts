/** Pages of 100 a forge adapter's findIssue reads at most: the bot's issues updated last come first. */
export const FIND_ISSUE_PAGES = 5;

/** Every body contains the empty string: an empty marker would make any issue of the bot "the" issue. */
export function checkIssueMarker(operation: string, marker: string): void {
  if (marker === '') throw new Error(`${operation}: the marker is empty`);
}
