import { compareVersionStrings, parseDebianVersion } from '../domain/debian-version.js';

/** A Tails tag as a Debian version: `~` cannot be in a Git tag, so it was written `-`. */
export function versionOfTag(tag: string): string {
  return tag.replaceAll('-', '~');
}

function major(version: string): string {
  return version.split(/[.~+-]/, 1)[0] ?? version;
}

/**
 * What Tails' bin/iuk-source-versions prints for `version`: every earlier
 * release of the same major version that an incremental upgrade kit starts
 * from, as Debian versions, oldest first, without the ignored ones. `tags`
 * are the repository's tags; those that are not releases are left out by
 * `isRelease`. Nothing for a version that is not a Debian version, which
 * the release check reports.
 */
export function iukSourceVersions(
  tags: readonly string[],
  version: string,
  options: { ignore: readonly string[]; isRelease: (tag: string) => boolean },
): string[] {
  if (!parseDebianVersion(version).ok) return [];
  const ignored = new Set(options.ignore.map(versionOfTag));
  const versions = new Set<string>();
  for (const tag of tags) {
    if (!options.isRelease(tag)) continue;
    const candidate = versionOfTag(tag);
    if (major(candidate) !== major(version) || ignored.has(candidate)) continue;
    if (!parseDebianVersion(candidate).ok || compareVersionStrings(candidate, version) >= 0) continue;
    versions.add(candidate);
  }
  return [...versions].sort(compareVersionStrings);
}
