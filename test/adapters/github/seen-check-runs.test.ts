import type { KnownCheckRuns } from '../../../src/adapters/github/check-runs-read.js';
import { SeenCheckRuns } from '../../../src/adapters/github/seen-check-runs.js';
import type { CheckLedgerPort } from '../../../src/ports/check-ledger.js';

const SHA = 'a'.repeat(40);
const KNOWN: KnownCheckRuns = { sha: SHA, runs: new Map() };
const KEY = `check tails/tails ${SHA} APT snapshots`;

function ledger(calls: string[], failSecondMark = false): CheckLedgerPort {
  let marks = 0;
  return {
    now: async () => 1,
    fresh: async (key, seen) => {
      calls.push(`fresh ${key}`);
      return seen?.known;
    },
    wrote: async (key) => {
      marks += 1;
      calls.push(`wrote ${key}`);
      if (failSecondMark && marks === 2) throw new Error('Redis is gone');
    },
  };
}

const write = (calls: string[]) => async (known: KnownCheckRuns | undefined) => {
  calls.push(`ensure with ${known ? 'what was read' : 'a lookup'}`);
  return 7;
};

describe('SeenCheckRuns', () => {
  it('asks the ledger whether the read still holds, and marks the check written before and after writing it', async () => {
    const calls: string[] = [];
    const seen = new SeenCheckRuns(ledger(calls));
    seen.record(KNOWN, 1);
    await expect(seen.write(KEY, SHA, write(calls))).resolves.toBe(7);
    expect(calls).toEqual([`fresh ${KEY}`, `wrote ${KEY}`, 'ensure with what was read', `wrote ${KEY}`]);
  });

  it('writes with a lookup when nothing was read about the commit', async () => {
    const calls: string[] = [];
    const seen = new SeenCheckRuns(ledger(calls));
    seen.record(KNOWN, 1);
    await seen.write(KEY.replace(SHA, 'b'.repeat(40)), 'b'.repeat(40), write(calls));
    expect(calls).toContain('ensure with a lookup');
  });

  it('has marked the check before writing it when the mark after the write fails', async () => {
    const calls: string[] = [];
    const seen = new SeenCheckRuns(ledger(calls, true));
    seen.record(KNOWN, 1);
    await expect(seen.write(KEY, SHA, write(calls))).rejects.toThrow('Redis is gone');
    expect(calls.slice(0, 3)).toEqual([`fresh ${KEY}`, `wrote ${KEY}`, 'ensure with what was read']);
  });
});
