import { freezeExceptions, parseAptPreferences, type FreezeException } from '../../src/domain/apt-preferences.js';
import { isActiveFreezeException, neutraliseFreezeExceptions } from '../../src/planners/preferences-edit.js';

const PREFIX = 'freeze exception';
const SHIM =
  'Explanation: freeze exception (#18464)\nPackage: shim*\nPin: origin deb.tails.boum.org\nPin-Priority: 999\n';
const SHIM_NEUTRAL = SHIM.replace('Pin-Priority: 999', 'Pin-Priority: -1');
const SQUASHFS = 'Package: squashfs-tools\nPin: release o=Debian,n=sid\nPin-Priority: 999\n';
const LIVE_BOOT =
  'Explanation: src:live-boot (#15477)\nPackage: live-boot\nPin: origin deb.tails.boum.org\nPin-Priority: 999\n';
const HEADER = '# APT pinning for the chroot\n#   Pin-Priority: 999 in a comment stays\n';

function exceptionsOf(text: string): FreezeException[] {
  return freezeExceptions(parseAptPreferences(text), PREFIX);
}

function neutralise(text: string): string {
  return neutraliseFreezeExceptions(text, exceptionsOf(text));
}

describe('neutraliseFreezeExceptions', () => {
  it.each<[string, string, string]>([
    ['the real stanza of 20e5408', `${LIVE_BOOT}\n${SHIM}\n${SQUASHFS}`, `${LIVE_BOOT}\n${SHIM_NEUTRAL}\n${SQUASHFS}`],
    [
      'comments and other stanzas keep their bytes',
      `${HEADER}\n${SQUASHFS}\n${SHIM}`,
      `${HEADER}\n${SQUASHFS}\n${SHIM_NEUTRAL}`,
    ],
    [
      'CRLF line endings',
      `${SQUASHFS}\n${SHIM}`.replaceAll('\n', '\r\n'),
      `${SQUASHFS}\n${SHIM_NEUTRAL}`.replaceAll('\n', '\r\n'),
    ],
    ['no final newline', SHIM.slice(0, -1), SHIM_NEUTRAL.slice(0, -1)],
    [
      'no final newline, CRLF',
      SHIM.replaceAll('\n', '\r\n').slice(0, -2),
      SHIM_NEUTRAL.replaceAll('\n', '\r\n').slice(0, -2),
    ],
    [
      'spacing around the value',
      SHIM.replace('Pin-Priority: 999', 'Pin-Priority:\t  1000  '),
      SHIM.replace('Pin-Priority: 999', 'Pin-Priority:\t  -1  '),
    ],
    [
      'field name in another case',
      SHIM.replace('Pin-Priority', 'pin-priority'),
      SHIM.replace('Pin-Priority: 999', 'pin-priority: -1'),
    ],
    [
      'Pin-Priority before Explanation',
      'Pin-Priority: 990\nExplanation: Freeze exception: linux\nPackage: linux-image-*\n',
      'Pin-Priority: -1\nExplanation: Freeze exception: linux\nPackage: linux-image-*\n',
    ],
    [
      'an Explanation without the prefix is untouched',
      `${LIVE_BOOT}\nExplanation: not a freeze exception\n${SQUASHFS}`,
      `${LIVE_BOOT}\nExplanation: not a freeze exception\n${SQUASHFS}`,
    ],
    ['an already neutralised stanza is untouched', `${SHIM_NEUTRAL}\n${SQUASHFS}`, `${SHIM_NEUTRAL}\n${SQUASHFS}`],
    ['priority 0 is not active', SHIM.replace('999', '0'), SHIM.replace('999', '0')],
    [
      'a stanza without Pin-Priority is untouched',
      'Explanation: freeze exception\nPackage: foo\n',
      'Explanation: freeze exception\nPackage: foo\n',
    ],
    [
      'two exceptions',
      `${SHIM}\n${SHIM.replace('shim*', 'linux-*').replace('999', '1000')}`,
      `${SHIM_NEUTRAL}\n${SHIM_NEUTRAL.replace('shim*', 'linux-*')}`,
    ],
  ])('%s', (_name, input, expected) => {
    expect(neutralise(input)).toBe(expected);
    expect(neutralise(expected)).toBe(expected);
  });

  it('rewrites only the exceptions it is given', () => {
    const text = `${SHIM}\n${SHIM.replace('#18464', '#1')}`;
    const [first] = exceptionsOf(text);
    expect(neutraliseFreezeExceptions(text, first ? [first] : [])).toBe(
      `${SHIM_NEUTRAL}\n${SHIM.replace('#18464', '#1')}`,
    );
  });

  it('refuses exceptions that were not parsed from the text', () => {
    const exceptions = exceptionsOf(`\n\n${SHIM}`);
    expect(() => neutraliseFreezeExceptions(SHIM, exceptions)).toThrow(
      'line 6 of the APT preferences is not the Pin-Priority line of the freeze exception "freeze exception (#18464)"; the exceptions were not parsed from this text',
    );
  });
});

describe('isActiveFreezeException', () => {
  const base: FreezeException = {
    startLine: 0,
    explanation: 'freeze exception',
    packages: 'foo',
    priority: 999,
    priorityLine: 3,
  };
  it.each<[string, Partial<FreezeException>, boolean]>([
    ['positive priority', {}, true],
    ['priority 1', { priority: 1 }, true],
    ['priority 0', { priority: 0 }, false],
    ['priority -1', { priority: -1 }, false],
    ['unparsable priority', { priority: Number.NaN }, false],
    ['no Pin-Priority line', { priorityLine: undefined }, false],
  ])('%s', (_name, override, expected) => {
    expect(isActiveFreezeException({ ...base, ...override })).toBe(expected);
  });
});
