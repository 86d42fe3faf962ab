import { freezeExceptions, parseAptPreferences } from '../../src/domain/apt-preferences.js';

const PREFS = [
  'Package: amd64-microcode',
  'Pin: release o=Debian,n=sid',
  'Pin-Priority: 999',
  '',
  '# a comment between stanzas',
  'Explanation: freeze exception (#18464)',
  'Package: shim*',
  'Pin: origin deb.tails.boum.org',
  'Pin-Priority: 999',
  '',
  'Explanation: Freeze exception for #15936. Remove with: git revert',
  'Package: linux-image-*',
  'Pin: origin deb.tails.boum.org',
  'Pin-Priority: -1',
  '',
  'Explanation: unavailable in Buster',
  'Package: electrum',
  'Pin: release o=Debian,n=bullseye',
  'Pin-Priority: 999',
  '',
  'Explanation: freeze exception (#1)',
  'Package: broken',
  'Pin-Priority: high',
  '',
].join('\n');

describe('APT preferences', () => {
  it('splits stanzas and keeps line numbers', () => {
    const stanzas = parseAptPreferences(PREFS);
    expect(stanzas.map((s) => s.startLine)).toEqual([0, 5, 10, 15, 20]);
    expect(stanzas[1]!.fields.map((f) => [f.name, f.line])).toEqual([
      ['Explanation', 5],
      ['Package', 6],
      ['Pin', 7],
      ['Pin-Priority', 8],
    ]);
  });

  it('finds freeze exceptions by their Explanation prefix, case-insensitively', () => {
    expect(freezeExceptions(parseAptPreferences(PREFS), 'freeze exception')).toEqual([
      { startLine: 5, explanation: 'freeze exception (#18464)', packages: 'shim*', priority: 999, priorityLine: 8 },
      {
        startLine: 10,
        explanation: 'Freeze exception for #15936. Remove with: git revert',
        packages: 'linux-image-*',
        priority: -1,
        priorityLine: 13,
      },
      {
        startLine: 20,
        explanation: 'freeze exception (#1)',
        packages: 'broken',
        priority: Number.NaN,
        priorityLine: 22,
      },
    ]);
  });

  it('reads CRLF files and continuation lines', () => {
    const stanzas = parseAptPreferences(
      'Explanation: freeze exception\r\n more words\r\nPackage: a\r\nPin-Priority: 990\r\n',
    );
    expect(stanzas[0]!.fields[0]!.value).toBe('freeze exception\nmore words');
    expect(freezeExceptions(stanzas, 'freeze exception')[0]!.priority).toBe(990);
  });
});
