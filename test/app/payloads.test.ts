import { payloadProblem } from '../../src/app/payloads.js';
import { appOctokit } from '../../src/adapters/github/app-octokit.js';
import { guardNock } from '../helpers/nock-guard.js';
import { captureLog, deliver, fixture, testProbot } from '../helpers/probot-app.js';

guardNock();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks arbitrary payload paths
type Payload = Record<string, unknown> & { [key: string]: any };
const drop = (path: string) => (p: Payload) => {
  const keys = path.split('.');
  const last = keys.pop() as string;
  delete keys.reduce((o, k) => o[k], p)[last];
};
const set = (path: string, value: unknown) => (p: Payload) => {
  const keys = path.split('.');
  const last = keys.pop() as string;
  keys.reduce((o, k) => o[k], p)[last] = value;
};

describe('payloadProblem', () => {
  it.each([
    ['push', 'push-topic-branch'],
    ['push', 'push-new-branch'],
    ['push', 'push-deleted-branch'],
    ['push', 'push-tag'],
    ['pull_request', 'pull-request-opened'],
    ['pull_request', 'pull-request-opened-from-fork'],
    ['check_run', 'check-run-requested-action'],
    ['issue_comment', 'issue-comment-thaw'],
  ] as const)('accepts a real %s payload (%s)', (event, name) => {
    expect(payloadProblem(event, fixture(name))).toBeUndefined();
  });

  it('accepts the pull request of a deleted fork (head.repo null)', () => {
    const payload = fixture<Payload>('pull-request-opened-from-fork');
    payload.pull_request.head.repo = null;
    expect(payloadProblem('pull_request', payload)).toBeUndefined();
  });
});

describe('a webhook missing what the app reads is ignored with a message naming the field, without a request', () => {
  it.each([
    ['push webhook without a valid ref', 'push', 'push-topic-branch', drop('ref')],
    ['push webhook without a valid after', 'push', 'push-topic-branch', drop('after')],
    ['push webhook without a valid after', 'push', 'push-topic-branch', set('after', 'refs/heads/x')],
    ['push webhook without a valid installation', 'push', 'push-topic-branch', drop('installation')],
    ['push webhook without a valid repository', 'push', 'push-topic-branch', drop('repository')],
    ['check_run webhook without a valid sender', 'check_run', 'check-run-requested-action', drop('sender')],
    [
      'pull_request webhook without a valid pull_request.head',
      'pull_request',
      'pull-request-opened',
      drop('pull_request.head'),
    ],
    [
      'pull_request webhook without a valid pull_request.base.sha',
      'pull_request',
      'pull-request-opened',
      set('pull_request.base.sha', 'main'),
    ],
    [
      'check_run webhook without a valid check_run.output',
      'check_run',
      'check-run-requested-action',
      drop('check_run.output'),
    ],
    [
      'issue_comment webhook without a valid comment.body',
      'issue_comment',
      'issue-comment-thaw',
      set('comment.body', 42),
    ],
    ['issue_comment webhook without a valid issue.number', 'issue_comment', 'issue-comment-thaw', drop('issue.number')],
    [
      'push webhook without a valid repository.name (must be a GitHub name)',
      'push',
      'push-topic-branch',
      set('repository.name', 'tails\ud800'),
    ],
    [
      'issue_comment webhook without a valid repository.owner.login (must be a GitHub name)',
      'issue_comment',
      'issue-comment-thaw',
      set('repository.owner.login', 'x'.repeat(200_000)),
    ],
  ])('%s', async (message, event, name, edit) => {
    const payload = fixture<Payload>(name);
    edit(payload);
    const log = captureLog();

    await deliver(await testProbot({ log: log.logger }), event, payload);

    expect(log.text()).toContain(`webhook ignored: ${message}`);
  });
});

describe('an installation id that is not one, with the Octokit npm start runs', () => {
  it.each([
    ['a string', 'x'],
    ['an object', {}],
    ['a negative number', -4242],
    ['zero', 0],
  ])('is ignored in one line, where Probot failed before any handler ran (%s)', async (_what, id) => {
    const payload = fixture<Payload>('push-topic-branch');
    payload.installation.id = id;
    const log = captureLog();

    await deliver(await testProbot({ log: log.logger, Octokit: appOctokit() }), 'push', payload);

    expect(log.text()).toContain('webhook ignored: push webhook without a valid installation.id');
  });
});
