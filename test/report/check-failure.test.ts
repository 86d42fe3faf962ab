import { checkRunSummary } from '../../src/adapters/github/check-output.js';
import { ForgeError } from '../../src/adapters/github/forge-error.js';
import { ReadError, SnapshotServerError } from '../../src/errors.js';
import { describeFailure, renderFailure } from '../../src/report/check-failure.js';
import { parseSubjectMarker } from '../../src/report/check-subject.js';

/** What Octokit's RequestError looks like. */
function requestError(
  status: number,
  headers: Record<string, string>,
  url = 'https://api.github.com/graphql?token=secret',
): Error {
  return Object.assign(new Error(`HttpError ${status}`), {
    name: 'HttpError',
    status,
    request: { method: 'POST', url, headers: {} },
    response: { status, url, headers, data: {} },
  });
}

describe('describeFailure', () => {
  it.each([
    [
      'the snapshot server',
      new SnapshotServerError('http://snap/x: connection refused', 'http://snap/x'),
      'the snapshot server did not answer',
      /`http:\/\/snap\/x`[\s\S]*connection refused[\s\S]*Re-run this check once the server is back\./,
    ],
    [
      'a primary rate limit',
      requestError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1621000000' }),
      'GitHub API rate limit exceeded',
      /rate limit is exhausted \(POST https:\/\/api\.github\.com\/graphql\); the limit resets at 2021-05-14T13:46:40Z\. Re-run this check after that\./,
    ],
    [
      'a secondary rate limit',
      requestError(403, { 'retry-after': '60' }),
      'GitHub API rate limit exceeded',
      /GitHub asks to wait 60 s before retrying/,
    ],
    [
      'a 429',
      requestError(429, { 'x-ratelimit-remaining': '0' }),
      'GitHub API rate limit exceeded',
      /the limit resets within the hour/,
    ],
    [
      'a 500',
      requestError(500, {}),
      'GitHub API error 500',
      /GitHub had an internal error \(POST https:\/\/api\.github\.com\/graphql\)[\s\S]*usually temporary: re-run this check\./,
    ],
    ['a 403 that is no rate limit', requestError(403, {}), 'GitHub API error 403', /may lack a permission/],
    [
      'an adapter error wrapping a rate limit',
      new ReadError('cannot read devel: GitHub read answered 403', {
        cause: new ForgeError('GitHub read: answered 403', 'read', 'POST https://api.github.com/graphql', {
          status: 403,
          cause: requestError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1621000000' }),
        }),
      }),
      'GitHub API rate limit exceeded',
      /resets at 2021-05-14T13:46:40Z/,
    ],
    [
      'an API failure without a response',
      new ForgeError(
        'GitHub create check: POST https://api.github.com/x failed: socket hang up',
        'create check',
        'POST https://api.github.com/x',
      ),
      'GitHub API request failed',
      /socket hang up/,
    ],
    [
      'an unreadable revision',
      new ReadError('revision "refs/heads/x" does not exist'),
      'a revision could not be read',
      /does not exist[\s\S]*force-pushed away/,
    ],
    ['anything else', new Error('boom'), 'unexpected error', /boom/],
  ])('%s', (_name, error, reason, detail) => {
    const described = describeFailure(error);
    expect(described.reason).toBe(reason);
    expect(described.detail).toMatch(detail);
    expect(described.detail).not.toContain('secret');
  });

  it('says how to retry where it will be read', () => {
    expect(describeFailure(new Error('boom'), 'Try the command again').detail).toContain(
      'Try the command again; if it fails again',
    );
  });
});

describe('renderFailure', () => {
  it('fails the check, says why, and keeps the subject so a re-run judges again', () => {
    const subject = { kind: 'push' as const, branch: 'devel', sha: 'a'.repeat(40), before: 'b'.repeat(40) };
    const report = renderFailure('APT snapshots', subject, requestError(500, {}));
    expect(report).toMatchObject({
      name: 'APT snapshots',
      headSha: subject.sha,
      conclusion: 'failure',
      title: 'Could not judge: GitHub API error 500',
      annotations: [],
      fixes: [],
    });
    expect(report.summary).toMatch(/^\*\*Could not judge `devel` at `aaaaaaa`\.\*\*/);
    expect(parseSubjectMarker(report.summary)).toEqual(subject);
  });

  it('keeps the subject within GitHub limit, once shown there, whatever the length of the error', () => {
    const subject = { kind: 'push' as const, branch: 'devel', sha: 'a'.repeat(40) };
    const report = renderFailure(
      'APT snapshots',
      subject,
      new Error(Array.from({ length: 5000 }, (_, i) => `line ${i} of a long error`).join('\n')),
    );
    const shown = checkRunSummary(report.summary);
    expect(shown.length).toBeLessThanOrEqual(65_535);
    expect(parseSubjectMarker(shown)).toEqual(subject);
  });
});
