import { boundedMatch } from '../../domain/bounded-match.js';
import { inlineCode } from '../../report/markdown.js';
import type { Command } from '../command.js';
import type { RepoDeps } from '../deps.js';
import { manifestHostProblem, releaseTag, type ReleaseOutcome } from './release-tag.js';

function summary(outcome: ReleaseOutcome): string {
  const { evaluation, jobs, check } = outcome;
  const lines = [
    `Checked the release ${inlineCode(evaluation.tag)} at ${inlineCode(evaluation.commit.sha.slice(0, 7))}: **${evaluation.verdict.conclusion}**. See the check: ${check.url}`,
    '',
    ...jobs.map((job) => `- ${inlineCode(job.job)}: ${job.message}${job.url ? ` ${job.url}` : ''}`),
  ];
  return lines.join('\n');
}

/**
 * `/apt-snapshots release TAG [MANIFEST_URL]` and `/apt-snapshots
 * build-iuks TAG`, from someone with write access: the release flow of a
 * tag push, with the manifest a release manager gives, or without waiting
 * for the released images.
 */
export async function runReleaseCommand(
  deps: RepoDeps,
  command: Extract<Command, { kind: 'release' | 'build-iuks' }>,
): Promise<string> {
  const { tag } = command;
  if (boundedMatch(deps.defaults.release.tag_pattern, tag) !== true) {
    return `${inlineCode(tag)} is not a release tag (release.tag_pattern ${inlineCode(deps.defaults.release.tag_pattern)}): I did nothing.`;
  }
  const rev = `refs/tags/${tag}^{commit}`;
  if (command.kind === 'build-iuks') {
    return summary(await releaseTag(deps, { tag, rev, ready: true, only: 'build_IUKs' }));
  }
  if (command.manifestUrl !== undefined) {
    const problem = manifestHostProblem(deps, command.manifestUrl);
    if (problem !== undefined) return `I will not read that manifest: ${problem}. I did nothing.`;
  }
  return summary(
    await releaseTag(deps, {
      tag,
      rev,
      ...(command.manifestUrl === undefined ? {} : { manifestUrl: command.manifestUrl }),
    }),
  );
}
