import { MemoryRunOnce } from '../../src/app/run-once-memory.js';

describe('MemoryRunOnce', () => {
  let time: number;
  let once: MemoryRunOnce;

  beforeEach(() => {
    time = 1_000;
    once = new MemoryRunOnce(() => time);
  });

  it('gives a key to the first claim only, until its period ends', async () => {
    expect(await once.claim('expiry watch', 100)).toBe(true);
    expect(await once.claim('expiry watch', 100)).toBe(false);
    time += 99;
    expect(await once.claim('expiry watch', 100)).toBe(false);
    time += 1;
    expect(await once.claim('expiry watch', 100)).toBe(true);
  });

  it('keeps a claim for its own period, not that of a later claim of the key', async () => {
    expect(await once.claim('k', 100)).toBe(true);
    time += 50;
    expect(await once.claim('k', 1_000)).toBe(false);
    time += 50;

    expect(await once.claim('k', 1_000)).toBe(true);
  });

  it('gives different keys alongside', async () => {
    expect(await once.claim('bump deb.tails.boum.org 2021051301', 100)).toBe(true);
    expect(await once.claim('bump torproject 2021051301', 100)).toBe(true);
  });

  it('forgets ended claims, so new keys do not grow the map without bound', async () => {
    for (let i = 0; i < 50; i += 1) expect(await once.claim(`period ${i}`, 10)).toBe(true);
    expect(once.size).toBe(50);
    time += 10;

    expect(await once.claim('next period', 10)).toBe(true);
    expect(once.size).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a period of %p ms, naming the key, and claims nothing',
    async (ttlMs) => {
      await expect(once.claim('expiry watch', ttlMs)).rejects.toThrow(
        new RangeError(
          `the claim "expiry watch" needs ttlMs to be a whole number of milliseconds above 0, not ${ttlMs}`,
        ),
      );
      expect(await once.claim('expiry watch', 100)).toBe(true);
    },
  );
});
