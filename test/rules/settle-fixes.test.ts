import type { Finding } from '../../src/domain/finding.js';
import { judge } from '../../src/rules/judge.js';
import { settleFixes } from '../../src/rules/settle-fixes.js';
import { ctxFor, NOW } from '../helpers/rule-context.js';
import { fakeState, PATHS, tailsTree } from '../helpers/snapshot.js';
import { defaultConfig } from '../../src/config/defaults.js';

const S = '2021051301';
const FROZEN = { debian: S, 'debian-security': 'latest', torproject: S };
const DAY = 24 * 60 * 60 * 1000;
const soon = { ok: true as const, validUntil: new Date(NOW.getTime() + 3 * DAY) };

const finding = (path: string, fix: Finding['fix'], severity: Finding['severity'] = 'warning'): Finding => ({
  rule: `r-${fix ?? 'none'}`,
  severity,
  path,
  message: `Problem with ${path}.`,
  ...(fix ? { fix } : {}),
});

describe('settleFixes', () => {
  const state = fakeState(tailsTree({ main: FROZEN }), defaultConfig());
  const MAIN_DEBIAN = `${PATHS.MAIN}/debian/serial`;
  const BUILDER_DEBIAN = `${PATHS.BUILDER}/debian/serial`;

  it('folds a bump of a pin the thaw removes into the thaw finding of that file, as a reason more', () => {
    const settled = settleFixes([finding(MAIN_DEBIAN, 'thaw', 'error'), finding(MAIN_DEBIAN, 'bump')], state);
    expect(settled).toEqual([
      {
        rule: 'r-thaw',
        severity: 'error',
        path: MAIN_DEBIAN,
        message: `Problem with ${MAIN_DEBIAN}. Thawing also settles this: problem with ${MAIN_DEBIAN}.`,
        fix: 'thaw',
      },
    ]);
  });

  it('withholds a bump the thaw does not settle (the builder set), keeping its finding', () => {
    const settled = settleFixes([finding(MAIN_DEBIAN, 'thaw', 'error'), finding(BUILDER_DEBIAN, 'bump')], state);
    expect(settled.map((f) => [f.path, f.fix])).toEqual([
      [MAIN_DEBIAN, 'thaw'],
      [BUILDER_DEBIAN, undefined],
    ]);
  });

  it('lets a freeze settle every bump, and keeps an error an error', () => {
    const settled = settleFixes(
      [
        finding(MAIN_DEBIAN, 'freeze', 'warning'),
        finding(MAIN_DEBIAN, 'bump', 'error'),
        finding(BUILDER_DEBIAN, 'bump'),
      ],
      state,
    );
    expect(settled.map((f) => [f.path, f.fix, f.severity])).toEqual([
      [MAIN_DEBIAN, 'freeze', 'error'],
      [BUILDER_DEBIAN, undefined, 'warning'],
    ]);
    expect(settled[0]?.message).toContain('Freezing also settles this');
  });

  it('leaves findings alone when one fix is asked for, or none', () => {
    const one = [finding(MAIN_DEBIAN, 'bump'), finding(BUILDER_DEBIAN, 'bump'), finding('x', undefined)];
    expect(settleFixes(one, state)).toEqual(one);
  });
});

describe('judge: devel left frozen, whose pins also expire', () => {
  it('offers the thaw alone, the expiry of the pins it removes folded into it', () => {
    const verdict = judge(
      ctxFor('devel', tailsTree({ main: FROZEN }), {
        expiries: {
          [`debian/${S}`]: soon,
          [`torproject/${S}`]: soon,
          'debian/2021042702': { ok: true, validUntil: new Date(NOW.getTime() + 90 * DAY) },
          'debian-security/2021042702': { ok: true, validUntil: new Date(NOW.getTime() + 90 * DAY) },
        },
      }),
    );
    expect(new Set(verdict.findings.flatMap((f) => (f.fix ? [f.fix] : [])))).toEqual(new Set(['thaw']));
    expect(verdict.findings.filter((f) => f.rule === 'snapshot-expiry' && f.path.startsWith(PATHS.MAIN))).toEqual([]);
    const thaw = verdict.findings.find((f) => f.path === `${PATHS.MAIN}/debian/serial`);
    expect(thaw?.message).toMatch(/^devel was left frozen: .* Thawing also settles this: snapshot debian 2021051301/);
  });
});
