import { keepLines } from '../report/markdown.js';

/** The fence of a code block `lines` leave open, if any (CommonMark: backticks or tildes, indented up to 3 spaces). */
function openFence(lines: readonly string[]): string | undefined {
  let open: string | undefined;
  for (const line of lines) {
    if (open === undefined) open = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    else if (closes(line, open)) open = undefined;
  }
  return open;
}

/** Whether `line` closes a block opened by `fence`: as many of its characters or more, and nothing but spaces after. */
function closes(line: string, fence: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return match !== null && match[1]?.[0] === fence[0] && (match[1]?.length ?? 0) >= fence.length;
}

/** As much of `text`'s start as fits in `room` characters, never half a surrogate pair. */
function firstChars(text: string, room: number): string {
  let keep = Math.max(0, room);
  const last = text.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return text.slice(0, keep);
}

/** A hidden comment line ending the summary (see report/hidden-marker.ts), whatever whitespace follows it. */
const MARKER_LINE = /(?:^|\r?\n)(<!-- [^\n]* -->)\s*$/;

/**
 * A report's summary (whole, ending with its hidden marker line) within a
 * forge's limit of `max` characters. The marker is what a re-run and "Fix
 * it" read back, so it is never what gets cut: the rest is cut at a line
 * instead (within a line only when even the first is too long), a code
 * block the cut leaves open is closed, and `cutNote` says how many
 * characters are missing.
 */
export function fitSummary(summary: string, max: number, cutNote: (omitted: number) => string): string {
  if (summary.length <= max) return summary;
  const found = MARKER_LINE.exec(summary);
  const marker = found?.[1] ?? '';
  const body = found ? summary.slice(0, found.index) : summary;
  const tail = (omitted: number) => `\n\n${cutNote(omitted)}${marker ? `\n\n${marker}` : ''}`;
  const room = max - tail(body.length).length;
  if (room < 0) throw new RangeError(`a summary cannot be cut to ${max} characters: its marker and cut note need more`);
  let { kept } = keepLines(body.split('\n'), room);
  if (kept.length === 0) return `${firstChars(body, room)}${tail(body.length - firstChars(body, room).length)}`;
  for (;;) {
    const fence = openFence(kept);
    const text = fence === undefined ? kept.join('\n') : `${kept.join('\n')}\n${fence}`;
    const cut = `${text}${tail(body.length - kept.join('\n').length)}`;
    if (cut.length <= max || kept.length === 0) return cut;
    kept = kept.slice(0, -1);
  }
}
