import { defaultConfig } from '../../../src/config/defaults.js';
import { parseBuildManifest } from '../../../src/domain/build-manifest.js';
import type { Finding } from '../../../src/domain/finding.js';
import { judgeRelease, RELEASE_RULES } from '../../../src/rules/release/index.js';
import type { ReleaseContext } from '../../../src/rules/release/types.js';
import type { Expiry } from '../../../src/rules/types.js';
import { fakeState, PATHS, tailsTree, type TailsTreeOptions } from '../../helpers/snapshot.js';

const NOW = new Date('2021-05-14T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const S = '2021051301';
const FROZEN = { debian: S, 'debian-security': 'latest', torproject: S };
const BUILDER = { debian: S, 'debian-security': S, tails: S };
const RELEASED =
  'tails (4.19~rc1) unstable; urgency=medium\n\n  * x\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n';
const MANIFEST = `origin_references:
  - origin: debian
    reference: '${S}'
  - origin: debian-security
    reference: 2021051302
  - origin: torproject
    reference: '${S}'
packages:
  binary:
    - { package: tor, version: 0.4.5.8-1~d10.buster+1, arch: amd64 }
  source:
    - { package: tor, version: 0.4.5.8-1~d10.buster+1 }
`;

function ctx(options: TailsTreeOptions = {}, extra: Partial<ReleaseContext> = {}): ReleaseContext {
  const files = tailsTree({ main: FROZEN, builder: BUILDER, changelog: RELEASED, baseBranch: 'testing', ...options });
  return { tag: '4.19-rc1', state: fakeState(files), config: defaultConfig(), now: NOW, ...extra };
}

const brief = (f: Finding) => `${f.severity} ${f.rule} ${f.path}${f.line === undefined ? '' : `:${f.line}`}`;

describe('the release check', () => {
  it('passes a sound release offline, skipping what needs the server and the manifest', () => {
    const verdict = judgeRelease(ctx());
    expect(verdict).toMatchObject({ conclusion: 'success', findings: [] });
    expect(verdict.skipped).toEqual([
      { rule: 'snapshots-available', reason: 'needs the snapshot server (offline)' },
      { rule: 'build-manifest', reason: 'no build manifest was given' },
    ]);
  });

  it.each([
    [
      'a tag that is not the version',
      {},
      { tag: '4.19' },
      'error release-tag debian/changelog:1',
      /is not the version of the top entry of debian\/changelog, 4\.19~rc1, which is tagged 4\.19-rc1/,
    ],
    [
      'a version written with "-", which its tag would read as "~"',
      { changelog: RELEASED.replace('4.19~rc1', '4.19-rc1') },
      {},
      'error release-tag debian/changelog:1',
      /is 4\.19-rc1, with a "-": a release tag reads "-" as "~", so 4\.19-rc1 names 4\.19~rc1/,
    ],
    [
      'an UNRELEASED entry',
      { changelog: RELEASED.replace('unstable', 'UNRELEASED') },
      {},
      'error release-tag debian/changelog:1',
      /is still UNRELEASED/,
    ],
    [
      'a tag that is no release tag',
      {},
      {
        tag: '4.19-rc1',
        config: { ...defaultConfig(), release: { ...defaultConfig().release, tag_pattern: '^[0-9.]+$' } },
      },
      'error release-tag debian/changelog:1',
      /does not match release\.tag_pattern/,
    ],
    [
      'no date in the top entry',
      { changelog: 'tails (4.19~rc1) unstable; urgency=medium\n\n  * x\n' },
      {},
      'error release-tag debian/changelog:1',
      /SOURCE_DATE_EPOCH cannot be told/,
    ],
    [
      'an overlay left',
      { overlays: ['bugfix-1234'] },
      {},
      'error overlays-at-release config/APT_overlays.d',
      /must be empty: 4\.19~rc1 is released at the tag 4\.19-rc1/,
    ],
    [
      'a thawed origin',
      { main: { ...FROZEN, torproject: 'latest' } },
      {},
      `error release-frozen ${PATHS.MAIN}/torproject/serial`,
      /torproject in the main set .* uses latest at the tag 4\.19-rc1/,
    ],
    [
      'a pinned freeze exception',
      { main: { ...FROZEN, 'debian-security': S } },
      {},
      `error release-frozen ${PATHS.MAIN}/debian-security/serial`,
      /is a freeze exception .* must stay latest/,
    ],
    [
      'a thawed builder origin',
      { builder: { ...BUILDER, tails: 'latest' } },
      {},
      `error release-frozen ${PATHS.BUILDER}/tails/serial`,
      /tails in the builder set .* uses latest/,
    ],
  ])('fails %s, on the right file', (_name, options, extra, expected, message) => {
    const verdict = judgeRelease(ctx(options, extra));
    expect(verdict.conclusion).toBe('failure');
    expect(verdict.findings.map(brief)).toEqual([expected]);
    expect(verdict.findings[0]?.message).toMatch(message);
  });

  it('warns, without failing, about a release from before the snapshots (no set at all)', () => {
    const files = tailsTree({ changelog: RELEASED });
    for (const path of Object.keys(files)) if (path.startsWith(PATHS.MAIN)) delete files[path];
    const verdict = judgeRelease({ tag: '4.19-rc1', state: fakeState(files), config: defaultConfig(), now: NOW });
    expect(verdict.conclusion).toBe('success');
    expect(verdict.findings.map(brief)).toEqual(['warning release-frozen config/APT_snapshots.d']);
  });

  it('fails a manifest naming origins for a release whose manifest set does not exist', () => {
    const files = tailsTree({ changelog: RELEASED });
    for (const path of Object.keys(files)) if (path.startsWith(PATHS.MAIN)) delete files[path];
    const manifest = { source: 'm', manifest: parseBuildManifest(MANIFEST, 'm') };
    const verdict = judgeRelease({
      tag: '4.19-rc1',
      state: fakeState(files),
      config: defaultConfig(),
      now: NOW,
      manifest,
    });
    expect(verdict.conclusion).toBe('failure');
    expect(verdict.findings.map(brief)).toEqual([
      'error build-manifest config/APT_snapshots.d',
      'warning release-frozen config/APT_snapshots.d',
    ]);
    expect(verdict.findings[0]?.message).toMatch(
      /names debian, debian-security and torproject, but config\/APT_snapshots\.d is not a directory/,
    );
  });

  describe('snapshots-available', () => {
    const fine: Expiry = { ok: true, validUntil: new Date(NOW.getTime() + 60 * DAY) };
    const expiries = (debian: Expiry) =>
      new Map<string, Expiry>([
        [`debian/${S}`, debian],
        [`torproject/${S}`, fine],
        [`debian-security/${S}`, fine],
      ]);

    it.each<[string, Expiry, RegExp | undefined]>([
      ['valid long enough', fine, undefined],
      ['a tagged snapshot that never expires', { ok: true, validUntil: null }, undefined],
      [
        'expiring within the window',
        { ok: true, validUntil: new Date(NOW.getTime() + 10 * DAY) },
        /expires in 10 day\(s\), on 2021-05-24 00:00 UTC: the release needs it for 30 days/,
      ],
      ['expired', { ok: true, validUntil: new Date(NOW.getTime() - DAY) }, /, expired, on 2021-05-13/],
      [
        'missing from the server (404)',
        { ok: false, missing: true, error: 'HTTP 404' },
        /is not on the snapshot server: HTTP 404/,
      ],
      [
        'not answered',
        { ok: false, error: 'connection refused' },
        /the snapshot server gave no usable answer \(connection refused\)/,
      ],
    ])('judges a snapshot %s', (_name, expiry, message) => {
      const verdict = judgeRelease(ctx({}, { facts: { expiries: expiries(expiry) } }));
      const found = verdict.findings.filter((f) => f.rule === 'snapshots-available' && f.severity === 'error');
      if (message === undefined) expect(found).toEqual([]);
      else {
        // debian 2021051301 is pinned in both sets.
        expect(found.map(brief)).toEqual([
          `error snapshots-available ${PATHS.MAIN}/debian/serial`,
          `error snapshots-available ${PATHS.BUILDER}/debian/serial`,
        ]);
        expect(found[0]?.message).toMatch(message);
      }
    });

    it('notices an origin whose dist is not configured (tails, in the builder set)', () => {
      const verdict = judgeRelease(ctx({}, { facts: { expiries: expiries(fine) } }));
      expect(verdict.findings.map(brief)).toEqual([`notice snapshots-available ${PATHS.BUILDER}/tails/serial`]);
    });
  });

  describe('build-manifest', () => {
    const manifest = (text: string) => ({
      source: 'release.build-manifest',
      manifest: parseBuildManifest(text, 'release.build-manifest'),
    });

    it('shows the serial a latest origin resolved to, and passes a manifest that agrees with Git', () => {
      const verdict = judgeRelease(ctx({}, { manifest: manifest(MANIFEST) }));
      expect(verdict.conclusion).toBe('success');
      expect(verdict.findings.map(brief)).toEqual([`notice build-manifest ${PATHS.MAIN}/debian-security/serial`]);
      expect(verdict.findings[0]?.message).toContain('the build used snapshot 2021051302');
    });

    it.each([
      [
        'another serial',
        MANIFEST.replace(
          `origin: torproject\n    reference: '${S}'`,
          "origin: torproject\n    reference: '2021051201'",
        ),
        `error build-manifest ${PATHS.MAIN}/torproject/serial`,
        /says torproject came from snapshot 2021051201, but Git pins 2021051301/,
      ],
      [
        'an origin Git does not have',
        MANIFEST.replace('packages:', "  - origin: extra\n    reference: '2021051301'\npackages:"),
        `error build-manifest ${PATHS.MAIN}`,
        /names extra, which config\/APT_snapshots\.d does not have/,
      ],
      [
        'no serial for a pinned origin',
        MANIFEST.replace(`  - origin: debian\n    reference: '${S}'\n`, ''),
        `error build-manifest ${PATHS.MAIN}/debian/serial`,
        /does not say which debian snapshot the build used/,
      ],
      [
        'no serial for a latest origin',
        MANIFEST.replace('  - origin: debian-security\n    reference: 2021051302\n', ''),
        `error build-manifest ${PATHS.MAIN}/debian-security/serial`,
        /resolved latest to/,
      ],
      [
        'not a manifest',
        'packages: []\n',
        'error build-manifest release.build-manifest',
        /release\.build-manifest is not a build manifest: origin_references: /,
      ],
      [
        'a reference that is no serial',
        MANIFEST.replace("reference: '2021051301'", "reference: 'latest'"),
        'error build-manifest release.build-manifest',
        /origin_references\[0\]\.reference "latest" is not a serial/,
      ],
    ])('fails %s', (_name, text, expected, message) => {
      const verdict = judgeRelease(ctx({}, { manifest: manifest(text) }));
      expect(verdict.conclusion).toBe('failure');
      expect(verdict.findings.filter((f) => f.severity === 'error').map(brief)).toEqual([expected]);
      expect(verdict.findings.find((f) => f.severity === 'error')?.message).toMatch(message);
    });
  });

  it('documents every rule, worst severity first', () => {
    for (const rule of RELEASE_RULES) {
      expect(rule.severities[0]).toBe('error');
      expect(rule.description.length).toBeGreaterThan(20);
    }
  });
});
