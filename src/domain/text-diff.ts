import { diffLines, structuredPatch, type StructuredPatchHunk } from 'diff';

/**
 * Past this many inserted and removed lines a diff costs more than it shows,
 * and a huge rewritten file must not stall a check: jsdiff stops searching.
 */
export const MAX_EDIT_LENGTH = 1000;

const NO_NEWLINE = '\\ No newline at end of file';

/** As diff(1): a count of one is left out, and an empty range names the line before it. */
function range(start: number, count: number): string {
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

function prefixed(sign: '-' | '+', text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') return lines.slice(0, -1).map((line) => `${sign}${line}`);
  return [...lines.map((line) => `${sign}${line}`), NO_NEWLINE];
}

/** What diff(1) shows when the texts share too little to be worth aligning: one hunk replacing everything. */
function replacement(oldText: string, newText: string): StructuredPatchHunk {
  const removed = prefixed('-', oldText);
  const added = prefixed('+', newText);
  const count = (lines: string[]): number => lines.filter((line) => line !== NO_NEWLINE).length;
  return { oldStart: 1, oldLines: count(removed), newStart: 1, newLines: count(added), lines: [...removed, ...added] };
}

/**
 * A unified diff of one file, `context` lines around each change; an
 * absent old text is a new file. Empty when nothing changes.
 */
export function unifiedDiff(path: string, oldText: string | undefined, newText: string, context = 3): string {
  const before = oldText ?? '';
  if (before === newText) return '';
  const patch = structuredPatch(path, path, before, newText, undefined, undefined, {
    context,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  const hunks = patch ? patch.hunks : [replacement(before, newText)];
  const out = [oldText === undefined ? '--- /dev/null' : `--- a/${path}`, `+++ b/${path}`];
  for (const hunk of hunks)
    out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines);
  return `${out.join('\n')}\n`;
}

function lines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/**
 * Every line of two texts, each prefixed with " " (kept), "-" or "+", a
 * missing final newline not counting as a change; undefined when the texts
 * differ in more than MAX_EDIT_LENGTH lines and callers should show both.
 */
export function lineDiff(before: string, after: string): string[] | undefined {
  const changes = diffLines(before, after, { ignoreNewlineAtEof: true, maxEditLength: MAX_EDIT_LENGTH });
  if (!changes) return undefined;
  return changes.flatMap((change) => {
    const sign = change.added ? '+' : change.removed ? '-' : ' ';
    return lines(change.value).map((line) => `${sign}${line}`);
  });
}
