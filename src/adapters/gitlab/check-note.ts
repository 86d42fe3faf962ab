import type { CheckAnnotation, CheckReport } from '../../ports/forge.js';
import { commentMarker } from '../../report/hidden-marker.js';
import { printable } from '../../domain/serial.js';
import { keepLines } from '../../report/markdown.js';
import { fitSummary } from '../fit-summary.js';
import type { GitLabProject } from './client.js';
import { NOTE_LIMIT } from './limits.js';

/**
 * The hidden line that starts the note of check `name`: the name with
 * every character a marker may not hold (spaces, say) as "-".
 */
export function checkNoteMarker(name: string): string {
  return commentMarker(`check:${name.replace(/[^A-Za-z0-9._:/-]/g, '-')}`);
}

/** A line of a file at a commit, on GitLab's web pages. */
export function blobUrl(project: GitLabProject, sha: string, path: string, line: number): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `${project.webUrl}/-/blob/${sha}/${encoded}#L${line}`;
}

function annotationItem(project: GitLabProject, sha: string, annotation: CheckAnnotation): string {
  // The path is a repository's (a fork's) to choose: in a code span, it can neither close the link nor mention anyone.
  const where = `[${codeSpan(`${printable(annotation.path, 300)}:${annotation.line}`)}](${blobUrl(project, sha, annotation.path, annotation.line)})`;
  // Continuation lines indented, so that a message of several lines stays in its list item.
  const message = annotation.message.replace(/\n/g, '\n  ');
  return `- **${annotation.level}** ${where} ${annotation.title}: ${message}`;
}

/** A code span holding `text` whatever backticks it contains (CommonMark's rule: a longer fence). */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** The findings list takes at most this much of a note, so that the summary and the fixes always show. */
const FINDINGS_BUDGET = NOTE_LIMIT / 2;

/**
 * Names in the findings are a repository's (a fork's) to choose, and a note notifies whoever it mentions:
 * an `@` followed by a zero-width space mentions nobody (`@all` would ping every member as the bot).
 */
function mentionNobody(text: string): string {
  return text.replace(/@(?=[\w.-])/g, '@\u200b');
}

function findingsPart(project: GitLabProject, report: CheckReport): string[] {
  if (report.annotations.length === 0) return [];
  const items = report.annotations.map((a) => mentionNobody(annotationItem(project, report.headSha, a)));
  const { kept, omitted } = keepLines(items, FINDINGS_BUDGET);
  return [
    ['#### Findings', ...kept, ...(omitted > 0 ? [`- *(… ${omitted} more not shown: see the files.)*`] : [])].join(
      '\n',
    ),
  ];
}

/**
 * What a check says on a merge request, where GitLab has no check runs:
 * the title, the summary, the findings linked to their lines, and the
 * commands that ask for the fixes GitHub offers as buttons; within
 * GitLab's limit on a note, the summary cut first.
 */
export function checkNoteBody(project: GitLabProject, report: CheckReport): string {
  const head = [checkNoteMarker(report.name), mentionNobody(`### ${report.name}: ${report.title}`)];
  const rest = [
    ...findingsPart(project, report),
    ...(report.fixes.length > 0
      ? [mentionNobody(['To fix it, comment:', ...report.fixes.map((f) => `- ${codeSpan(f.command)}`)].join('\n'))]
      : []),
  ];
  const around = [...head, '', ...rest].join('\n\n').length + 2;
  const summary = fitSummary(
    mentionNobody(report.summary),
    NOTE_LIMIT - around,
    (omitted) => `*(Summary cut to GitLab's limit on a note: ${omitted} more characters not shown.)*`,
  );
  return [...head, summary, ...rest].join('\n\n');
}
