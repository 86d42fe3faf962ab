import { freezeConsistency } from '../../src/rules/freeze-consistency.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN } = PATHS;
const S = '2021051301';

describe('freeze-consistency', () => {
  it.each([
    [
      'testing frozen with debian-security latest',
      'testing',
      { debian: S, 'debian-security': 'latest', torproject: S },
    ],
    ['stable frozen', 'stable', { debian: S, 'debian-security': 'latest', torproject: '2021051202' }],
    [
      'stable frozen including debian-security (freeze-exception reports that)',
      'stable',
      { debian: S, 'debian-security': S, torproject: S },
    ],
    [
      'testing with an unreadable origin beside pinned ones',
      'testing',
      { debian: S, 'debian-security': 'latest', torproject: 'junk' },
    ],
    [
      'devel partially frozen (tracks-latest reports that)',
      'devel',
      { debian: S, 'debian-security': 'latest', torproject: 'latest' },
    ],
    [
      'a topic branch partially frozen',
      'feature/1234-foo',
      { debian: S, 'debian-security': 'latest', torproject: 'latest' },
    ],
  ])('accepts %s', (_name, branch, main) => {
    expect(freezeConsistency.check(ctxFor(branch, tailsTree({ main })))).toEqual([]);
  });

  it('reports each origin left latest on a partially frozen release branch', () => {
    const findings = freezeConsistency.check(
      ctxFor(
        'testing',
        tailsTree({ main: { debian: S, 'debian-security': 'latest', torproject: 'latest', tails: 'latest' } }),
      ),
    );
    expect(findings.map(brief)).toEqual([
      { rule: 'freeze-consistency', severity: 'error', path: `${MAIN}/tails/serial`, line: undefined, fix: 'freeze' },
      {
        rule: 'freeze-consistency',
        severity: 'error',
        path: `${MAIN}/torproject/serial`,
        line: undefined,
        fix: 'freeze',
      },
    ]);
    expect(findings[1]?.message).toBe(
      'testing is partially frozen: in the main set (config/APT_snapshots.d), debian is pinned but torproject uses latest; a release branch freezes every origin (the freeze exception debian-security stays latest).',
    );
  });

  it('reports stable, which is always frozen, with every origin latest', () => {
    const findings = freezeConsistency.check(
      ctxFor('stable', tailsTree({ main: { debian: 'latest', 'debian-security': S, torproject: 'latest' } })),
    );
    expect(findings.map(brief)).toEqual([
      { rule: 'freeze-consistency', severity: 'error', path: MAIN, line: undefined, fix: 'freeze' },
    ]);
    expect(findings[0]?.message).toMatch(
      /^stable must always be frozen, but every origin of the main set \(config\/APT_snapshots\.d\) uses latest/,
    );
  });

  it('notes testing outside a freeze', () => {
    const findings = freezeConsistency.check(ctxFor('testing', tailsTree()));
    expect(findings.map(brief)).toEqual([
      { rule: 'freeze-consistency', severity: 'notice', path: MAIN, line: undefined, fix: undefined },
    ]);
    expect(findings[0]?.message).toMatch(
      /^testing is not frozen: every origin of the main set .* uses latest\. Outside a freeze testing is unused/,
    );
  });

  it('ignores sets that never thaw', () => {
    expect(
      freezeConsistency.check(
        ctxFor('testing', tailsTree({ main: { debian: S, torproject: S }, builder: { debian: 'latest', tails: S } })),
      ),
    ).toEqual([]);
  });

  describe('with a non-default configuration', () => {
    const config = customConfig();
    it('reports an always-frozen branch left latest', () => {
      const findings = freezeConsistency.check(ctxFor('lts', customTree({ baseBranch: 'lts' }), { config }));
      expect(findings.map(brief)).toEqual([
        { rule: 'freeze-consistency', severity: 'error', path: CUSTOM.PACKAGES, line: undefined, fix: 'freeze' },
      ]);
      expect(findings[0]?.message).toMatch(
        /^lts must always be frozen.*the packages set \(apt\/snapshots\).*freeze exception security stays latest/,
      );
    });

    it('reports a partial freeze, not counting the exception', () => {
      const findings = freezeConsistency.check(
        ctxFor('release', customTree({ packages: { archive: S, extras: 'latest', security: 'latest' } }), { config }),
      );
      expect(findings.map((f) => [f.severity, f.path])).toEqual([['error', `${CUSTOM.PACKAGES}/extras/serial`]]);
      expect(
        freezeConsistency.check(
          ctxFor('release', customTree({ packages: { archive: S, extras: S, security: 'latest' } }), { config }),
        ),
      ).toEqual([]);
    });

    it('does not treat testing or stable as release branches', () => {
      expect(freezeConsistency.check(ctxFor('stable', customTree(), { config }))).toEqual([]);
    });
  });
});
