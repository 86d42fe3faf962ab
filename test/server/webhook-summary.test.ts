import { summarise } from '../../src/server/webhook-summary.js';

describe('summarise', () => {
  it('reads the event, action, repository, commit and ref of the payloads the app handles', () => {
    expect(
      summarise('push', { ref: 'refs/heads/devel', after: 'abc', repository: { full_name: 'tails/tails' } }),
    ).toEqual({ event: 'push', ref: 'refs/heads/devel', commit: 'abc', repository: 'tails/tails' });
    expect(
      summarise('pull_request', { action: 'synchronize', pull_request: { head: { sha: 'def' } }, repository: {} }),
    ).toEqual({ event: 'pull_request.synchronize', commit: 'def' });
    expect(summarise('check_run', { action: 'rerequested', check_run: { head_sha: '123' } })).toEqual({
      event: 'check_run.rerequested',
      commit: '123',
    });
  });

  it.each([null, 42, 'text', [], { action: 7, after: {}, repository: 'tails/tails', ref: ['x'] }])(
    'takes nothing but strings from a payload such as %j',
    (payload) => {
      expect(summarise('push', payload)).toEqual({ event: 'push' });
    },
  );

  it('cuts a field long enough to flood the log', () => {
    expect(summarise('push', { ref: 'x'.repeat(10_000) }).ref).toHaveLength(200);
  });
});
