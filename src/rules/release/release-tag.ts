import { changelogTopLine, isReleased, parseChangelogDate, tagForVersion } from '../../domain/changelog.js';
import type { Finding } from '../../domain/finding.js';
import { boundedMatch } from '../../domain/bounded-match.js';
import { parseDebianVersion } from '../../domain/debian-version.js';
import { printable } from '../../domain/serial.js';
import { describeFileRead } from '../../domain/state.js';
import { versionOfTag } from '../../release/iuk-source-versions.js';
import type { ReleaseRule } from './types.js';

export const releaseTag: ReleaseRule = {
  id: 'release-tag',
  severities: ['error'],
  description:
    'The tag is a release tag (release.tag_pattern), the top debian/changelog version with ~ replaced by -; that entry is not UNRELEASED and has a date (SOURCE_DATE_EPOCH).',
  check(ctx) {
    const { path, entry, error, file } = ctx.state.changelog;
    const line = file.kind === 'text' ? changelogTopLine(file.text) : undefined;
    const finding = (message: string, hint: string, at = line): Finding => ({
      rule: releaseTag.id,
      severity: 'error',
      path,
      ...(at === undefined ? {} : { line: at }),
      message,
      hint,
    });
    const findings: Finding[] = [];
    const pattern = ctx.config.release.tag_pattern;
    const matched = boundedMatch(pattern, ctx.tag);
    if (matched !== true) {
      findings.push(
        finding(
          matched === 'timeout'
            ? `release.tag_pattern /${printable(pattern)}/ took too long to match the tag "${printable(ctx.tag)}".`
            : `The tag "${printable(ctx.tag)}" is not a release tag: it does not match release.tag_pattern /${printable(pattern)}/.`,
          'Release tags are the version with ~ replaced by -, e.g. 4.19-rc1.',
        ),
      );
    }
    if (!entry) {
      findings.push(
        finding(
          `The tag ${ctx.tag} names no release: ${path} ${error ?? describeFileRead(file)}.`,
          `Tag a commit whose ${path} starts with the entry of the version released.`,
        ),
      );
      return findings;
    }
    const version = parseDebianVersion(entry.version);
    if (!version.ok) findings.push(finding(`The top entry of ${path}: ${version.error}.`, 'Fix the version.'));
    const expected = tagForVersion(entry.version);
    if (expected !== ctx.tag) {
      findings.push(
        finding(
          `The tag ${ctx.tag} is not the version of the top entry of ${path}, ${entry.version}, which is tagged ${expected}.`,
          `Tag the commit ${expected}, or tag the commit whose top ${path} entry is the version released.`,
        ),
      );
    } else if (versionOfTag(ctx.tag) !== entry.version) {
      findings.push(
        finding(
          `The top entry of ${path} is ${entry.version}, with a "-": a release tag reads "-" as "~", so ${ctx.tag} names ${versionOfTag(ctx.tag)}, and the jobs would get two versions.`,
          `Write the version with "~" (${versionOfTag(ctx.tag)}) in ${path}, as Tails versions are.`,
        ),
      );
    }
    if (!isReleased(entry)) {
      findings.push(
        finding(
          `The top entry of ${path}, ${entry.version}, is still UNRELEASED at the tag ${ctx.tag}: the release commit sets its distribution.`,
          `Tag the commit that marks ${entry.version} as released (its entry's distribution set, e.g. to unstable).`,
        ),
      );
    }
    if (file.kind === 'text') {
      const date = parseChangelogDate(file.text);
      if (!date.ok) {
        findings.push(
          finding(
            `The release's SOURCE_DATE_EPOCH cannot be told: the top entry of ${path}: ${date.error}.`,
            'The trailer of the top entry reads " -- Name <email>  Day, DD Mon YYYY HH:MM:SS +ZZZZ".',
          ),
        );
      }
    }
    return findings;
  },
};
