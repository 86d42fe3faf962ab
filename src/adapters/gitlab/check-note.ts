import type { CheckAnnotation, CheckReport } from '../../ports/forge.js';
import { commentMarker } from '../../report/hidden-marker.js';
import { printable } from '../../domain/serial.js';
import type { GitLabProject } from './client.js';

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

/**
 * What a check says on a merge request, where GitLab has no check runs:
 * the title, the summary, the findings linked to their lines, and the
 * commands that ask for the fixes GitHub offers as buttons.
 */
export function checkNoteBody(project: GitLabProject, report: CheckReport): string {
  const parts = [`### ${report.name}: ${report.title}`, report.summary];
  if (report.annotations.length > 0) {
    parts.push(
      ['#### Findings', ...report.annotations.map((a) => annotationItem(project, report.headSha, a))].join('\n'),
    );
  }
  const commands = report.commands ?? [];
  if (commands.length > 0) {
    parts.push(['To fix it, comment:', ...commands.map((c) => `- ${codeSpan(c)}`)].join('\n'));
  }
  // Names in the findings are a repository's (a fork's) to choose, and a note notifies whoever it mentions:
  // an `@` followed by a zero-width space mentions nobody (`@all` would ping every member as the bot).
  return [checkNoteMarker(report.name), ...parts].join('\n\n').replace(/@(?=[\w.-])/g, '@\u200b');
}
