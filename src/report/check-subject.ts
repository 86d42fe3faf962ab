import { readMarker, SHA_RE, writeMarker } from './hidden-marker.js';

/** What a check run judged: enough to judge it again from the check alone. */
export type CheckSubject =
  | {
      kind: 'push';
      /** The branch the commit is judged as. */
      branch: string;
      sha: string;
      /** The branch's previous commit; absent for a new branch or a re-run without one. */
      before?: string;
      /** A push created the branch: a re-run judges it under the default branch's rules again. */
      created?: true;
    }
  | {
      kind: 'pull_request';
      number: number;
      /** The head branch, which the commit is judged as. */
      branch: string;
      sha: string;
      baseRef: string;
      baseSha: string;
      /** A fork's branch, which the bot cannot push to. */
      fromFork: boolean;
    };

const MARKER = 'apt-snapshots-bot:subject';

/**
 * A hidden comment at the end of a check's summary. GitHub sends the
 * summary back with check_run events, so a re-run or a "Fix it" click knows
 * what was judged (the revision before a push, the pull request) without
 * another API request.
 */
export function subjectMarker(subject: CheckSubject): string {
  return writeMarker(MARKER, subject);
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 255;
}

/** The subject a summary carries, or undefined when it carries none or a malformed one. */
export function parseSubjectMarker(summary: string | null | undefined): CheckSubject | undefined {
  const data = readMarker(MARKER, summary);
  if (!data || !isString(data.branch) || typeof data.sha !== 'string' || !SHA_RE.test(data.sha)) return undefined;
  if (data.kind === 'push') {
    if (data.before !== undefined && (typeof data.before !== 'string' || !SHA_RE.test(data.before))) return undefined;
    if (data.created !== undefined && data.created !== true) return undefined;
    return {
      kind: 'push',
      branch: data.branch,
      sha: data.sha,
      ...(data.before === undefined ? {} : { before: data.before }),
      ...(data.created === true ? { created: true } : {}),
    };
  }
  if (data.kind === 'pull_request') {
    const { number, baseRef, baseSha, fromFork } = data;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return undefined;
    if (!isString(baseRef) || typeof baseSha !== 'string' || !SHA_RE.test(baseSha) || typeof fromFork !== 'boolean')
      return undefined;
    return { kind: 'pull_request', number, branch: data.branch, sha: data.sha, baseRef, baseSha, fromFork };
  }
  return undefined;
}
