import { wrapLine, wrapped } from '../../src/cli/layout.js';

describe('wrapLine', () => {
  it('breaks at spaces so that every line fits, the indent included', () => {
    expect(wrapLine('one two three four five', 12, 2)).toEqual(['one two', 'three four', 'five']);
  });

  it('counts what precedes the first line', () => {
    expect(wrapLine('one two three', 10, 0, 6)).toEqual(['one', 'two three']);
  });

  it('leaves a word longer than a line whole, on a line of its own', () => {
    expect(wrapLine('see config/APT_snapshots.d/debian-security/serial now', 20, 2)).toEqual([
      'see',
      'config/APT_snapshots.d/debian-security/serial',
      'now',
    ]);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(wrapLine('2021-01-01 → 2021-02-01', 23, 0)).toEqual(['2021-01-01 → 2021-02-01']);
  });
});

describe('wrapped', () => {
  it('indents continuation lines', () => expect(wrapped('aa bb cc', 7, 2)).toBe('aa bb\n  cc'));
  it('leaves the text alone without a width (not a terminal)', () =>
    expect(wrapped('aa bb cc', undefined, 2)).toBe('aa bb cc'));
});
