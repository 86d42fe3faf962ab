import { percentile } from '../../bench/measure.js';

describe('percentile', () => {
  const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);

  it.each([
    [0.5, 10],
    [0.95, 19],
    [1, 20],
    [0, 1],
  ])('gives the nearest-rank %s percentile of 1 to 20, in any order', (p, expected) => {
    expect(percentile(twenty, p)).toBe(expected);
  });

  it('gives the one value of one, and NaN of none', () => {
    expect(percentile([42], 0.95)).toBe(42);
    expect(percentile([], 0.5)).toBeNaN();
  });
});
