import { printable } from '../domain/serial.js';

/**
 * Text from repositories and comments is hostile until escaped: a branch
 * name or file content must not inject links, HTML or headings into a
 * check summary or a comment.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()<>#+!~]/g, (c) => `\\${c}`)
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` as inline code; a fence longer than any backtick run inside keeps it whole. */
export function inlineCode(text: string, max = 200): string {
  const clean = printable(text, max);
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** GitHub splits table rows on `|` before anything else, even inside code. */
export function tableCell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}

/** A fenced block whose fence no line of `text` can close. */
export function fencedBlock(text: string, info = ''): string {
  const longest = Math.max(2, ...(text.match(/^`+/gm) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}`;
}

/** The first lines of `lines` that fit in `budget` characters once joined with newlines, and how many did not. */
export function keepLines(lines: readonly string[], budget: number): { kept: string[]; omitted: number } {
  let used = 0;
  for (const [i, line] of lines.entries()) {
    used += line.length + (i > 0 ? 1 : 0);
    if (used > budget) return { kept: lines.slice(0, i), omitted: lines.length - i };
  }
  return { kept: [...lines], omitted: 0 };
}
