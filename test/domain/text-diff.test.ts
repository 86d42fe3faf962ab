import { lineDiff, MAX_EDIT_LENGTH, unifiedDiff } from '../../src/domain/text-diff.js';

const text = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join('');

/** The old and the new lines a full diff shows. */
function replay(diff: readonly string[]): { old: string[]; new: string[] } {
  return {
    old: diff.filter((l) => !l.startsWith('+')).map((l) => l.slice(1)),
    new: diff.filter((l) => !l.startsWith('-')).map((l) => l.slice(1)),
  };
}

function lcs(x: readonly string[], y: readonly string[]): number {
  const t = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = 1; i <= x.length; i += 1)
    for (let j = 1; j <= y.length; j += 1)
      t[i]![j] = x[i - 1] === y[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[x.length]![y.length]!;
}

describe('lineDiff', () => {
  it.each([
    ['identical', 'a\nb\n', 'a\nb\n', [' a', ' b']],
    ['added at the end', 'a\n', 'a\nb\n', [' a', '+b']],
    ['removed in the middle', 'a\nb\nc\n', 'a\nc\n', [' a', '-b', ' c']],
    ['changed line: removal first', 'a\nx\nc\n', 'a\ny\nc\n', [' a', '-x', '+y', ' c']],
    ['new file', '', 'a\n', ['+a']],
    ['deleted file', 'a\nb', '', ['-a', '-b']],
    ['missing final newline is not a line', 'a', 'a\n', [' a']],
    ['a changed last line without a newline', 'a\nb\n', 'a\nc', [' a', '-b', '+c']],
  ])('%s', (_name, before, after, expected) => {
    expect(lineDiff(before, after)).toEqual(expected);
  });

  it.each([
    [[], []],
    [['a'], []],
    [[], ['a']],
    [
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ],
    [
      ['a', 'b', 'c'],
      ['a', 'x', 'c'],
    ],
    [
      ['a', 'b', 'c', 'a', 'b', 'b', 'a'],
      ['c', 'b', 'a', 'b', 'a', 'c'],
    ],
    [
      ['x', 'y'],
      ['y', 'x', 'y', 'z'],
    ],
  ])('%j → %j shows both texts and changes no more lines than it must', (a, b) => {
    const diff = lineDiff(text(a), text(b)) ?? [];
    expect(replay(diff)).toEqual({ old: a, new: b });
    expect(diff.filter((l) => l.startsWith(' ')).length).toBe(lcs(a, b));
  });

  it('marks only the changed line of a long file', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const b = [...a];
    b[2500] = 'changed';
    const diff = lineDiff(text(a), text(b)) ?? [];
    expect(diff).toHaveLength(5001);
    expect(diff.filter((l) => !l.startsWith(' '))).toEqual(['-line 2500', '+changed']);
  });

  it('gives up on texts that differ in too many lines to compare', () => {
    const a = Array.from({ length: MAX_EDIT_LENGTH }, (_, i) => `a${i}`);
    const b = Array.from({ length: MAX_EDIT_LENGTH }, (_, i) => `b${i}`);
    expect(lineDiff(text(a), text(b))).toBeUndefined();
    expect(lineDiff(text(a.slice(0, 400)), text(b.slice(0, 400)))).toHaveLength(800);
  });
});

describe('unifiedDiff', () => {
  it.each([
    ['identical', 'a\nb\n', 'a\nb\n'],
    ['both empty, the old one absent', undefined, ''],
  ])('is empty when nothing changes: %s', (_name, before, after) => {
    expect(unifiedDiff('f', before, after)).toBe('');
  });

  it('shows a one-line serial change', () => {
    expect(unifiedDiff('config/APT_snapshots.d/debian/serial', '2021051301\n', 'latest\n')).toBe(
      '--- a/config/APT_snapshots.d/debian/serial\n+++ b/config/APT_snapshots.d/debian/serial\n@@ -1 +1 @@\n-2021051301\n+latest\n',
    );
  });

  it('shows a new file', () => {
    expect(unifiedDiff('new', undefined, 'latest\n')).toBe('--- /dev/null\n+++ b/new\n@@ -0,0 +1 @@\n+latest\n');
  });

  it('names the line before an insertion, as diff(1) does', () => {
    expect(unifiedDiff('f', 'a\nb\n', 'a\nx\nb\n', 0)).toBe('--- a/f\n+++ b/f\n@@ -1,0 +2 @@\n+x\n');
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('f', '2021051301', '2021051301\n')).toBe(
      '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-2021051301\n\\ No newline at end of file\n+2021051301\n',
    );
  });

  it('gives each distant change its own hunk with three lines of context, and joins close ones', () => {
    const old = Array.from({ length: 30 }, (_, i) => `l${i + 1}`);
    const next = [...old];
    next[1] = 'L2';
    next[5] = 'L6';
    next[24] = 'L25';
    const diff = unifiedDiff('f', text(old), text(next));
    expect(diff.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,9 +1,9 @@', '@@ -22,7 +22,7 @@']);
    expect(diff).toContain('\n l1\n-l2\n+L2\n l3\n l4\n l5\n-l6\n+L6\n l7\n l8\n l9\n@@');
    expect(diff.endsWith('\n l22\n l23\n l24\n-l25\n+L25\n l26\n l27\n l28\n')).toBe(true);
  });

  it('keeps three lines around one changed line of a long file', () => {
    const old = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const next = [...old];
    next[2500] = 'changed';
    expect(unifiedDiff('f', text(old), text(next))).toBe(
      '--- a/f\n+++ b/f\n@@ -2498,7 +2498,7 @@\n line 2497\n line 2498\n line 2499\n-line 2500\n+changed\n line 2501\n line 2502\n line 2503\n',
    );
  });

  it.each([
    ['with final newlines', '\n', '\n', ''],
    ['without final newlines', '', '', '\\ No newline at end of file\n'],
  ])('replaces everything when the files share too little to align, %s', (_name, oldEnd, newEnd, marker) => {
    const old = Array.from({ length: 1500 }, (_, i) => `a${i}`);
    const next = Array.from({ length: 1500 }, (_, i) => `b${i}`);
    const diff = unifiedDiff('f', `${old.join('\n')}${oldEnd}`, `${next.join('\n')}${newEnd}`);
    expect(diff).toBe(
      `--- a/f\n+++ b/f\n@@ -1,1500 +1,1500 @@\n${old.map((l) => `-${l}\n`).join('')}${marker}${next.map((l) => `+${l}\n`).join('')}${marker}`,
    );
  });
});
