import type { RepoDeps } from '../../src/app/deps.js';
import { publishCheck } from '../../src/app/judge.js';
import { KeyedLock } from '../../src/app/keyed-lock.js';
import type { CheckLedgerPort, CheckRunsSeen } from '../../src/ports/check-ledger.js';
import type { KnownCheckRuns } from '../../src/ports/forge.js';

const KNOWN: KnownCheckRuns = { sha: 'a'.repeat(40), runs: new Map() };
const KEY = `check tails/tails ${'a'.repeat(40)} APT snapshots`;

function deps(calls: string[], failSecondMark = false): RepoDeps {
  let marks = 0;
  const checkLedger: CheckLedgerPort = {
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
  const forge = {
    ensureCheck: async (_report: unknown, known: KnownCheckRuns | undefined) => {
      calls.push(`ensure with ${known ? 'what was read' : 'a lookup'}`);
      return { id: 7, url: 'https://github.com/tails/tails/runs/7' };
    },
  };
  return { locks: new KeyedLock(), checkLedger, forge, repository: 'tails/tails' } as unknown as RepoDeps;
}

const report = { headSha: 'a'.repeat(40), name: 'APT snapshots' } as Parameters<typeof publishCheck>[1];
const seen: CheckRunsSeen = { known: KNOWN, seenAt: 1 };

describe('publishCheck', () => {
  it('asks the ledger whether the read still holds, and marks the check written before and after writing it', async () => {
    const calls: string[] = [];
    await expect(publishCheck(deps(calls), report, seen)).resolves.toEqual({
      id: 7,
      url: 'https://github.com/tails/tails/runs/7',
    });
    expect(calls).toEqual([`fresh ${KEY}`, `wrote ${KEY}`, 'ensure with what was read', `wrote ${KEY}`]);
  });

  it('has marked the check before writing it when the mark after the write fails', async () => {
    const calls: string[] = [];
    await expect(publishCheck(deps(calls, true), report, seen)).rejects.toThrow('Redis is gone');
    expect(calls.slice(0, 3)).toEqual([`fresh ${KEY}`, `wrote ${KEY}`, 'ensure with what was read']);
  });
});
