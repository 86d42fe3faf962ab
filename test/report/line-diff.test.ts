import { lineDiff } from '../../src/report/line-diff.js';

describe('lineDiff', () => {
  it.each([
    ['identical', 'a\nb\n', 'a\nb\n', [' a', ' b']],
    ['added at the end', 'a\n', 'a\nb\n', [' a', '+b']],
    ['removed in the middle', 'a\nb\nc\n', 'a\nc\n', [' a', '-b', ' c']],
    ['changed line: removal first', 'a\nx\nc\n', 'a\ny\nc\n', [' a', '-x', '+y', ' c']],
    ['new file', '', 'a\n', ['+a']],
    ['deleted file', 'a\nb', '', ['-a', '-b']],
    ['missing final newline is not a line', 'a', 'a\n', [' a']],
  ])('%s', (_name, before, after, expected) => {
    expect(lineDiff(before, after)).toEqual(expected);
  });

  it('gives up on texts too large to compare line by line', () => {
    const big = Array.from({ length: 1500 }, (_, i) => `line ${i}`).join('\n');
    expect(lineDiff(big, `${big}\nmore`)).toBeUndefined();
  });
});
