import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import { branchRole, PortPatternTimeoutError, type BranchRole } from '../../src/domain/branch.js';

function withPattern(port_pattern: string | null): Config {
  const config = defaultConfig();
  return { ...config, branches: { ...config.branches, port_pattern } };
}

describe('branchRole', () => {
  it.each<[string, BranchRole]>([
    ['devel', 'development'],
    ['testing', 'release'],
    ['stable', 'release'],
    ['feature/bookworm', 'port'],
    ['feature/1234-foo', 'topic'],
    ['bugfix/18464-shim', 'topic'],
    ['refs/heads/devel', 'topic'],
  ])('%s is a %s branch under the Tails defaults', (branch, role) => {
    expect(branchRole(branch, defaultConfig())).toBe(role);
  });

  it('knows no port branch without a pattern', () => {
    expect(branchRole('feature/bookworm', withPattern(null))).toBe('topic');
  });

  // A repository's configuration chooses the pattern and a pusher the branch
  // name: a pattern that backtracks for ever must not hang the bot.
  it('gives up on a pattern that backtracks catastrophically, naming it and the branch', () => {
    const config = withPattern('^(a+)+$');
    const branch = `${'a'.repeat(40)}!`;
    const started = Date.now();
    expect(() => branchRole(branch, config)).toThrow(PortPatternTimeoutError);
    expect(() => branchRole(branch, config)).toThrow(
      `branches.port_pattern /^(a+)+$/ took too long to match the branch "${branch}"`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
