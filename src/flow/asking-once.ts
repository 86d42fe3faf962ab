import type { SnapshotServer } from '../ports/snapshot-server.js';

/**
 * Each question asked of the server once while the returned server is in
 * use (a dashboard, a refresh): a tip's verdict and its expiry list ask the
 * same ones, and branches share snapshots. A failure is kept too: the
 * client already retried it.
 */
export function askingOnce(server: SnapshotServer): SnapshotServer {
  const answers = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    let answer = answers.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = ask();
      // Callers may drop a failure they do not need (newestSerials stops at the first): never unhandled.
      answer.catch(() => undefined);
      answers.set(key, answer);
    }
    return answer;
  };
  return {
    latestSerial: (origin) => once(`latest\0${origin}`, () => server.latestSerial(origin)),
    validUntil: (origin, dist, serial) =>
      once(`valid\0${origin}\0${dist}\0${serial}`, () => server.validUntil(origin, dist, serial)),
  };
}
