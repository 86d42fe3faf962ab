import type { Config } from '../../src/config/schema.js';
import { builderFrozen } from '../../src/rules/builder-frozen.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { BUILDER } = PATHS;
const S = '2021042702';

describe('builder-frozen', () => {
  it.each(['devel', 'testing', 'feature/1234-foo'])('warns about latest in the builder set on %s', (branch) => {
    const findings = builderFrozen.check(
      ctxFor(branch, tailsTree({ builder: { debian: 'latest', 'debian-security': 'latest', tails: S } })),
    );
    expect(findings.map(brief)).toEqual([
      {
        rule: 'builder-frozen',
        severity: 'warning',
        path: `${BUILDER}/debian/serial`,
        line: undefined,
        fix: undefined,
      },
      {
        rule: 'builder-frozen',
        severity: 'warning',
        path: `${BUILDER}/debian-security/serial`,
        line: undefined,
        fix: undefined,
      },
    ]);
    expect(findings[0]?.message).toBe(
      `debian in the builder set (${BUILDER}) uses latest on ${branch}; this set never thaws, so each origin should be pinned to a serial to keep builds reproducible.`,
    );
  });

  it.each([
    ['a pinned builder set and a thawed main set', tailsTree()],
    ['an unreadable builder serial', tailsTree({ builder: { debian: 'lates', tails: S } })],
  ])('accepts %s', (_name, files) => {
    expect(builderFrozen.check(ctxFor('devel', files))).toEqual([]);
  });

  describe('with a non-default configuration', () => {
    const config = customConfig();
    it('checks the configured set that never thaws', () => {
      const findings = builderFrozen.check(
        ctxFor('main', customTree({ vm: { archive: S, extras: 'latest' } }), { config }),
      );
      expect(findings.map((f) => f.path)).toEqual([`${CUSTOM.VM}/extras/serial`]);
      expect(findings[0]?.message).toMatch(/^extras in the vm set \(ci\/vm-snapshots\) uses latest on main/);
    });

    it('lets an exception of that set use latest', () => {
      const vmWithException: Config = {
        ...config,
        snapshot_sets: config.snapshot_sets.map((s) =>
          s.name === 'vm' ? { ...s, freeze_exceptions: ['security'] } : s,
        ),
      };
      expect(
        builderFrozen.check(
          ctxFor('main', customTree({ vm: { archive: S, security: 'latest' } }), { config: vmWithException }),
        ),
      ).toEqual([]);
    });
  });
});
