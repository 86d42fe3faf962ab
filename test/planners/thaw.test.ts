import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import { planThaw, THAW_TITLE } from '../../src/planners/thaw.js';
import type { Edit, Plan } from '../../src/planners/types.js';
import { fakeState, PATHS, tailsTree, type FakeEntry } from '../helpers/snapshot.js';
import { CUSTOM, CUSTOM_CONFIG, customTree } from './custom-config.js';

const PREFS = 'config/chroot_apt/preferences';
const SHIM =
  'Explanation: freeze exception (#18464)\nPackage: shim*\nPin: origin deb.tails.boum.org\nPin-Priority: 999\n';
const SQUASHFS = 'Package: squashfs-tools\nPin: release o=Debian,n=sid\nPin-Priority: 999\n';
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051302' };
const main = (origin: string) => `${PATHS.MAIN}/${origin}/serial`;

function thaw(files: Record<string, FakeEntry>, config: Config = defaultConfig()): Plan {
  const result = planThaw(fakeState(files, config), config);
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

describe('planThaw edits', () => {
  it.each<[string, Record<string, FakeEntry>, Edit[]]>([
    [
      'devel after a release branch was merged',
      tailsTree({ main: FROZEN }),
      [
        { path: main('debian'), content: 'latest\n' },
        { path: main('torproject'), content: 'latest\n' },
      ],
    ],
    [
      'an early freeze that pinned debian-security too (paths sort bytewise: "-" before "/")',
      tailsTree({ main: { ...FROZEN, 'debian-security': '2016032502' } }),
      [
        { path: main('debian-security'), content: 'latest\n' },
        { path: main('debian'), content: 'latest\n' },
        { path: main('torproject'), content: 'latest\n' },
      ],
    ],
    ['already thawed', tailsTree(), []],
    ['latest without a final newline stays as it is', { ...tailsTree(), [main('debian')]: 'latest' }, []],
    [
      'the builder set is never thawed, even on its own',
      tailsTree({ builder: { debian: '2021051301', 'debian-security': '2021051301', tails: '2021051301' } }),
      [],
    ],
    [
      'an active freeze exception',
      tailsTree({ preferences: `${SQUASHFS}\n${SHIM}` }),
      [{ path: PREFS, content: `${SQUASHFS}\n${SHIM.replace('999', '-1')}` }],
    ],
    [
      'freeze exception and frozen serials together, sorted by path',
      tailsTree({ main: FROZEN, preferences: SHIM.replaceAll('\n', '\r\n').slice(0, -2) }),
      [
        { path: main('debian'), content: 'latest\n' },
        { path: main('torproject'), content: 'latest\n' },
        { path: PREFS, content: SHIM.replace('999', '-1').replaceAll('\n', '\r\n').slice(0, -2) },
      ],
    ],
    ['a neutralised freeze exception', tailsTree({ preferences: SHIM.replace('999', '-1') }), []],
    [
      'a stanza that is not a freeze exception',
      tailsTree({ preferences: SHIM.replace('freeze exception', 'unavailable in Buster') }),
      [],
    ],
    ['binary preferences: nothing to rewrite', { ...tailsTree(), [PREFS]: Buffer.from([0, 1, 2]) }, []],
    [
      'a symlink serial is repaired',
      { ...tailsTree(), [main('debian')]: { symlink: '/etc/passwd' } },
      [{ path: main('debian'), content: 'latest\n' }],
    ],
    [
      'a directory serial is repaired',
      {
        ...tailsTree({ main: { 'debian-security': 'latest', torproject: 'latest' } }),
        [`${main('debian')}/x`]: 'latest\n',
      },
      [{ path: main('debian'), content: 'latest\n' }],
    ],
    [
      'a missing serial is written',
      { ...tailsTree({ main: { 'debian-security': 'latest', torproject: 'latest' } }), [`${PATHS.MAIN}/debian/`]: '' },
      [{ path: main('debian'), content: 'latest\n' }],
    ],
    [
      'an invalid serial is repaired',
      tailsTree({ main: { ...FROZEN, torproject: '2021023101' } }),
      [
        { path: main('debian'), content: 'latest\n' },
        { path: main('torproject'), content: 'latest\n' },
      ],
    ],
    [
      'a missing builder set does not matter',
      Object.fromEntries(Object.entries(tailsTree({ main: FROZEN })).filter(([p]) => !p.startsWith(PATHS.BUILDER))),
      [
        { path: main('debian'), content: 'latest\n' },
        { path: main('torproject'), content: 'latest\n' },
      ],
    ],
  ])('%s', (_name, files, edits) => {
    const plan = thaw(files);
    expect(plan.action).toBe('thaw');
    expect(plan.title).toBe(THAW_TITLE);
    expect(plan.edits).toEqual(edits);
  });

  it('uses the configuration, not Tails names', () => {
    const plan = thaw(
      customTree({ chroot: { base: '2021050101', security: '2021050102', updates: 'latest' } }),
      CUSTOM_CONFIG,
    );
    expect(plan.edits).toEqual([
      {
        path: `${CUSTOM.PREFS}`,
        content:
          'Explanation: FE: kernel\nPackage: linux-*\nPin: origin apt.example.org\nPin-Priority: -1\n\nExplanation: freeze exception (#1), not with this prefix\nPackage: foo\nPin: origin apt.example.org\nPin-Priority: 999\n',
      },
      { path: `${CUSTOM.CHROOT}/base/serial`, content: 'latest\n' },
      { path: `${CUSTOM.CHROOT}/security/serial`, content: 'latest\n' },
      { path: `${CUSTOM.EXTRA}/tools/serial`, content: 'latest\n' },
    ]);
    expect(plan.body).toContain('A development branch (`trunk`)');
    expect(plan.body).toContain('Not thawed, because they never thaw (`thaws: false`): vm (`vm/serials`).');
    expect(plan.body).toContain('| FE: kernel | linux-* | 4 | 990 → -1 |');
  });
});

describe('planThaw refuses', () => {
  it.each<[string, Record<string, FakeEntry>, string]>([
    [
      'a missing main set',
      Object.fromEntries(Object.entries(tailsTree()).filter(([p]) => !p.startsWith(PATHS.MAIN))),
      `cannot thaw: snapshot set "main": ${PATHS.MAIN} is missing, so its origins are unknown`,
    ],
    [
      'a main set that is a file',
      {
        ...Object.fromEntries(Object.entries(tailsTree()).filter(([p]) => !p.startsWith(PATHS.MAIN))),
        [PATHS.MAIN]: 'latest\n',
      },
      `cannot thaw: snapshot set "main": ${PATHS.MAIN} is not a directory, so its origins are unknown`,
    ],
  ])('%s', (_name, files, error) => {
    expect(planThaw(fakeState(files), defaultConfig())).toEqual({ ok: false, error });
  });
});

describe('planThaw body', () => {
  it('explains what is thawed, which exceptions are neutralised and why', () => {
    const plan = thaw(tailsTree({ main: FROZEN, preferences: `${SQUASHFS}\n${SHIM}` }));
    expect(plan.body).toBe(
      [
        'A development branch (`devel`) builds from the newest snapshots: its serial files say `latest`. After a release branch was merged into it, the serials frozen for that release came with it, and it kept building from old snapshots. This sets them back to `latest`.',
        '',
        '## Snapshots thawed',
        '',
        '### main (`config/APT_snapshots.d`)',
        '',
        '| origin | from | to |',
        '| --- | --- | --- |',
        '| debian | 2021051301 | latest |',
        '| debian-security | latest | latest |',
        '| torproject | 2021051302 | latest |',
        '',
        'Not thawed, because they never thaw (`thaws: false`): builder (`vagrant/definitions/tails-builder/config/APT_snapshots.d`).',
        '',
        '## Freeze exceptions neutralised',
        '',
        'These stanzas of `config/chroot_apt/preferences` pinned packages for a freeze that is over, and came along with the release branch. `Pin-Priority: -1` keeps them as a record but stops them from selecting any package; nothing else in the file changes.',
        '',
        '| explanation | packages | line | priority |',
        '| --- | --- | --- | --- |',
        '| freeze exception (#18464) | shim* | 8 | 999 → -1 |',
        '',
      ].join('\n'),
    );
  });

  it.each<[string, Record<string, FakeEntry>, string[], string[]]>([
    [
      'nothing to do',
      tailsTree(),
      [
        'Every origin of `config/APT_snapshots.d` is already `latest`.',
        'No freeze exception in `config/chroot_apt/preferences` is active: nothing to thaw.',
      ],
      ['## Snapshots thawed', '## Freeze exceptions neutralised'],
    ],
    [
      'only an exception',
      tailsTree({ preferences: SHIM }),
      [
        'Every origin of `config/APT_snapshots.d` is already `latest`.',
        '| freeze exception (#18464) | shim* | 4 | 999 → -1 |',
      ],
      ['## Snapshots thawed', 'nothing to thaw'],
    ],
    [
      'a repaired file',
      { ...tailsTree(), [main('torproject')]: { symlink: '../debian/serial' } },
      [
        '| torproject | symlink | latest |',
        '## Repaired serial files',
        `- ${main('torproject')} is a symbolic link to "../debian/serial", not a regular file: now \`latest\``,
      ],
      ['nothing to thaw'],
    ],
  ])('%s', (_name, files, present, absent) => {
    const { body } = thaw(files);
    for (const text of present) expect(body).toContain(text);
    for (const text of absent) expect(body).not.toContain(text);
  });
});
