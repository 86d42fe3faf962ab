import { unansweredHint } from '../../src/rules/unanswered-hint.js';

describe('unansweredHint', () => {
  it('points at the URL when the server answered with something that is no Release file', () => {
    expect(
      unansweredHint('http://x/Release: has neither a Suite nor a Codename field; this is not a Release file', 'again'),
    ).toMatch(/^The server answered with something that is not a Release file: check the snapshot server URL/);
  });

  it('says to try again after an outage', () => {
    expect(unansweredHint('http://x/Release: ECONNREFUSED', 'Run it again.')).toBe('Run it again.');
  });
});
