import type { Serial } from '../../src/domain/serial.js';
import { SnapshotServerError } from '../../src/errors.js';
import type { SnapshotServer } from '../../src/ports/snapshot-server.js';
import { expiryKey } from '../../src/rules/types.js';

export type FakeCall =
  { method: 'latestSerial'; origin: string } | { method: 'validUntil'; origin: string; dist: string; serial: string };

export interface FakeSnapshotServerOptions {
  /** origin -> newest serial. */
  latest?: Record<string, string>;
  /** `origin/serial` (expiryKey) -> Valid-Until; null for a snapshot that never expires. */
  expiries?: Record<string, Date | null>;
  /** An origin (latestSerial) or an `origin/serial` (validUntil) -> the message of the SnapshotServerError it throws. */
  failures?: Record<string, string>;
  /** Makes every answer wait, so tests can watch concurrency. */
  delayMs?: number;
}

/**
 * An in-memory snapshot server for unit tests: answers from maps, fails on
 * demand, and records every call. An origin or snapshot it was not told
 * about answers like the real server would: an HTTP 404 error.
 */
export class FakeSnapshotServer implements SnapshotServer {
  readonly calls: FakeCall[] = [];
  readonly latest: Map<string, string>;
  readonly expiries: Map<string, Date | null>;
  readonly failures: Map<string, string>;
  /** The most calls that were ever in flight at once. */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly delayMs: number;

  constructor(options: FakeSnapshotServerOptions = {}) {
    this.latest = new Map(Object.entries(options.latest ?? {}));
    this.expiries = new Map(Object.entries(options.expiries ?? {}));
    this.failures = new Map(Object.entries(options.failures ?? {}));
    this.delayMs = options.delayMs ?? 0;
  }

  /** Makes lookups of `key` (an origin, or `origin/serial`) fail from now on. */
  fail(key: string, message: string): this {
    this.failures.set(key, message);
    return this;
  }

  async latestSerial(origin: string): Promise<Serial> {
    this.calls.push({ method: 'latestSerial', origin });
    const url = `fake://snapshots/${origin}/project/trace/${origin}`;
    return this.answer(origin, url, () => this.latest.get(origin) as Serial | undefined);
  }

  async validUntil(origin: string, dist: string, serial: Serial): Promise<Date | null> {
    this.calls.push({ method: 'validUntil', origin, dist, serial });
    const url = `fake://snapshots/${origin}/dists/${dist}/snapshots/${serial}/Release`;
    const key = expiryKey(origin, serial);
    return this.answer(key, url, () => this.expiries.get(key));
  }

  private async answer<T>(key: string, url: string, lookup: () => T | undefined): Promise<T> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const failure = this.failures.get(key);
      if (failure !== undefined) throw new SnapshotServerError(`${url}: ${failure}`, url);
      const value = lookup();
      if (value === undefined) throw new SnapshotServerError(`${url}: HTTP 404 Not Found`, url, { status: 404 });
      return value;
    } finally {
      this.inFlight -= 1;
    }
  }
}
