/**
 * Text from a repository (commit subjects, file names, symlink targets,
 * file contents) shown on a terminal. A control character there could clear
 * the screen, retitle the window, rewrite the line before it, or reverse
 * the order of what follows; each is shown as a \u escape (four hex digits) instead.
 */
const CONTROLS =
  '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const UNSAFE_IN_TEXT = new RegExp(`[${CONTROLS}]`, 'g');
const UNSAFE_IN_LINE = new RegExp(`[${CONTROLS}\\t\\n]`, 'g');

function escape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Several lines (a report, a diff): newlines and tabs stay, every other control character is escaped. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, escape);
}

/** One value within a line: newlines and tabs are escaped too, so it cannot forge a line of its own. */
export function terminalLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, escape);
}
