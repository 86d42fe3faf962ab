/**
 * A link a CI gave us, fit to show a person: http(s) only (never a
 * `javascript:` URL in a check run), without any user:password in it.
 */
export function safeLink(value: unknown, base?: URL): string | undefined {
  if (typeof value !== 'string' || value === '' || /\s/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.username = '';
  url.password = '';
  return url.href;
}

/** `base` with `segments` appended to its path, each one encoded whole (a "/" inside one stays inside it). */
export function appendPath(base: string, segments: readonly string[]): URL {
  const url = new URL(base);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `${path}/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
  return url;
}

/** The configured address, as shown in descriptions: no trailing "/". */
export function displayBase(base: string): string {
  return new URL(base).href.replace(/\/+$/, '');
}
