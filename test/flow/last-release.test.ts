import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import { newestReleaseTag } from '../../src/flow/last-release.js';

const config = defaultConfig();

function withPattern(tag_pattern: string): Config {
  return { ...config, release: { ...config.release, tag_pattern } };
}

describe('newestReleaseTag', () => {
  it('takes the newest in Debian order, a release candidate before its release', () => {
    expect(newestReleaseTag(['4.2', '4.19-rc1', '4.18', '4.19-beta1'], config)).toBe('4.19-rc1');
    expect(newestReleaseTag(['4.19-rc1', '4.19', '4.9'], config)).toBe('4.19');
  });

  it('ignores tags that are not releases, and answers undefined when none is', () => {
    expect(newestReleaseTag(['5.0-dev', 'v9.0', 'latest', '4.1'], config)).toBe('4.1');
    expect(newestReleaseTag(['v9.0', 'latest'], config)).toBeUndefined();
    expect(newestReleaseTag([], config)).toBeUndefined();
  });

  it('keeps only tags whose version parses, whatever the pattern lets through', () => {
    expect(newestReleaseTag(['9.0', 'x.y'], withPattern('^.+$'))).toBe('9.0');
  });

  it('matches no tag against a pattern that backtracks too long, rather than hang', () => {
    const tag = `${'a'.repeat(40)}!`;
    expect(newestReleaseTag([tag, '4.1'], withPattern('^(a+)+$|^4\\.1$'))).toBe('4.1');
  });
});
