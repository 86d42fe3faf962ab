import type { Route } from '../../helpers/http-server.js';

/** The trace file the server publishes for an origin's newest serial, with the noise real ones carry. */
export function traceRoute(origin: string, serial: string): [string, Route] {
  return [
    `/${origin}/project/trace/${origin}`,
    { body: `Date: Thu, 13 May 2021 08:12:01 +0000\nArchive serial: ${serial}\nCreator: ftpsync 20180513\n` },
  ];
}

/** A snapshot's Release file; `validUntil` null leaves the field out (a tagged snapshot). */
export function releaseRoute(origin: string, dist: string, serial: string, validUntil: string | null): [string, Route] {
  const fields = [`Origin: Debian`, `Suite: ${dist}`, ...(validUntil === null ? [] : [`Valid-Until: ${validUntil}`])];
  return [`/${origin}/dists/${dist}/snapshots/${serial}/Release`, { body: `${fields.join('\n')}\n` }];
}
