/**
 * The hint for a lookup the snapshot server gave no usable answer to: an
 * answer that is no Release file (a login page, a wrong path) will not
 * change by waiting, unlike an outage.
 */
export function unansweredHint(error: string, again: string): string {
  return /this is not a Release file/.test(error)
    ? 'The server answered with something that is not a Release file: check the snapshot server URL (--snapshot-server, $APT_SNAPSHOTS_SERVER, snapshot_server.url) and snapshot_server.dists.'
    : again;
}
