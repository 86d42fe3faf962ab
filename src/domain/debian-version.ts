import { printable, type ParseResult } from './serial.js';

/** A Debian version, `[epoch:]upstream[-revision]` (Debian policy 5.6.12). */
export interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const UPSTREAM_RE = /^[0-9][A-Za-z0-9.+~-]*$/;
const UPSTREAM_NO_HYPHEN_RE = /^[0-9][A-Za-z0-9.+~]*$/;
const REVISION_RE = /^[A-Za-z0-9.+~]+$/;

export function parseDebianVersion(text: string): ParseResult<DebianVersion> {
  const bad = (why: string): ParseResult<DebianVersion> => ({
    ok: false,
    error: `"${printable(text)}" is not a Debian version: ${why}`,
  });
  const colon = text.indexOf(':');
  let epoch = 0;
  let rest = text;
  if (colon >= 0) {
    const digits = text.slice(0, colon);
    if (!/^\d+$/.test(digits)) return bad('the epoch before ":" must be a number');
    epoch = Number(digits);
    rest = text.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (hyphen >= 0 && !REVISION_RE.test(revision)) return bad('the revision after the last "-" is empty or invalid');
  if (!(hyphen >= 0 ? UPSTREAM_RE : UPSTREAM_NO_HYPHEN_RE).test(upstream)) {
    return bad(
      'the upstream version must start with a digit and hold only letters, digits and . + ~ (and - with a revision)',
    );
  }
  return { ok: true, value: { epoch, upstream, revision } };
}

/** dpkg's character order: `~` before everything, even the end of the string; letters before other characters. */
function order(char: string | undefined): number {
  if (char === undefined) return 0;
  if (char === '~') return -1;
  if (/[0-9]/.test(char)) return 0;
  if (/[A-Za-z]/.test(char)) return char.charCodeAt(0);
  return char.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp: alternating runs of non-digits (compared by `order`) and digits (compared as numbers). */
function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i] as string)) || (j < b.length && !/[0-9]/.test(b[j] as string))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i += 1;
      j += 1;
    }
    while (a[i] === '0') i += 1;
    while (b[j] === '0') j += 1;
    while (i < a.length && /[0-9]/.test(a[i] as string) && j < b.length && /[0-9]/.test(b[j] as string)) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i += 1;
      j += 1;
    }
    if (i < a.length && /[0-9]/.test(a[i] as string)) return 1;
    if (j < b.length && /[0-9]/.test(b[j] as string)) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Negative when a is older than b, as `dpkg --compare-versions` orders them. */
export function compareDebianVersions(a: DebianVersion, b: DebianVersion): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  return comparePart(a.upstream, b.upstream) || comparePart(a.revision, b.revision);
}

/**
 * Compares two version strings; one that does not parse sorts after every
 * valid one, and such strings by their text, so a sort never throws.
 */
export function compareVersionStrings(a: string, b: string): number {
  const pa = parseDebianVersion(a);
  const pb = parseDebianVersion(b);
  if (pa.ok && pb.ok) return compareDebianVersions(pa.value, pb.value) || (a < b ? -1 : a > b ? 1 : 0);
  if (pa.ok !== pb.ok) return pa.ok ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
