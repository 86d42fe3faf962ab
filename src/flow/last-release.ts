import type { Config } from '../config/schema.js';
import { boundedMatch } from '../domain/bounded-match.js';
import { compareVersionStrings, parseDebianVersion } from '../domain/debian-version.js';
import { versionOfTag } from '../release/iuk-source-versions.js';

/**
 * The newest of `tags` that is a release: it matches release.tag_pattern
 * (bounded, as every pattern a repository gives: one that backtracks too
 * long matches nothing) and names a Debian version (4.19-rc1 is 4.19~rc1),
 * compared in Debian order, so that 4.19 is newer than 4.19-rc1 and 4.2.
 * Undefined when none is.
 */
export function newestReleaseTag(tags: readonly string[], config: Config): string | undefined {
  let newest: string | undefined;
  for (const tag of tags) {
    if (boundedMatch(config.release.tag_pattern, tag) !== true) continue;
    const version = versionOfTag(tag);
    if (!parseDebianVersion(version).ok) continue;
    if (newest === undefined || compareVersionStrings(version, versionOfTag(newest)) > 0) newest = tag;
  }
  return newest;
}
