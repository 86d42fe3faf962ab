import type { HttpSnapshotServer } from '../adapters/snapshot-server/http-snapshot-server.js';
import type { Serial } from '../domain/serial.js';
import { SnapshotServerError } from '../errors.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import type { ServerSource } from './args.js';
import type { StatusLine } from './progress.js';

/**
 * The snapshot server as the command line asks it: every lookup is shown on
 * the status line while it lasts ("asking the snapshot server URL: 3 of 7
 * answered"), and a failure's hint says where the URL came from, so that a
 * mistyped $APT_SNAPSHOTS_SERVER is found where it was set.
 */
export class WatchedServer implements SnapshotServer {
  private asked = 0;
  private answered = 0;
  /** Every lookup that failed, with the adapter's hint, in the order they failed. */
  readonly failures: SnapshotServerError[] = [];

  constructor(
    private readonly http: HttpSnapshotServer,
    /** Where the URL came from: --snapshot-server, APT_SNAPSHOTS_SERVER, the default. */
    readonly source: ServerSource,
    private readonly status: StatusLine,
  ) {}

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  latestSerial(origin: string): Promise<Serial> {
    return this.watch(() => this.http.latestSerial(origin));
  }

  validUntil(origin: string, dist: string, serial: Serial): Promise<Date | null> {
    return this.watch(() => this.http.validUntil(origin, dist, serial));
  }

  private async watch<T>(lookup: () => Promise<T>): Promise<T> {
    this.asked += 1;
    this.report();
    try {
      return await lookup();
    } catch (error) {
      if (error instanceof SnapshotServerError) this.failures.push(error);
      throw this.sourced(error);
    } finally {
      this.answered += 1;
      if (this.answered === this.asked) this.status.clear();
      else this.report();
    }
  }

  private report(): void {
    this.status.show(`asking the snapshot server ${this.baseUrl}: ${this.answered} of ${this.asked} answered`);
  }

  /** The hints of the failures whose messages are among `messages`, once each. */
  hintsFor(messages: readonly string[]): string[] {
    const hints = this.failures.filter((f) => messages.includes(f.message)).map((f) => f.hint);
    return [...new Set(hints.filter((h) => h !== undefined))];
  }

  private sourced(error: unknown): unknown {
    if (!(error instanceof SnapshotServerError) || error.hint === undefined) return error;
    return new SnapshotServerError(error.message, error.url, {
      cause: error.cause,
      status: error.status,
      hint: `${error.hint} (the snapshot server's URL, ${this.baseUrl}, comes from ${this.source})`,
    });
  }
}
