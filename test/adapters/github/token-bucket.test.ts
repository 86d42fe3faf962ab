import { TokenBucket } from '../../../src/adapters/github/token-bucket.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** Takes from the bucket `n` times at once; returns the order in which they were let through. */
function takeAll(bucket: TokenBucket, n: number): { done: number[]; all: Promise<void[]> } {
  const done: number[] = [];
  const all = Promise.all(Array.from({ length: n }, (_, i) => bucket.take().then(() => void done.push(i))));
  return { done, all };
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then one per interval, in order', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(3, 1000, clock);
    const { done, all } = takeAll(bucket, 5);

    await clock.advance(0);
    expect(done).toEqual([0, 1, 2]);
    await clock.advance(999);
    expect(done).toEqual([0, 1, 2]);
    await clock.advance(1);
    expect(done).toEqual([0, 1, 2, 3]);
    await clock.advance(1000);
    await all;
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(clock.slept).toEqual([1000, 1000]);
  });

  it('fills up again while idle, never beyond its capacity', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(2, 1000, clock);
    await takeAll(bucket, 2).all;

    await clock.advance(60_000);
    const { done } = takeAll(bucket, 3);
    await clock.advance(0);

    expect(done).toEqual([0, 1]);
    expect(clock.sleeping).toBe(1);
  });

  it('waits only for the part of a token still missing', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(1, 1000, clock);
    await bucket.take();
    await clock.advance(400);

    const { done } = takeAll(bucket, 1);
    await clock.advance(0);
    expect(clock.slept).toEqual([600]);
    await clock.advance(600);
    expect(done).toEqual([0]);
  });
});
