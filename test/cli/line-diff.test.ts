import { diffLines, unifiedDiff } from '../../src/cli/line-diff.js';

/** Applies an edit script to the old lines: must give the new ones. */
function replay(ops: ReturnType<typeof diffLines>): { old: string[]; new: string[] } {
  return { old: ops.filter((o) => o.op !== '+').map((o) => o.line), new: ops.filter((o) => o.op !== '-').map((o) => o.line) };
}

describe('diffLines', () => {
  it.each([
    [[], []],
    [['a'], []],
    [[], ['a']],
    [['a', 'b', 'c'], ['a', 'b', 'c']],
    [['a', 'b', 'c'], ['a', 'x', 'c']],
    [['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']],
    [['x', 'y'], ['y', 'x', 'y', 'z']],
  ])('%j → %j is a shortest script that replays', (a, b) => {
    const ops = diffLines(a, b);
    expect(replay(ops)).toEqual({ old: a, new: b });
    const kept = ops.filter((o) => o.op === ' ').length;
    // Myers is optimal: the changes are as few as the longest common subsequence allows.
    const lcs = (x: string[], y: string[]): number => {
      const t = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
      for (let i = 1; i <= x.length; i += 1) for (let j = 1; j <= y.length; j += 1) t[i]![j] = x[i - 1] === y[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
      return t[x.length]![y.length]!;
    };
    expect(kept).toBe(lcs(a, b));
  });

  it('keeps the lines around one changed line of a long file', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const b = [...a];
    b[2500] = 'changed';
    const ops = diffLines(a, b);
    expect(ops.filter((o) => o.op !== ' ')).toEqual([
      { op: '-', line: 'line 2500' },
      { op: '+', line: 'changed' },
    ]);
  });

  it('replaces everything when the files share almost nothing, rather than search for long', () => {
    const a = Array.from({ length: 1500 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 1500 }, (_, i) => `b${i}`);
    const ops = diffLines(a, b);
    expect(replay(ops)).toEqual({ old: a, new: b });
    expect(ops.filter((o) => o.op === ' ')).toEqual([]);
  });
});

describe('unifiedDiff', () => {
  it('is empty when nothing changes', () => {
    expect(unifiedDiff('f', 'a\nb\n', 'a\nb\n')).toBe('');
  });

  it('shows a one-line serial change', () => {
    expect(unifiedDiff('config/APT_snapshots.d/debian/serial', '2021051301\n', 'latest\n')).toBe(
      '--- a/config/APT_snapshots.d/debian/serial\n+++ b/config/APT_snapshots.d/debian/serial\n@@ -1 +1 @@\n-2021051301\n+latest\n',
    );
  });

  it('shows a new file', () => {
    expect(unifiedDiff('new', undefined, 'latest\n')).toBe('--- /dev/null\n+++ b/new\n@@ -0,0 +1 @@\n+latest\n');
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('f', '2021051301', '2021051301\n')).toBe('--- a/f\n+++ b/f\n@@ -1 +1 @@\n-2021051301\n\\ No newline at end of file\n+2021051301\n');
  });

  it('gives each distant change its own hunk with three lines of context, and joins close ones', () => {
    const old = Array.from({ length: 30 }, (_, i) => `l${i + 1}`);
    const next = [...old];
    next[1] = 'L2';
    next[5] = 'L6';
    next[24] = 'L25';
    const diff = unifiedDiff('f', `${old.join('\n')}\n`, `${next.join('\n')}\n`);
    expect(diff.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,9 +1,9 @@', '@@ -22,7 +22,7 @@']);
    expect(diff).toContain('\n l1\n-l2\n+L2\n l3\n l4\n l5\n-l6\n+L6\n l7\n l8\n l9\n@@');
    expect(diff.endsWith('\n l22\n l23\n l24\n-l25\n+L25\n l26\n l27\n l28\n')).toBe(true);
  });
});
