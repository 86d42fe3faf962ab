/** One line of an edit script: kept, removed from the old text, or added. */
export interface DiffOp {
  op: ' ' | '-' | '+';
  line: string;
}

/** Lines without their newline; a last line without one is marked so "a" and "a\n" differ. */
const NO_NEWLINE = '\0no-newline';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  const last = lines.pop() as string;
  if (last !== '') lines.push(`${last}${NO_NEWLINE}`);
  return lines;
}

/** Beyond this many differences the diff is not worth computing: everything is replaced. */
const MAX_DIFFERENCES = 1000;

/**
 * Myers' O(ND) difference algorithm: planned edits change a few lines of
 * files that can be thousands of lines long, and D stays small.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_DIFFERENCES);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d += 1) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, offset);
    }
  }
  return [...a.map((line): DiffOp => ({ op: '-', line })), ...b.map((line): DiffOp => ({ op: '+', line }))];
}

function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[], offset: number): DiffOp[] {
  const ops: DiffOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const v = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (v[offset + prevK] as number);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', line: a[x - 1] as string });
      x -= 1;
      y -= 1;
    }
    if (d > 0) {
      if (down) ops.push({ op: '+', line: b[y - 1] as string });
      else ops.push({ op: '-', line: a[x - 1] as string });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function printLine(op: DiffOp): string {
  return op.line.endsWith(NO_NEWLINE) ? `${op.op}${op.line.slice(0, -NO_NEWLINE.length)}\n\\ No newline at end of file` : `${op.op}${op.line}`;
}

function range(start: number, count: number): string {
  // As diff(1): an empty range names the line before it.
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * A unified diff of one file, `context` lines around each change; an
 * absent old text is a new file. Empty when nothing changes.
 */
export function unifiedDiff(path: string, oldText: string | undefined, newText: string, context = 3): string {
  const ops = diffLines(splitLines(oldText ?? ''), splitLines(newText));
  const changed = ops.flatMap((op, i) => (op.op === ' ' ? [] : [i]));
  if (changed.length === 0) return '';
  const out = [oldText === undefined ? '--- /dev/null' : `--- a/${path}`, `+++ b/${path}`];
  // Positions of each op in the old and new files.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 0;
  let n = 0;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(n);
    if (op.op !== '+') o += 1;
    if (op.op !== '-') n += 1;
  }
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, (changed[i] as number) - context);
    let end = Math.min(ops.length, (changed[i] as number) + context + 1);
    i += 1;
    while (i < changed.length && (changed[i] as number) - context <= end) {
      end = Math.min(ops.length, (changed[i] as number) + context + 1);
      i += 1;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((op) => op.op !== '+').length;
    const newCount = hunk.filter((op) => op.op !== '-').length;
    out.push(`@@ -${range(oldAt[start] as number, oldCount)} +${range(newAt[start] as number, newCount)} @@`, ...hunk.map(printLine));
  }
  return `${out.join('\n')}\n`;
}
