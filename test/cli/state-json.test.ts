import { stateJson } from '../../src/cli/state-json.js';
import { fakeState, PATHS, tailsTree } from '../helpers/snapshot.js';

const PREFERENCES =
  'Package: firefox\nPin: release o=Debian\nPin-Priority: 999\n\nExplanation: freeze exception (#18464)\nPackage: shim*\nPin: origin deb.tails.boum.org\nPin-Priority: 999\n\nExplanation: freeze exception (#1)\nPackage: old\nPin-Priority: none\n';

describe('stateJson', () => {
  it('renders every part of a state as plain JSON', () => {
    const state = fakeState(
      {
        ...tailsTree({
          main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' },
          overlays: ['bullseye.list'],
          preferences: PREFERENCES,
        }),
      },
      undefined,
      { sha: 'a'.repeat(40), parents: ['b'.repeat(40)], subject: 'Freeze APT snapshots for 4.19~rc1.' },
    );
    expect(stateJson(state)).toEqual({
      commit: {
        sha: 'a'.repeat(40),
        parents: ['b'.repeat(40)],
        date: '2021-05-13T08:00:00.000Z',
        subject: 'Freeze APT snapshots for 4.19~rc1.',
      },
      sets: {
        main: {
          dir: PATHS.MAIN,
          presence: 'dir',
          origins: {
            debian: { path: `${PATHS.MAIN}/debian/serial`, serial: '2021051301' },
            'debian-security': { path: `${PATHS.MAIN}/debian-security/serial`, serial: 'latest' },
            torproject: { path: `${PATHS.MAIN}/torproject/serial`, serial: '2021051301' },
          },
          strays: [],
        },
        builder: {
          dir: PATHS.BUILDER,
          presence: 'dir',
          origins: {
            debian: { path: `${PATHS.BUILDER}/debian/serial`, serial: '2021042702' },
            'debian-security': { path: `${PATHS.BUILDER}/debian-security/serial`, serial: '2021042702' },
            tails: { path: `${PATHS.BUILDER}/tails/serial`, serial: '2021050302' },
          },
          strays: [],
        },
      },
      baseBranch: { path: 'config/base_branch', name: 'devel' },
      changelog: { path: 'debian/changelog', version: '4.19~rc1', distribution: 'UNRELEASED' },
      overlays: { path: 'config/APT_overlays.d', presence: 'dir', entries: ['bullseye.list'] },
      freezeExceptions: [
        {
          path: 'config/chroot_apt/preferences',
          line: 5,
          packages: 'shim*',
          explanation: 'freeze exception (#18464)',
          priority: 999,
        },
        {
          path: 'config/chroot_apt/preferences',
          line: 10,
          packages: 'old',
          explanation: 'freeze exception (#1)',
          priority: null,
        },
      ],
    });
  });

  it('says why a value is missing, and survives a JSON round trip unchanged (no Buffers, Dates or NaN)', () => {
    const files = tailsTree();
    files[`${PATHS.MAIN}/debian/serial`] = { symlink: '../../elsewhere' };
    files[`${PATHS.MAIN}/torproject/serial`] = '2021051300\n';
    files[`${PATHS.MAIN}/debian-security/serial`] = Buffer.from([0, 1, 2]);
    files['config/base_branch'] = 'devel\ntesting\n';
    files['debian/changelog'] = 'not a changelog\n';
    delete files['config/APT_overlays.d/.placeholder'];
    files['config/APT_overlays.d'] = 'a file\n';
    files[`${PATHS.BUILDER}/stray`] = 'x';
    const json = stateJson(fakeState(files));
    expect(json.sets.main?.origins).toEqual({
      debian: {
        path: `${PATHS.MAIN}/debian/serial`,
        serial: null,
        problem: 'is a symbolic link to "../../elsewhere", not a regular file',
      },
      'debian-security': {
        path: `${PATHS.MAIN}/debian-security/serial`,
        serial: null,
        problem: 'is binary (3 bytes), not text',
      },
      torproject: {
        path: `${PATHS.MAIN}/torproject/serial`,
        serial: null,
        problem: '"2021051300" has counter 00; the first snapshot of a day is 01',
      },
    });
    expect(json.sets.builder?.strays).toEqual([{ path: `${PATHS.BUILDER}/stray`, kind: 'file' }]);
    expect(json.baseBranch).toEqual({
      path: 'config/base_branch',
      name: null,
      problem: 'has 2 lines; it must hold exactly one line, the base branch',
    });
    expect(json.changelog).toMatchObject({
      version: null,
      distribution: null,
      problem: expect.stringContaining('is not a changelog entry header'),
    });
    expect(json.overlays).toEqual({ path: 'config/APT_overlays.d', presence: 'not-a-dir', entries: [] });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('renders a missing set and a missing file', () => {
    const files = tailsTree();
    for (const path of Object.keys(files))
      if (path.startsWith(PATHS.BUILDER) || path === 'config/base_branch') delete files[path];
    const json = stateJson(fakeState(files));
    expect(json.sets.builder).toEqual({ dir: PATHS.BUILDER, presence: 'missing', origins: {}, strays: [] });
    expect(json.baseBranch).toEqual({ path: 'config/base_branch', name: null, problem: 'is missing' });
  });
});
