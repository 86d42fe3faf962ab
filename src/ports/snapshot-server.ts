import type { Serial } from '../domain/serial.js';

/** The time-based snapshot server, read-only. */
export interface SnapshotServer {
  /** The newest serial of an origin, from its trace file. @throws SnapshotServerError */
  latestSerial(origin: string): Promise<Serial>;
  /**
   * When a snapshot expires, from its Release file; null when the Release file
   * has no Valid-Until (tagged snapshots never expire). @throws SnapshotServerError
   */
  validUntil(origin: string, dist: string, serial: Serial): Promise<Date | null>;
}
