/**
 * Word wrapping for what the command line prints. Widths count code points,
 * which is what a terminal advances for the text we print (ASCII, arrows,
 * \u escapes); colour codes are added after wrapping, never measured.
 */

function width(text: string): number {
  return [...text].length;
}

/**
 * `text` (one line) broken at spaces so that each line, `indent` included,
 * fits in `columns`; the first line starts after `firstWidth` columns already
 * used (a label before it). A word longer than a line (a path, a URL) is left
 * whole on its own line rather than cut.
 * @returns the lines, without newlines; the first without the indent
 */
export function wrapLine(text: string, columns: number, indent: number, firstWidth = indent): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  let used = firstWidth;
  for (const word of words) {
    if (line === '') {
      line = word;
      used += width(word);
    } else if (used + 1 + width(word) <= columns) {
      line += ` ${word}`;
      used += 1 + width(word);
    } else {
      lines.push(line);
      line = word;
      used = indent + width(word);
    }
  }
  lines.push(line);
  return lines;
}

/** wrapLine joined back, continuation lines indented; unchanged when `columns` is undefined (not a terminal). */
export function wrapped(text: string, columns: number | undefined, indent: number, firstWidth = indent): string {
  if (columns === undefined) return text;
  return wrapLine(text, columns, indent, firstWidth).join(`\n${' '.repeat(indent)}`);
}

/** --help is laid out for the 80 columns of the narrowest terminal people use, whatever the one in use. */
export const HELP_COLUMNS = 80;
