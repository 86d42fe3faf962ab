import { UsageError } from '../errors.js';
/** A full commit sha, as markers carry them. */
export const SHA_RE = /^[0-9a-f]{40}$/;

/**
 * A hidden comment carrying `data`, to end a check run's summary: GitHub
 * sends the summary back with check_run events, so the bot can act again
 * from the check alone.
 */
export function writeMarker(name: string, data: unknown): string {
  // JSON.stringify escapes nothing that could close an HTML comment, so "-" is escaped by hand.
  return `<!-- ${name} ${JSON.stringify(data).replace(/-/g, '\\u002d')} -->`;
}

/**
 * The object the marker `name` that ends `summary` carries, or undefined.
 * Only the marker that ends the summary counts: text quoted above it (an
 * error a server chose, a note) may imitate one.
 */
export function readMarker(name: string, summary: string | null | undefined): Record<string, unknown> | undefined {
  const match = summary ? new RegExp(`<!-- ${name} (\\{[^\\n]*\\}) -->\\s*$`).exec(summary) : null;
  if (!match) return undefined;
  try {
    const data: unknown = JSON.parse(match[1] as string);
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The hidden line that marks the bot's comment for one purpose. */
export function commentMarker(marker: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/.test(marker)) {
    throw new UsageError(
      `comment marker "${marker}" must be 1 to 100 letters, digits or . _ : / - and start with a letter or digit`,
    );
  }
  return `<!-- apt-snapshots-bot:${marker} -->`;
}
