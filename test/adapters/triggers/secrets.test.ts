import { redactor } from '../../../src/adapters/triggers/secrets.js';

describe('redactor', () => {
  const secret = 'SEC RET+/&=tok%"\\';
  const redact = redactor([secret, 'short']);

  it.each([
    ['as it is (a header)', secret],
    ['in a URL', encodeURIComponent(secret)],
    ['in a form body, a space as "+"', new URLSearchParams({ token: secret }).toString().slice('token='.length)],
    ['in a JSON string', JSON.stringify(secret).slice(1, -1)],
  ])('hides a secret %s, wherever a server echoes it', (_how, form) => {
    const text = redact(`bad request: token=${form}&ref=master`);
    expect(text).toBe('bad request: token=[redacted]&ref=master');
  });

  it('hides a secret that contains another whole', () => {
    expect(redactor(['abc', 'xabcx'])('id xabcx and abc')).toBe('id [redacted] and [redacted]');
  });
});
