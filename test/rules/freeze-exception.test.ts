import type { Config } from '../../src/config/schema.js';
import { freezeException } from '../../src/rules/freeze-exception.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN } = PATHS;
const S = '2021051301';

describe('freeze-exception', () => {
  it.each(['testing', 'stable', 'feature/1234-foo', 'feature/bookworm'])(
    'reports debian-security pinned on %s',
    (branch) => {
      const findings = freezeException.check(
        ctxFor(branch, tailsTree({ main: { debian: S, 'debian-security': S, torproject: S } })),
      );
      expect(findings.map(brief)).toEqual([
        {
          rule: 'freeze-exception',
          severity: 'error',
          path: `${MAIN}/debian-security/serial`,
          line: undefined,
          fix: undefined,
        },
      ]);
      expect(findings[0]?.message).toBe(
        `debian-security is a freeze exception of the main set (config/APT_snapshots.d) but is pinned to ${S} on ${branch}; it must stay latest so that its updates (security fixes) reach every build.`,
      );
      expect(findings[0]?.hint).toBe(`Write \`latest\` into ${MAIN}/debian-security/serial.`);
    },
  );

  it.each([
    ['a frozen testing', 'testing', { debian: S, 'debian-security': 'latest', torproject: S }],
    ['an unreadable exception', 'testing', { debian: S, 'debian-security': '2021', torproject: S }],
    ['devel, where tracks-latest reports every pin', 'devel', { debian: S, 'debian-security': S, torproject: S }],
  ])('accepts %s', (_name, branch, main) => {
    expect(freezeException.check(ctxFor(branch, tailsTree({ main })))).toEqual([]);
  });

  it('ignores debian-security in the builder set, which has no exceptions', () => {
    expect(
      freezeException.check(ctxFor('testing', tailsTree({ builder: { debian: S, 'debian-security': S } }))),
    ).toEqual([]);
  });

  describe('with a non-default configuration', () => {
    const config = customConfig();
    it('reports the configured exception, not debian-security', () => {
      const findings = freezeException.check(
        ctxFor('release', customTree({ packages: { archive: S, security: S, 'debian-security': S } }), { config }),
      );
      expect(findings.map((f) => f.path)).toEqual([`${CUSTOM.PACKAGES}/security/serial`]);
      expect(findings[0]?.message).toMatch(
        /^security is a freeze exception of the packages set \(apt\/snapshots\) but is pinned to 2021051301 on release/,
      );
    });

    it('reports an exception of a set that never thaws even on the development branch', () => {
      const vmWithException: Config = {
        ...config,
        snapshot_sets: config.snapshot_sets.map((s) =>
          s.name === 'vm' ? { ...s, freeze_exceptions: ['security'] } : s,
        ),
      };
      const findings = freezeException.check(
        ctxFor('main', customTree({ vm: { archive: S, security: S } }), { config: vmWithException }),
      );
      expect(findings.map((f) => f.path)).toEqual([`${CUSTOM.VM}/security/serial`]);
    });
  });
});
