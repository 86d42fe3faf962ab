import { CheckLedger } from '../../../src/adapters/github/check-ledger.js';
import type { KnownCheckRuns } from '../../../src/adapters/github/check-runs-read.js';
import type { CheckRunsSeen } from '../../../src/ports/check-ledger.js';

const KNOWN: KnownCheckRuns = { sha: 'a'.repeat(40), runs: new Map() };

describe('CheckLedger', () => {
  it('trusts what was read when nothing was written since', async () => {
    const ledger = new CheckLedger();
    await ledger.wrote('check A');
    const seen: CheckRunsSeen = { known: KNOWN, seenAt: await ledger.now() };
    expect(await ledger.fresh('check A', seen)).toBe(KNOWN);
    expect(await ledger.fresh('check B', seen)).toBe(KNOWN);
  });

  it('drops what was read before a write of the same check, and only of that check', async () => {
    const ledger = new CheckLedger();
    const seen: CheckRunsSeen = { known: KNOWN, seenAt: await ledger.now() };
    await ledger.wrote('check A');
    expect(await ledger.fresh('check A', seen)).toBeUndefined();
    expect(await ledger.fresh('check B', seen)).toBe(KNOWN);
  });

  it('knows nothing when nothing was read', async () => {
    expect(await new CheckLedger().fresh('check A', undefined)).toBeUndefined();
  });

  it('remembers a bounded number of writes, and trusts nothing read before the ones it forgot', async () => {
    const ledger = new CheckLedger(2);
    const early: CheckRunsSeen = { known: KNOWN, seenAt: await ledger.now() };
    await ledger.wrote('check A');
    const middle: CheckRunsSeen = { known: KNOWN, seenAt: await ledger.now() };
    await ledger.wrote('check B');
    await ledger.wrote('check C');
    const late: CheckRunsSeen = { known: KNOWN, seenAt: await ledger.now() };
    // A was forgotten: a read before it might predate it, one after it cannot.
    expect(await ledger.fresh('check A', early)).toBeUndefined();
    expect(await ledger.fresh('check A', middle)).toBe(KNOWN);
    expect(await ledger.fresh('check B', middle)).toBeUndefined();
    expect(await ledger.fresh('check C', late)).toBe(KNOWN);
    expect(await ledger.fresh('check D', early)).toBeUndefined();
  });

  it('a check written again moves to the end, so it is the last forgotten', async () => {
    const ledger = new CheckLedger(2);
    await ledger.wrote('check A');
    await ledger.wrote('check B');
    const between: CheckRunsSeen = { known: KNOWN, seenAt: await ledger.now() };
    await ledger.wrote('check A');
    await ledger.wrote('check C');
    // B went, not A: a read before A's second write stays untrusted for A.
    expect(await ledger.fresh('check A', between)).toBeUndefined();
    expect(await ledger.fresh('check B', between)).toBe(KNOWN);
  });
});
