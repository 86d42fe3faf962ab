import type { Finding } from '../../src/domain/finding.js';
import { annotationsFor, fixActionOf, fixesFor } from '../../src/report/check-annotations.js';

const f = (overrides: Partial<Finding>): Finding => ({
  rule: 'r',
  severity: 'error',
  path: 'config/base_branch',
  message: 'm',
  ...overrides,
});

describe('annotationsFor', () => {
  it.each([
    [
      'line 1 when the finding names none',
      f({}),
      { path: 'config/base_branch', line: 1, level: 'failure', title: 'error: r', message: 'm' },
    ],
    [
      'the finding line',
      f({ severity: 'warning', line: 7, hint: 'do this' }),
      { path: 'config/base_branch', line: 7, level: 'warning', title: 'warning: r', message: 'm\n\ndo this' },
    ],
    [
      'notice level',
      f({ severity: 'notice', line: 0 }),
      { path: 'config/base_branch', line: 1, level: 'notice', title: 'notice: r', message: 'm' },
    ],
  ])('%s', (_name, finding, expected) => {
    expect(annotationsFor([finding])).toEqual([expected]);
  });

  it('skips findings about the repository as a whole', () => {
    expect(annotationsFor([f({ path: '.' }), f({ path: '' })])).toEqual([]);
  });
});

describe('fixes', () => {
  it('offers one fix per planner named, in a stable order, with its command, within GitHub limits', () => {
    const fixes = fixesFor([f({ fix: 'bump' }), f({ fix: 'thaw' }), f({ fix: 'thaw' }), f({})], 'devel');
    expect(fixes.map((a) => [a.identifier, a.command])).toEqual([
      ['fix-thaw', '/apt-snapshots thaw devel'],
      ['fix-bump', '/apt-snapshots bump devel'],
    ]);
    for (const action of fixesFor([f({ fix: 'thaw' }), f({ fix: 'freeze' }), f({ fix: 'bump' })], 'stable')) {
      expect(action.label.length).toBeLessThanOrEqual(20);
      expect(action.description.length).toBeLessThanOrEqual(40);
      expect(action.identifier.length).toBeLessThanOrEqual(20);
      expect(fixActionOf(action.identifier)).toBe(action.identifier.slice('fix-'.length));
    }
  });

  it('knows no other identifier', () => {
    expect(fixActionOf('fix-everything')).toBeUndefined();
  });
});
