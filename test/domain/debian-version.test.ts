import { spawnSync } from 'node:child_process';
import {
  compareDebianVersions,
  compareVersionStrings,
  parseDebianVersion,
  type DebianVersion,
} from '../../src/domain/debian-version.js';

/** What dpkg itself says: the reference every comparison here is held to. */
function dpkgLess(a: string, b: string): boolean {
  const run = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]);
  if (run.error) throw new Error(`these tests need dpkg (Debian's): ${run.error.message}`);
  return run.status === 0;
}

function parsed(text: string): DebianVersion {
  const result = parseDebianVersion(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const VERSIONS = [
  '4.19~rc1',
  '4.19~beta1',
  '4.19',
  '4.19.1',
  '4.2.1',
  '4.20',
  '4.2',
  '4.10',
  '1:0.1',
  '0.1',
  '1.0-1',
  '1.0-1~bpo1',
  '1.0-1+deb11u1',
  '1.0-10',
  '1.0-2',
  '1.0~~a',
  '1.0~',
  '1.0a',
  '1.0+',
  '1.0.',
  '1.00',
  '1.0-1.1',
  '2:1.0',
  '10.0.3esr-1~deb11u1',
  '91.9.1esr-1',
  '5.0~rc1',
  '5.0~alpha1',
  '5.0.1-0tails1',
];

describe('compareDebianVersions', () => {
  const pairs = VERSIONS.flatMap((a) => VERSIONS.map((b) => [a, b] as const));
  it(`orders ${pairs.length} pairs as dpkg --compare-versions does`, () => {
    const disagreements = pairs.filter(([a, b]) => compareDebianVersions(parsed(a), parsed(b)) < 0 !== dpkgLess(a, b));
    expect(disagreements).toEqual([]);
  });

  it('sorts Tails releases as the release process does', () => {
    const sorted = ['4.19', '4.19~rc1', '4.2.1', '4.18', '4.19~beta1', '4.2'].sort((a, b) =>
      compareVersionStrings(a, b),
    );
    expect(sorted).toEqual(['4.2', '4.2.1', '4.18', '4.19~beta1', '4.19~rc1', '4.19']);
  });
});

describe('parseDebianVersion', () => {
  it('splits epoch, upstream and revision at the first colon and the last hyphen', () => {
    expect(parsed('2:1.0-2-3')).toEqual({ epoch: 2, upstream: '1.0-2', revision: '3' });
    expect(parsed('4.19~rc1')).toEqual({ epoch: 0, upstream: '4.19~rc1', revision: '' });
  });

  it.each([
    ['', 'upstream version must start with a digit'],
    ['v1.0', 'upstream version must start with a digit'],
    ['a:1.0', 'epoch'],
    ['1.0-', 'revision'],
    ['1.0 ', 'upstream'],
    ['1.0_1', 'upstream'],
  ])('refuses %j, naming what is wrong', (text, why) => {
    const result = parseDebianVersion(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(why);
  });

  it('sorts what does not parse after every version, never throwing', () => {
    expect(['junk', '1.0', 'also junk', '0.9'].sort(compareVersionStrings)).toEqual([
      '0.9',
      '1.0',
      'also junk',
      'junk',
    ]);
  });
});
