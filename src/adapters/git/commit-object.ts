import { TextDecoder } from 'node:util';
import { commitSubject } from '../../domain/commit-subject.js';
import type { CommitInfo } from '../../domain/tree.js';

export interface ParsedCommit extends CommitInfo {
  tree: string;
}

function decoder(encoding: string | undefined): TextDecoder {
  if (encoding) {
    try {
      return new TextDecoder(encoding);
    } catch {
      // An encoding Node does not know: read it as UTF-8, as `git log` does.
    }
  }
  return new TextDecoder('utf-8');
}

/**
 * Parses the body of a commit object: its headers (`tree`, `parent`,
 * `committer`, `encoding`; continuation lines of signatures skipped), a blank
 * line, and the message.
 * @throws Error naming the commit when a required header is missing or malformed
 */
export function parseCommit(body: Buffer, sha: string): ParsedCommit {
  const headerEnd = body.indexOf('\n\n');
  const headerText = body.subarray(0, headerEnd < 0 ? body.length : headerEnd).toString('utf8');
  let tree: string | undefined;
  let date: Date | undefined;
  let encoding: string | undefined;
  const parents: string[] = [];
  for (const line of headerText.split('\n')) {
    if (line.startsWith(' ')) continue;
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'encoding') encoding = value;
    else if (key === 'committer') {
      const match = /> (-?\d+) [+-]\d{4}$/.exec(value);
      if (!match) throw new Error(`commit ${sha} has a malformed committer line: ${JSON.stringify(value)}`);
      date = new Date(Number(match[1]) * 1000);
    }
  }
  if (!tree) throw new Error(`commit ${sha} has no tree`);
  if (!date) throw new Error(`commit ${sha} has no committer`);
  const message = headerEnd < 0 ? '' : decoder(encoding).decode(body.subarray(headerEnd + 2));
  return { sha, tree, parents, date, subject: commitSubject(message) };
}
