import { isReleased, parseChangelogTop, tagForVersion } from '../../src/domain/changelog.js';

describe('parseChangelogTop', () => {
  it.each([
    [
      'tails (4.22) UNRELEASED; urgency=medium\n\n  * Dummy.\n',
      { package: 'tails', version: '4.22', distribution: 'UNRELEASED' },
    ],
    [
      '\ntails (4.19~rc1) unstable; urgency=medium\n',
      { package: 'tails', version: '4.19~rc1', distribution: 'unstable' },
    ],
    [
      'tails (1:2.0+dfsg-1) stable-security unstable; urgency=low\n',
      { package: 'tails', version: '1:2.0+dfsg-1', distribution: 'stable-security unstable' },
    ],
  ])('reads the top entry of %j', (text, entry) => {
    expect(parseChangelogTop(text)).toEqual({ ok: true, value: entry });
  });

  it.each([
    ['', /empty/],
    ['\n\n', /empty/],
    ['Tails 4.22 released\n', /not a changelog entry header/],
    ['tails 4.22 UNRELEASED; urgency=medium\n', /not a changelog entry header/],
    // The version names freezes, commits and tags: it must be a Debian version, not terminal escapes.
    [
      'tails (4.20\u001b[5m) unstable; urgency=medium\n',
      /^first line "tails \(4\.20\\u001b\[5m\) unstable; urgency=medium" is not a changelog entry header/,
    ],
    ['tails (rc1) unstable; urgency=medium\n', /not a changelog entry header/],
    ['tails (4.20) unstable\u0007; urgency=medium\n', /"tails \(4\.20\) unstable\\u0007; urgency/],
  ])('rejects %j', (text, error) => {
    const result = parseChangelogTop(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

describe('tags and releases', () => {
  it.each([
    ['4.19~rc1', '4.19-rc1'],
    ['4.20', '4.20'],
    ['5.0~beta1~1', '5.0-beta1-1'],
  ])('tags %s as %s', (version, tag) => {
    expect(tagForVersion(version)).toBe(tag);
  });

  it('knows UNRELEASED from released', () => {
    expect(isReleased({ package: 'tails', version: '4.20', distribution: 'unstable' })).toBe(true);
    expect(isReleased({ package: 'tails', version: '4.22', distribution: 'UNRELEASED' })).toBe(false);
  });
});
