import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cloneFixture, removeFixtureClone } from '../helpers/fixture.js';
import {
  changelogTopLine,
  isReleased,
  parseChangelogDate,
  parseChangelogTop,
  tagForVersion,
} from '../../src/domain/changelog.js';

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

describe('parseChangelogDate', () => {
  it('reads the date of the top entry from its trailer, as dpkg-parsechangelog does', () => {
    const text =
      '\ntails (4.20) unstable; urgency=medium\n\n  * Upgrade Tor.\n\n -- Tails developers <tails@boum.org>  Mon, 12 Jul 2021 13:50:41 +0200\n\ntails (4.19) unstable; urgency=medium\n\n -- x <x@y>  Mon, 31 May 2021 10:00:00 +0000\n';
    const result = parseChangelogDate(text);
    expect(result).toEqual({ ok: true, value: { date: new Date('2021-07-12T11:50:41Z'), line: 6 } });
    expect(changelogTopLine(text)).toBe(2);
  });

  it.each([
    ['tails (4.20) unstable; urgency=medium\n\n  * x\n', /has no trailer line/],
    [
      'tails (4.20) unstable; urgency=medium\n\n  * x\n-- x <x@y>  Mon, 12 Jul 2021 13:50:41 +0200\n',
      /^line 4 .* is a trailer without its leading space/,
    ],
    [
      'tails (4.20) unstable; urgency=medium\n\n -- x <x@y>   Mon, 12 Jul 2021 13:50:41 +0200\n',
      /^line 3: .* is not a trailer .*dpkg-parsechangelog finds no date in it/,
    ],
    [
      'tails (4.20) unstable; urgency=medium\n\n -- x <x@y>  Mon, 32 Jul 2021 13:50:41 +0200\n',
      /^line 3: the date "Mon, 32 Jul 2021 13:50:41 \+0200" has an impossible date/,
    ],
    [
      'tails (4.20) unstable; urgency=medium\n\ntails (4.19) unstable; urgency=medium\n -- x <x@y>  Mon, 31 May 2021 10:00:00 +0000\n',
      /has no trailer/,
    ],
  ])('says what is wrong with %j', (text, error) => {
    const result = parseChangelogDate(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it('agrees with dpkg-parsechangelog and date(1) on the real changelog of Tails 4.20', async () => {
    // "Mark Tails 4.20 as released." in the real history.
    const text = execFileSync('git', ['show', '4cd1a14:debian/changelog'], {
      cwd: await cloneFixture(),
      encoding: 'utf8',
    });
    const file = join(await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-changelog-')), 'changelog');
    await writeFile(file, text);
    const dpkg = execFileSync('dpkg-parsechangelog', ['-l', file, '--show-field=Date'], { encoding: 'utf8' }).trim();
    await rm(dirname(file), { recursive: true });
    const epoch = Number(execFileSync('date', ['--date', dpkg, '+%s'], { encoding: 'utf8' }).trim());
    const result = parseChangelogDate(text);
    expect(result.ok && result.value.date.getTime() / 1000).toBe(epoch);
    expect(epoch).toBe(1626090641);
  });
});

afterAll(removeFixtureClone);
