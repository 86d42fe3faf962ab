import { defaultConfig } from '../../src/config/defaults.js';
import { readSpec, describeFileRead, LIMITS } from '../../src/domain/state.js';
import { fakeState, PATHS, tailsTree } from '../helpers/snapshot.js';

describe('interpretRef', () => {
  it('reads a Tails tree into plain data', () => {
    const state = fakeState(
      tailsTree({
        baseBranch: 'testing',
        main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' },
        overlays: ['bugfix-1234.list'],
        preferences:
          'Explanation: freeze exception (#18464)\nPackage: shim*\nPin: origin deb.tails.boum.org\nPin-Priority: 999\n',
      }),
    );
    const main = state.sets[0]!;
    expect(main.presence).toBe('dir');
    expect(main.origins.map((o) => [o.origin, o.path, o.value])).toEqual([
      ['debian', `${PATHS.MAIN}/debian/serial`, { kind: 'serial', serial: '2021051301' }],
      ['debian-security', `${PATHS.MAIN}/debian-security/serial`, { kind: 'latest' }],
      ['torproject', `${PATHS.MAIN}/torproject/serial`, { kind: 'serial', serial: '2021051301' }],
    ]);
    expect(main.strays).toEqual([]);
    expect(state.sets[1]!.origins.map((o) => o.origin)).toEqual(['debian', 'debian-security', 'tails']);
    expect(state.baseBranch).toMatchObject({ path: 'config/base_branch', name: 'testing' });
    expect(state.changelog.entry).toEqual({ package: 'tails', version: '4.19~rc1', distribution: 'UNRELEASED' });
    expect(state.overlays).toEqual({ path: 'config/APT_overlays.d', presence: 'dir', entries: ['bugfix-1234.list'] });
    expect(state.preferences.freezeExceptions).toEqual([
      { startLine: 0, explanation: 'freeze exception (#18464)', packages: 'shim*', priority: 999, priorityLine: 3 },
    ]);
    expect(state.configFile.file).toEqual({ kind: 'missing' });
  });

  it.each([
    [{ symlink: '../debian/serial' }, 'symlink', /symbolic link to "..\/debian\/serial"/],
    [
      { symlink: 'x\nerror    forged finding\u001b[2J' },
      'symlink',
      /symbolic link to "x\\nerror {4}forged finding\\u001b\[2J", not/,
    ],
    [Buffer.from([0x32, 0x00, 0x31]), 'binary', /binary/],
    [Buffer.from([0xff, 0xfe, 0x41]), 'binary', /binary/],
    [{ tooLarge: 10_000_000 }, 'too-large', /10000000 bytes/],
    [{ submodule: true as const }, 'submodule', /submodule/],
  ])('keeps an unusable serial file as a finding-to-be: %j', (entry, kind, words) => {
    const files = tailsTree();
    files[`${PATHS.MAIN}/debian/serial`] = entry;
    const origin = fakeState(files).sets[0]!.origins.find((o) => o.origin === 'debian')!;
    expect(origin.file.kind).toBe(kind);
    expect(origin.value).toBeUndefined();
    expect(describeFileRead(origin.file)).toMatch(words);
  });

  it('reports a serial that does not parse, a missing serial and strays', () => {
    const files = tailsTree();
    files[`${PATHS.MAIN}/debian/serial`] = '2021051301\n2021051302\n';
    delete files[`${PATHS.MAIN}/torproject/serial`];
    files[`${PATHS.MAIN}/torproject/README`] = 'x';
    files[`${PATHS.MAIN}/serial`] = 'latest\n';
    const main = fakeState(files).sets[0]!;
    expect(main.origins.find((o) => o.origin === 'debian')!.syntaxError).toMatch(/2 lines/);
    expect(main.origins.find((o) => o.origin === 'torproject')!.file).toEqual({ kind: 'missing' });
    expect(main.strays).toEqual([{ path: `${PATHS.MAIN}/serial`, kind: 'file' }]);
  });

  it('tells a missing set from something else at its path', () => {
    const missing = tailsTree();
    for (const key of Object.keys(missing)) if (key.startsWith(PATHS.BUILDER)) delete missing[key];
    expect(fakeState(missing).sets[1]!.presence).toBe('missing');
    const file = { ...missing, [PATHS.BUILDER]: 'not a dir' };
    expect(fakeState(file).sets[1]!.presence).toBe('not-a-dir');
  });

  it.each([
    ['devel', { name: 'devel' }],
    ['devel\n', { name: 'devel' }],
    ['devel\ntesting\n', { error: expect.stringMatching(/2 lines/) }],
    ['\n', { error: expect.stringMatching(/empty/) }],
    [' devel\n', { error: expect.stringMatching(/whitespace/) }],
    ['devel\r\n', { error: '"devel\\r" has surrounding whitespace' }],
  ])('reads config/base_branch %j', (content, expected) => {
    const files = tailsTree();
    files['config/base_branch'] = content;
    expect(fakeState(files).baseBranch).toMatchObject(expected);
  });
});

describe('readSpec', () => {
  it('asks for every set and file the configuration names', () => {
    const spec = readSpec(defaultConfig());
    expect(spec.files.map((f) => f.path)).toEqual([
      'config/base_branch',
      'config/chroot_apt/preferences',
      '.github/apt-snapshots.yml',
      'debian/changelog',
    ]);
    expect(spec.dirs).toEqual([
      { path: 'config/APT_overlays.d', depth: 1, maxBytes: 0 },
      { path: PATHS.MAIN, depth: 2, maxBytes: LIMITS.serialBytes },
      { path: PATHS.BUILDER, depth: 2, maxBytes: LIMITS.serialBytes },
    ]);
    expect(readSpec(defaultConfig(), { changelog: false }).files.map((f) => f.path)).not.toContain('debian/changelog');
  });
});
