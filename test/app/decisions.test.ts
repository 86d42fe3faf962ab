import { rerunTarget } from '../../src/app/on-check-run.js';
import { changeRequestEvent, type PullRequestPayload, type PushPayload } from '../../src/adapters/github/events.js';
import { changeRequestTarget, isBotChangeRequest, judgesChangeRequest } from '../../src/app/on-pull-request.js';
import { decidePush } from '../../src/app/on-push.js';
import { fixture } from '../helpers/probot-app.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

describe('decidePush', () => {
  it.each<[string, PushPayload, ReturnType<typeof decidePush>]>([
    [
      'a push',
      { ref: 'refs/heads/feature/x', before: B, after: A },
      { judge: true, target: { kind: 'push', branch: 'feature/x', rev: A, before: B } },
    ],
    [
      'a new branch',
      { ref: 'refs/heads/feature/x', before: Z, after: A, created: true },
      { judge: true, target: { kind: 'push', branch: 'feature/x', rev: A, created: true } },
    ],
    [
      'a new branch without the flag',
      { ref: 'refs/heads/x', before: Z, after: A },
      { judge: true, target: { kind: 'push', branch: 'x', rev: A, created: true } },
    ],
    // Whether a force push is compared with before depends on the branch's role, which judging decides.
    [
      'a force push',
      { ref: 'refs/heads/feature/1234-x', before: B, after: A, forced: true },
      { judge: true, target: { kind: 'push', branch: 'feature/1234-x', rev: A, before: B, rewritten: true } },
    ],
    [
      'a new branch pushed with force',
      { ref: 'refs/heads/release', before: Z, after: A, forced: true, created: true },
      { judge: true, target: { kind: 'push', branch: 'release', rev: A, created: true } },
    ],
    [
      'a deleted branch',
      { ref: 'refs/heads/x', before: B, after: Z, deleted: true },
      { judge: false, reason: 'branch x was deleted' },
    ],
    [
      'a tag',
      { ref: 'refs/tags/4.19-rc1', before: Z, after: A, created: true },
      { judge: false, reason: 'refs/tags/4.19-rc1 is not a branch' },
    ],
  ])('%s', (_name, payload, decision) => {
    expect(decidePush(payload)).toEqual(decision);
  });
});

describe('pull requests', () => {
  it.each([
    ['pull-request-opened', true],
    ['pull-request-synchronize', true],
    ['pull-request-reopened', true],
    ['pull-request-edited-base', true],
    ['pull-request-edited-title', false],
  ])('%s is judged: %s', (name, judged) => {
    expect(judgesChangeRequest(changeRequestEvent(fixture<PullRequestPayload>(name)))).toBe(judged);
  });

  it('does not judge a closed pull request', () => {
    const payload = fixture<PullRequestPayload>('pull-request-edited-base');
    payload.pull_request.state = 'closed';
    expect(judgesChangeRequest(changeRequestEvent(payload))).toBe(false);
  });

  it.each([
    ['pull-request-opened', false, false],
    ['pull-request-opened-from-fork', true, false],
    ['pull-request-opened-by-bot', false, true],
  ])('%s: from a fork %s, the bot own %s', (name, fromFork, ownByBot) => {
    const payload = fixture<PullRequestPayload>(name);
    expect(changeRequestTarget(changeRequestEvent(payload)).fromFork).toBe(fromFork);
    expect(isBotChangeRequest(changeRequestEvent(payload), 'apt-snapshots-bot/')).toBe(ownByBot);
  });

  it('treats a pull request whose fork was deleted as a fork', () => {
    const payload = fixture<PullRequestPayload>('pull-request-opened-from-fork');
    payload.pull_request.head.repo = null;
    expect(changeRequestTarget(changeRequestEvent(payload)).fromFork).toBe(true);
  });
});

describe('rerunTarget', () => {
  it('judges a push again as it was, and a pull request against where its base is now', () => {
    expect(rerunTarget({ kind: 'push', branch: 'devel', sha: A, before: B })).toEqual({
      kind: 'push',
      branch: 'devel',
      rev: A,
      before: B,
    });
    // A new branch's check is judged again as its push was: under the default branch's rules.
    expect(rerunTarget({ kind: 'push', branch: 'testing', sha: A, created: true })).toEqual({
      kind: 'push',
      branch: 'testing',
      rev: A,
      created: true,
    });
    expect(
      rerunTarget({
        kind: 'pull_request',
        number: 3,
        branch: 'x',
        sha: A,
        baseRef: 'devel',
        baseSha: B,
        fromFork: false,
      }),
    ).toEqual({
      kind: 'pull_request',
      number: 3,
      branch: 'x',
      rev: A,
      baseRef: 'devel',
      baseRev: 'refs/heads/devel',
      baseSha: B,
      fromFork: false,
    });
  });
});
