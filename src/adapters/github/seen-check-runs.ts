import type { CheckLedgerPort, CheckRunsSeen } from '../../ports/check-ledger.js';
import type { KnownCheckRuns } from './check-runs-read.js';

/**
 * The check runs a webhook's reads brought back with the judged commits,
 * each stamped with when its read began. The webhook's GitHubSource
 * records them; its GitHubForge writes a check with them, sparing the
 * lookup, while the ledger says nothing was written to that check since.
 * Writes of one check must not overlap (judge.ts's publishCheck holds a
 * lock per commit and name), or two could both trust the same read.
 */
export class SeenCheckRuns {
  private readonly seen = new Map<string, CheckRunsSeen<KnownCheckRuns>>();

  constructor(readonly ledger: CheckLedgerPort) {}

  record(known: KnownCheckRuns, seenAt: number): void {
    this.seen.set(known.sha, { known, seenAt });
  }

  /**
   * Writes check `key` on commit `sha` with what was read about the
   * commit's runs, unless the ledger says it no longer holds (then
   * `write` gets undefined and looks them up).
   */
  async write<T>(key: string, sha: string, write: (known: KnownCheckRuns | undefined) => Promise<T>): Promise<T> {
    const known = await this.ledger.fresh(key, this.seen.get(sha));
    // Marked before the write too: should the mark after it fail (Redis gone a moment), reads older than
    // the write are still distrusted, but for the instant the write took.
    await this.ledger.wrote(key);
    try {
      return await write(known);
    } finally {
      await this.ledger.wrote(key);
    }
  }
}
