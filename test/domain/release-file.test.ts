import { parseValidUntil } from '../../src/domain/release-file.js';
import { parseRfc2822Date } from '../../src/domain/rfc2822-date.js';

const URL = 'http://snapshots.example/debian/dists/stable/snapshots/2021051301/Release';

/** A Release file as the time-based snapshot server publishes it. */
function release(validUntil: string[] = ['Valid-Until: Sat, 22 May 2021 13:43:45 UTC']): string {
  return [
    'Origin: Debian',
    'Label: Debian',
    'Suite: stable',
    'Version: 10.9',
    'Codename: buster',
    'Date: Sat, 27 Mar 2021 09:48:46 UTC',
    ...validUntil,
    'Acquire-By-Hash: yes',
    'Architectures: amd64 arm64 i386',
    'Components: main contrib non-free',
    'Description: Debian 10.9 Released 27 March 2021',
    'MD5Sum:',
    ' 0ca4a49a8ae7ddfd5bd0a5a1b1a2e0a0   1484930 contrib/Contents-all',
    ' 2b3ce8e1c8c3bc0d1f0c3d1e0e7f0b4b     99470 contrib/Contents-all.gz',
    'SHA256:',
    ' 3957f28db16e3f28c7b34ae84f1c929c567de6970f3f1b95dac9b498dd80fe63   1484930 contrib/Contents-all',
    '',
  ].join('\n');
}

describe('parseValidUntil', () => {
  it.each([
    ['a realistic Release file', release(), '2021-05-22T13:43:45.000Z'],
    ['a +0000 zone', release(['Valid-Until: Sat, 22 May 2021 13:43:45 +0000']), '2021-05-22T13:43:45.000Z'],
    ['CRLF line endings', release().replace(/\n/g, '\r\n'), '2021-05-22T13:43:45.000Z'],
    [
      'a field name in another case',
      release(['valid-until: Sat, 22 May 2021 13:43:45 UTC']),
      '2021-05-22T13:43:45.000Z',
    ],
    [
      'extra spaces around the value',
      release(['Valid-Until:   Sat, 22 May 2021 13:43:45 UTC  ']),
      '2021-05-22T13:43:45.000Z',
    ],
    ['leading blank lines', `\n\n${release()}`, '2021-05-22T13:43:45.000Z'],
    [
      'only a Codename, no Suite',
      'Codename: buster\nValid-Until: Sat, 22 May 2021 13:43:45 UTC\n',
      '2021-05-22T13:43:45.000Z',
    ],
    ['a Valid-Until after the first paragraph is ignored', `Suite: stable\n\nValid-Until: garbage\n`, null],
    ['a tagged snapshot, without Valid-Until', release([]), null],
  ])('reads %s', (_name, text, expected) => {
    const result = parseValidUntil(text, URL);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value === null ? null : result.value.toISOString()).toBe(expected);
  });

  it.each([
    ['an empty body', '', /Release file is empty/],
    ['only blank lines', '\n\n\n', /Release file is empty/],
    [
      'an HTML page served with 200',
      '<!DOCTYPE html>\n<html><body>Maintenance</body></html>\n',
      /line 1 is not a "Field: value" line.*not a Release file/,
    ],
    ['a continuation line first', ' Suite: stable\n', /line 1 continues a field but no field precedes it/],
    [
      'a comment line',
      'Suite: stable\n# Valid-Until: Sat, 22 May 2021 13:43:45 UTC\n',
      /line 2 is not a "Field: value" line/,
    ],
    [
      'a field without a colon',
      'Suite: stable\nValid-Until Sat, 22 May 2021 13:43:45 UTC\n',
      /line 2 is not a "Field: value" line/,
    ],
    [
      'a deb822 paragraph that is not a Release file',
      'Package: bash\nVersion: 5.1-2\n',
      /neither a Suite nor a Codename/,
    ],
    [
      'two Valid-Until fields',
      release(['Valid-Until: Sat, 22 May 2021 13:43:45 UTC', 'Valid-Until: Sun, 23 May 2021 13:43:45 UTC']),
      /2 Valid-Until fields/,
    ],
    ['an empty Valid-Until', release(['Valid-Until:']), /Valid-Until "" is not a date/],
    ['a malformed Valid-Until', release(['Valid-Until: tomorrow']), /Valid-Until "tomorrow" is not a date/],
    [
      'a Valid-Until continued on the next line',
      release(['Valid-Until: Sat, 22 May 2021', ' 13:43:45 UTC']),
      /Valid-Until .* is not a date/,
    ],
    [
      'an impossible Valid-Until',
      release(['Valid-Until: Mon, 31 Jun 2021 13:43:45 UTC']),
      /Valid-Until .*impossible date/,
    ],
  ])('rejects %s, naming the URL', (_name, text, message) => {
    const result = parseValidUntil(text, URL);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.error.startsWith(`${URL}: `)).toBe(true);
    }
  });
});

describe('parseRfc2822Date', () => {
  it.each([
    ['Sat, 22 May 2021 13:43:45 UTC', '2021-05-22T13:43:45.000Z'],
    ['Sat, 22 May 2021 13:43:45 GMT', '2021-05-22T13:43:45.000Z'],
    ['Sat, 22 May 2021 13:43:45 Z', '2021-05-22T13:43:45.000Z'],
    ['Sat, 22 May 2021 13:43:45 +0000', '2021-05-22T13:43:45.000Z'],
    ['Sat, 22 May 2021 15:43:45 +0200', '2021-05-22T13:43:45.000Z'],
    ['Sat, 22 May 2021 08:13:45 -0530', '2021-05-22T13:43:45.000Z'],
    ['Sat, 01 Jan 2022 00:30:00 +0100', '2021-12-31T23:30:00.000Z'],
    ['22 May 2021 13:43:45 UTC', '2021-05-22T13:43:45.000Z'],
    ['Sun, 2 May 2021 00:00:00 UTC', '2021-05-02T00:00:00.000Z'],
    ['Thu, 29 Feb 2024 23:59:59 UTC', '2024-02-29T23:59:59.000Z'],
    ['Tue, 29 Feb 2000 12:00:00 UTC', '2000-02-29T12:00:00.000Z'],
    ['Fri, 31 Dec 2021 23:59:59 UTC', '2021-12-31T23:59:59.000Z'],
  ])('parses %j', (text, expected) => {
    const result = parseRfc2822Date(text);
    expect(result.ok && result.value.toISOString()).toBe(expected);
  });

  it.each([
    ['', /is not a date/],
    ['tomorrow', /is not a date/],
    ['2021-05-22T13:43:45Z', /is not a date/],
    ['May 2021', /is not a date/],
    ['Sat, 22 May 2021', /is not a date/],
    ['Sat, 22 May 2021 13:43 UTC', /is not a date/],
    ['Sat, 22 May 2021 13:43:45', /is not a date/],
    ['Sat, 22 May 2021 13:43:45 CEST', /is not a date/],
    ['Sat, 22 May 21 13:43:45 UTC', /is not a date/],
    ['Sat, 22 may 2021 13:43:45 UTC', /is not a date/],
    ['Sat,  22 May 2021 13:43:45 UTC', /is not a date/],
    ['Sat, 22 May 2021 13:43:45 UTC extra', /is not a date/],
    ['Sat, 22 May 2021 1:43:45 UTC', /is not a date/],
    ['Sat, 22 Mai 2021 13:43:45 UTC', /unknown month "Mai"/],
    ['Fri, 32 May 2021 13:43:45 UTC', /impossible date: day 32 of May 2021/],
    ['Mon, 29 Feb 2021 13:43:45 UTC', /impossible date: day 29 of Feb 2021/],
    ['Sat, 00 May 2021 13:43:45 UTC', /impossible date: day 0 of May 2021/],
    ['Mon, 29 Feb 1900 13:43:45 UTC', /implausible year 1900/],
    ['Sat, 22 May 0021 13:43:45 UTC', /implausible year 0021/],
    ['Sat, 22 May 2021 24:00:00 UTC', /impossible time 24:00:00/],
    ['Sat, 22 May 2021 13:60:45 UTC', /impossible time 13:60:45/],
    ['Sat, 22 May 2021 13:43:60 UTC', /impossible time 13:43:60/],
    ['Sat, 22 May 2021 13:43:45 +2400', /impossible time zone offset "\+2400"/],
    ['Sat, 22 May 2021 13:43:45 +0060', /impossible time zone offset "\+0060"/],
    ['Fri, 22 May 2021 13:43:45 UTC', /says Fri but 22 May 2021 is a Sat/],
    ['Sam, 22 May 2021 13:43:45 UTC', /unknown weekday "Sam"/],
    ['Sat, 22 May 2021 13:43:45 UTC\n', /is not a date/],
  ])('rejects %j', (text, message) => {
    const result = parseRfc2822Date(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
