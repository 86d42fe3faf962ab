import { boundedMatch } from '../../domain/bounded-match.js';
import { MissingRevisionError } from '../../errors.js';
import { escapeMarkdown, inlineCode } from '../../report/markdown.js';
import type { Command } from '../command.js';
import type { RepoDeps } from '../deps.js';
import { manifestHostProblem, releaseTag, type ReleaseOutcome, type ReleaseRequest } from './release-tag.js';

function summary(outcome: ReleaseOutcome): string {
  const { evaluation, jobs, check } = outcome;
  const lines = [
    `Checked the release ${inlineCode(evaluation.tag)} at ${inlineCode(evaluation.commit.sha.slice(0, 7))}: **${evaluation.verdict.conclusion}**. See the check: ${check.url}`,
    '',
    ...jobs.map(
      (job) =>
        `- ${inlineCode(job.job)}: ${escapeMarkdown(job.message)}${job.url ? ` [${escapeMarkdown(job.url)}](${job.url})` : ''}`,
    ),
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
  if (command.kind === 'release' && command.manifestUrl !== undefined) {
    const problem = manifestHostProblem(deps, command.manifestUrl);
    if (problem !== undefined) return `I will not read that manifest: ${escapeMarkdown(problem)}. I did nothing.`;
  }
  const request: ReleaseRequest =
    command.kind === 'build-iuks'
      ? { tag, rev, ready: true, only: 'build_IUKs' }
      : { tag, rev, ...(command.manifestUrl === undefined ? {} : { manifestUrl: command.manifestUrl }) };
  try {
    return summary(await releaseTag(deps, request));
  } catch (error) {
    if (error instanceof MissingRevisionError)
      return `There is no tag ${inlineCode(tag)} in this repository: I did nothing.`;
    throw error;
  }
}
