/**
 * How an origin is named: its directory in a snapshot set, and a path
 * segment of the snapshot server's URLs, so never "." or "..".
 */
export const ORIGIN_NAME_RE = /^[a-z0-9][a-z0-9.+-]*$/;

export const ORIGIN_NAME_RULE = 'lowercase letters, digits, ".", "+" and "-"';

export function isOriginName(name: string): boolean {
  return ORIGIN_NAME_RE.test(name);
}
