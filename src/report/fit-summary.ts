/** GitHub refuses a check run summary longer than this. */
export const SUMMARY_MAX = 65_535;

/** The first lines of `lines` that fit in `budget` characters once joined with newlines, and how many did not. */
export function keepLines(lines: readonly string[], budget: number): { kept: string[]; omitted: number } {
  let used = 0;
  for (const [i, line] of lines.entries()) {
    used += line.length + (i > 0 ? 1 : 0);
    if (used > budget) return { kept: lines.slice(0, i), omitted: lines.length - i };
  }
  return { kept: [...lines], omitted: 0 };
}

/** The fence of a code block `lines` leave open, if any. */
function openFence(lines: readonly string[]): string | undefined {
  let open: string | undefined;
  for (const line of lines) {
    if (open === undefined) open = /^(`{3,})/.exec(line)?.[1];
    else if (line === open) open = undefined;
  }
  return open;
}

/**
 * `body` followed by the subject marker, within GitHub's limit. The marker
 * is what a re-run and "Fix it" read back, so it is never what gets cut:
 * the body is cut at a line instead, a code block the cut leaves open is
 * closed, and a note says how much is missing.
 */
export function fitSummary(body: string, marker: string, max = SUMMARY_MAX): string {
  const whole = `${body}\n${marker}`;
  if (whole.length <= max) return whole;
  const lines = body.split('\n');
  const tail = (omitted: number) =>
    `\n\n*(Summary cut to GitHub's limit: ${omitted} more characters not shown; every finding is also an annotation on its file.)*\n\n${marker}`;
  let { kept } = keepLines(lines, max - tail(body.length).length);
  for (;;) {
    const fence = openFence(kept);
    const text = fence === undefined ? kept.join('\n') : `${kept.join('\n')}\n${fence}`;
    const cut = `${text}${tail(body.length - kept.join('\n').length)}`;
    if (cut.length <= max || kept.length === 0) return cut;
    kept = kept.slice(0, -1);
  }
}
