import { iukSourceVersions, versionOfTag } from '../../src/release/iuk-source-versions.js';

const isRelease = (tag: string) => /^[0-9]+(\.[0-9]+)*(-(alpha|beta|rc)[0-9]+)?$/.test(tag);
const TAGS = [
  '3.16',
  '4.0-beta1',
  '4.0',
  '4.1',
  '4.1.1',
  '4.2',
  '4.2.1',
  '4.2.2',
  '4.18',
  '4.19-beta1',
  '4.19-rc1',
  '4.19',
  '4.20',
  'v4.1',
  'fe-1234',
];

describe('iukSourceVersions', () => {
  it('prints every earlier release of the major version, as Debian versions, oldest first, without the ignored ones', () => {
    expect(iukSourceVersions(TAGS, '4.20', { ignore: ['4.2.1', '4.19-beta1'], isRelease })).toEqual([
      '4.0~beta1',
      '4.0',
      '4.1',
      '4.1.1',
      '4.2',
      '4.2.2',
      '4.18',
      '4.19~rc1',
      '4.19',
    ]);
  });

  it('takes the ignore list as versions or as tags, and leaves out the version itself and later ones', () => {
    expect(iukSourceVersions(TAGS, '4.19~rc1', { ignore: ['4.2.1', '4.19~beta1', '4.0~beta1'], isRelease })).toEqual([
      '4.0',
      '4.1',
      '4.1.1',
      '4.2',
      '4.2.2',
      '4.18',
    ]);
  });

  it('has nothing to upgrade from for the first release of a major version', () => {
    expect(iukSourceVersions(TAGS, '5.0~rc1', { ignore: [], isRelease })).toEqual([]);
  });

  it('has nothing for a version that is not a Debian version', () => {
    expect(iukSourceVersions(TAGS, 'v4', { ignore: [], isRelease })).toEqual([]);
  });

  it('reads a tag as a version', () => {
    expect(versionOfTag('4.19-rc1')).toBe('4.19~rc1');
  });
});
