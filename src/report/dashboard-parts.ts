import { byteSize } from './dashboard-body.js';

/**
 * A block of the dashboard that can be shown at several levels, from 0
 * (its smallest) to `levels` (all of it), each level no shorter than the
 * one below it but possibly the last: what fitting the body in GitHub's
 * limit picks from.
 */
export interface Part {
  readonly levels: number;
  render(level: number): string;
  /** byteSize(render(level)), without rendering. */
  size(level: number): number;
}

function prefixSums(items: readonly string[]): number[] {
  const sums = [0];
  for (const item of items) sums.push((sums[sums.length - 1] as number) + byteSize(item));
  return sums;
}

/**
 * `head`, then the first `level` of `items`, then `more(n)` for the n left
 * out. Each item is whole lines, each line ending in a newline.
 */
export function listPart(head: string, items: readonly string[], more: (omitted: number) => string): Part {
  const sums = prefixSums(items);
  const headSize = byteSize(head);
  return {
    levels: items.length,
    render: (level) =>
      `${head}${items.slice(0, level).join('')}${level < items.length ? more(items.length - level) : ''}`,
    size: (level) =>
      headSize + (sums[level] as number) + (level < items.length ? byteSize(more(items.length - level)) : 0),
  };
}

/**
 * Items each shown in full or as a shorter line: level n + k shows the
 * first k in full and the others short; level k ≤ n shows the first k
 * short and says how many are left out.
 */
export function collapsiblePart(
  head: string,
  items: readonly { full: string; short: string }[],
  more: (omitted: number) => string,
): Part {
  // A short form longer than the full one would make a smaller level longer.
  const shorts = items.map((i) => (byteSize(i.short) <= byteSize(i.full) ? i.short : i.full));
  const fulls = prefixSums(items.map((i) => i.full));
  const short = prefixSums(shorts);
  const n = items.length;
  const headSize = byteSize(head);
  return {
    levels: 2 * n,
    render: (level) => {
      if (level >= n) {
        const k = level - n;
        return `${head}${items
          .slice(0, k)
          .map((i) => i.full)
          .join('')}${shorts.slice(k).join('')}`;
      }
      return `${head}${shorts.slice(0, level).join('')}${more(n - level)}`;
    },
    size: (level) => {
      if (level >= n) {
        const k = level - n;
        return headSize + (fulls[k] as number) + (short[n] as number) - (short[k] as number);
      }
      return headSize + (short[level] as number) + byteSize(more(n - level));
    },
  };
}

/** A block shown whole or not at all. */
export function wholePart(text: string): Part {
  const size = byteSize(text);
  return { levels: 1, render: (level) => (level > 0 ? text : ''), size: (level) => (level > 0 ? size : 0) };
}

/** The highest level of `part` no larger than `budget`; undefined when not even level 0 is. */
export function largestFitting(part: Part, budget: number): number | undefined {
  if (part.size(part.levels) <= budget) return part.levels;
  if (part.size(0) > budget) return undefined;
  // Below the top level, sizes grow with the level (the top one may be shorter: no "and N more" line).
  let low = 0;
  let high = part.levels - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (part.size(mid) <= budget) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** `part` followed by `tail` at every level. */
export function suffixed(part: Part, tail: string): Part {
  const size = byteSize(tail);
  return {
    levels: part.levels,
    render: (level) => `${part.render(level)}${tail}`,
    size: (level) => part.size(level) + size,
  };
}

/** A block that does not shrink: it is already as short as it gets. */
export function fixedPart(text: string): Part {
  const size = byteSize(text);
  return { levels: 0, render: () => text, size: () => size };
}
