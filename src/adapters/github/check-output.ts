import { createHash } from 'node:crypto';
import type { CheckAnnotation, CheckFix } from '../../ports/forge.js';
import { fitSummary } from '../fit-summary.js';

/** GitHub's limits on a check run's output. */
export const SUMMARY_LIMIT = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;

/** The summary within GitHub's limit, its marker kept (see fitSummary). */
export function checkRunSummary(summary: string, limit = SUMMARY_LIMIT): string {
  return fitSummary(
    summary,
    limit,
    (omitted) =>
      `*(Summary cut to GitHub's limit: ${omitted} more characters not shown; every finding is also an annotation on its file.)*`,
  );
}

/** GitHub's limits on a check run's action. */
const ACTION_LIMITS = { label: 20, description: 40 } as const;

/** The fixes as the buttons of a check run, their texts cut to what GitHub accepts. */
export function checkRunActions(
  fixes: readonly CheckFix[],
): { label: string; description: string; identifier: string }[] {
  return fixes.map(({ label, description, identifier }) => ({
    label: firstCodePoints(label, ACTION_LIMITS.label),
    description: firstCodePoints(description, ACTION_LIMITS.description),
    identifier,
  }));
}

function firstCodePoints(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

export interface GitHubAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: CheckAnnotation['level'];
  title: string;
  message: string;
}

export function toGitHubAnnotation(annotation: CheckAnnotation): GitHubAnnotation {
  return {
    path: annotation.path,
    start_line: annotation.line,
    end_line: annotation.line,
    annotation_level: annotation.level,
    title: annotation.title,
    message: annotation.message,
  };
}

/** Annotations in the batches GitHub accepts, one batch per request; none for no annotations. */
export function annotationBatches(annotations: CheckAnnotation[]): GitHubAnnotation[][] {
  const batches: GitHubAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST).map(toGitHubAnnotation));
  }
  return batches;
}

/**
 * What a run's external_id records about its annotations: a digest of them
 * all, in order. GitHub appends annotations on every update and cannot
 * remove them, so a run may be updated in place only when it already
 * carries exactly these; the summary and title may change freely (a note
 * added after the thaw pull request was opened). The id is GitHub's field
 * for "a reference for the run on the integrator's system", sent back by
 * REST and GraphQL alike, and unlike a marker in the summary it needs no
 * room within the summary's limit.
 */
export function annotationsId(annotations: readonly CheckAnnotation[]): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(annotations.map((a) => [a.path, a.line, a.level, a.title, a.message])))
    .digest('hex');
  return `annotations-sha256:${digest.slice(0, 32)}`;
}
