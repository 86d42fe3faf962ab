/** Beyond this many line pairs a diff costs more than it shows; callers show both texts instead. */
export const MAX_DIFF_CELLS = 1_000_000;

function lines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/**
 * A unified-style diff of two small texts, one line per output line
 * prefixed with " ", "-" or "+"; undefined when the texts are too large
 * to compare line by line.
 */
export function lineDiff(before: string, after: string): string[] | undefined {
  const a = lines(before);
  const b = lines(after);
  if ((a.length + 1) * (b.length + 1) > MAX_DIFF_CELLS) return undefined;
  // Longest common subsequence, filled from the end so the walk below goes forwards.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i * width + j] = a[i] === b[j] ? (lcs[(i + 1) * width + j + 1] as number) + 1 : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || (lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number))) {
      out.push(`-${a[i]}`);
      i += 1;
    } else {
      out.push(`+${b[j]}`);
      j += 1;
    }
  }
  return out;
}
