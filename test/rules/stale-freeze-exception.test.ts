import { staleFreezeException } from '../../src/rules/stale-freeze-exception.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree } from '../helpers/rule-context.js';
import { isActiveFreezeException } from '../../src/planners/preferences-edit.js';
import { fakeState, tailsTree } from '../helpers/snapshot.js';

const tailsState = (preferences: string) => fakeState(tailsTree({ preferences }));

const PREFS = 'config/chroot_apt/preferences';
const FIREFOX = 'Package: firefox\nPin: release o=Debian\nPin-Priority: 999\n\n';

function prefs(priorityLine: string, explanation = 'Explanation: freeze exception (#18464)'): string {
  return `${FIREFOX}${explanation}\nPackage: shim*\nPin: origin deb.tails.boum.org\n${priorityLine}`;
}

describe('stale-freeze-exception', () => {
  it.each([
    [
      'an active pin',
      prefs('Pin-Priority: 999\n'),
      8,
      /the stanza "freeze exception \(#18464\)" for shim\* has Pin-Priority 999; after a release, freeze exceptions are neutralised/,
    ],
    ['a pin of 1', prefs('Pin-Priority: 1\n'), 8, /has Pin-Priority 1;/],
    [
      'a differently capitalised explanation',
      prefs('Pin-Priority: 999\n', 'Explanation: Freeze exception: linux 4.18.20-2'),
      8,
      /"Freeze exception: linux 4\.18\.20-2"/,
    ],
  ])('warns about %s on devel, fixed by the thaw', (_name, preferences, line, message) => {
    const findings = staleFreezeException.check(ctxFor('devel', tailsTree({ preferences })));
    expect(findings.map(brief)).toEqual([
      { rule: 'stale-freeze-exception', severity: 'warning', path: PREFS, line, fix: 'thaw' },
    ]);
    expect(findings[0]?.message).toMatch(/^devel still carries an active freeze exception/);
    expect(findings[0]?.message).toMatch(message);
    expect(findings[0]?.hint).toMatch(/Pin-Priority to -1/);
  });

  // The thaw only rewrites a numeric Pin-Priority: offering it as the fix here would open an empty pull request.
  it.each([
    ['a non-numeric priority, on its line', prefs('Pin-Priority: high\n'), 8],
    ['a missing priority, at the stanza start', prefs(''), 5],
  ])('warns about %s on devel, to be fixed by hand', (_name, preferences, line) => {
    const findings = staleFreezeException.check(ctxFor('devel', tailsTree({ preferences })));
    expect(findings.map(brief)).toEqual([{ rule: 'stale-freeze-exception', severity: 'warning', path: PREFS, line }]);
    expect(findings[0]?.message).toMatch(/has no numeric Pin-Priority/);
    expect(findings[0]?.hint).toBe(
      'Write `Pin-Priority: -1` into that stanza by hand: the thaw only rewrites a numeric Pin-Priority.',
    );
    expect(isActiveFreezeException(tailsState(preferences).preferences.freezeExceptions[0]!)).toBe(false);
  });

  it.each([
    ['a neutralised pin', 'devel', prefs('Pin-Priority: -1\n')],
    ['a pin of 0', 'devel', prefs('Pin-Priority: 0\n')],
    [
      'a pin that is not a freeze exception',
      'devel',
      prefs('Pin-Priority: 999\n', 'Explanation: unavailable in Buster'),
    ],
    ['no preferences file', 'devel', undefined],
    ['an active pin on testing, during its freeze', 'testing', prefs('Pin-Priority: 999\n')],
    ['an active pin on a topic branch', 'bugfix/18464-shim', prefs('Pin-Priority: 999\n')],
  ])('accepts %s on %s', (_name, branch, preferences) => {
    const files = tailsTree({ preferences });
    if (preferences === undefined) delete files[PREFS];
    expect(staleFreezeException.check(ctxFor(branch, files))).toEqual([]);
  });

  it('reports every active stanza', () => {
    const preferences = `${prefs('Pin-Priority: 999\n')}\nExplanation: freeze exception\nPackage: tor\nPin-Priority: -1\n\nExplanation: freeze exception\nPackage: linux-image-amd64\nPin-Priority: 990\n`;
    expect(staleFreezeException.check(ctxFor('devel', tailsTree({ preferences }))).map((f) => f.line)).toEqual([8, 16]);
  });

  it('uses the configured branch, file and explanation prefix', () => {
    const config = customConfig();
    const preferences =
      'Explanation: hotfix for CVE-2023-1\nPackage: openssl\nPin-Priority: 1001\n\nExplanation: freeze exception\nPackage: tor\nPin-Priority: 999\n';
    const findings = staleFreezeException.check(ctxFor('main', customTree({ preferences }), { config }));
    expect(findings.map(brief)).toEqual([
      { rule: 'stale-freeze-exception', severity: 'warning', path: CUSTOM.PREFERENCES, line: 3, fix: 'thaw' },
    ]);
    expect(findings[0]?.message).toMatch(
      /^main still carries .*"hotfix for CVE-2023-1" for openssl has Pin-Priority 1001/,
    );
    expect(staleFreezeException.check(ctxFor('devel', customTree({ preferences }), { config }))).toEqual([]);
  });
});
