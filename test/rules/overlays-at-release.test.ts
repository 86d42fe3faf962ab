import { overlaysAtRelease } from '../../src/rules/overlays-at-release.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree } from '../helpers/rule-context.js';
import { tailsTree } from '../helpers/snapshot.js';

const released = (version: string) =>
  `tails (${version}) unstable; urgency=medium\n\n  * New upstream release.\n\n -- RM <rm@example.org>  Mon, 17 May 2021 10:00:00 +0200\n`;
const UNRELEASED =
  'tails (4.19) UNRELEASED; urgency=medium\n\n  * Dummy.\n\n -- RM <rm@example.org>  Mon, 17 May 2021 10:00:00 +0200\n';

describe('overlays-at-release', () => {
  it.each(['testing', 'stable'])('reports overlays left when %s is released', (branch) => {
    const findings = overlaysAtRelease.check(
      ctxFor(
        branch,
        tailsTree({ changelog: released('4.19~rc1'), overlays: ['bugfix-18000-tor', 'feature-tor-0.4.6'] }),
      ),
    );
    expect(findings.map(brief)).toEqual([
      {
        rule: 'overlays-at-release',
        severity: 'error',
        path: 'config/APT_overlays.d',
        line: undefined,
        fix: undefined,
      },
    ]);
    expect(findings[0]?.message).toBe(
      `At release, config/APT_overlays.d/ must be empty: 4.19~rc1 is released on ${branch} (distribution unstable) but config/APT_overlays.d/ holds bugfix-18000-tor and feature-tor-0.4.6.`,
    );
    expect(findings[0]?.hint).toMatch(/keeping only \.placeholder/);
  });

  it.each([
    ['an unreleased entry with overlays', 'testing', tailsTree({ changelog: UNRELEASED, overlays: ['feature-x'] })],
    ['a release with only .placeholder', 'testing', tailsTree({ changelog: released('4.19') })],
    ['a released entry on devel', 'devel', tailsTree({ changelog: released('4.19'), overlays: ['feature-x'] })],
    [
      'a released entry on a topic branch',
      'feature/1234-foo',
      tailsTree({ changelog: released('4.19'), overlays: ['feature-x'] }),
    ],
    ['an unparsable changelog', 'testing', tailsTree({ changelog: 'not a changelog\n', overlays: ['feature-x'] })],
  ])('accepts %s', (_name, branch, files) => {
    expect(overlaysAtRelease.check(ctxFor(branch, files))).toEqual([]);
  });

  it('accepts a release whose changelog was not read', () => {
    const files = tailsTree({ overlays: ['feature-x'] });
    delete files['debian/changelog'];
    expect(overlaysAtRelease.check(ctxFor('stable', files))).toEqual([]);
  });

  it('uses the configured branches, changelog and overlays directory', () => {
    const config = customConfig();
    const changelog =
      'app (2.0) bookworm; urgency=medium\n\n  * Release.\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n';
    const findings = overlaysAtRelease.check(
      ctxFor('release', customTree({ changelog, overlays: ['extra.list'] }), { config }),
    );
    expect(findings.map((f) => f.path)).toEqual([CUSTOM.OVERLAYS]);
    expect(findings[0]?.message).toMatch(
      /^At release, apt\/overlays\/ must be empty: 2\.0 is released on release \(distribution bookworm\)/,
    );
    expect(
      overlaysAtRelease.check(ctxFor('testing', customTree({ changelog, overlays: ['extra.list'] }), { config })),
    ).toEqual([]);
  });
});
