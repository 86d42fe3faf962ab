/** GitLab's limit on a commit status's description, in characters. */
export const DESCRIPTION_LIMIT = 255;
/** GitLab's limit on a note's body, in characters. */
export const NOTE_LIMIT = 1_000_000;

/**
 * `text` within `limit` characters (code points, as GitLab counts them),
 * ending with "…" when cut; never splits a character.
 */
export function cutDescription(text: string, limit = DESCRIPTION_LIMIT): string {
  const characters = Array.from(text);
  if (characters.length <= limit) return text;
  return `${characters.slice(0, limit - 1).join('')}…`;
}

/**
 * `body` within GitLab's note limit, saying how much was left out; the
 * start (where the bot's marker is) is always kept.
 */
export function cutNote(body: string, limit = NOTE_LIMIT): string {
  const characters = Array.from(body);
  if (characters.length <= limit) return body;
  const note = (omitted: number) => `\n\n*(Note truncated: ${omitted} more characters not shown.)*`;
  // Sized for the largest count it can state, then stating the real one.
  const keep = limit - Array.from(note(characters.length)).length;
  return characters.slice(0, keep).join('') + note(characters.length - keep);
}
