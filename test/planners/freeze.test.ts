import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import type { Serial } from '../../src/domain/serial.js';
import { freezeTitle, planFreeze, type FreezeOptions } from '../../src/planners/freeze.js';
import type { Edit, Plan } from '../../src/planners/types.js';
import { fakeState, PATHS, tailsTree, type FakeEntry } from '../helpers/snapshot.js';
import { CUSTOM, CUSTOM_CONFIG, customTree } from './custom-config.js';

const main = (origin: string) => `${PATHS.MAIN}/${origin}/serial`;
const builder = (origin: string) => `${PATHS.BUILDER}/${origin}/serial`;

function serials(entries: Record<string, string>): ReadonlyMap<string, Serial> {
  return new Map(Object.entries(entries) as [string, Serial][]);
}

const NEWEST = serials({
  debian: '2021051301',
  'debian-security': '2021051302',
  torproject: '2021051303',
  tails: '2021051304',
});

function freeze(files: Record<string, FakeEntry>, newest = NEWEST, config: Config = defaultConfig()): Plan {
  const result = planFreeze(fakeState(files, config), config, newest);
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

const withoutChangelog = (files: Record<string, FakeEntry>) =>
  Object.fromEntries(Object.entries(files).filter(([p]) => p !== 'debian/changelog'));

const withoutBuilder = (files: Record<string, FakeEntry>) =>
  Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith(PATHS.BUILDER)));

describe('planFreeze edits', () => {
  const REFROZEN_BUILDER: Edit[] = [
    { path: builder('debian-security'), content: '2021051302\n' },
    { path: builder('debian'), content: '2021051301\n' },
    { path: builder('tails'), content: '2021051304\n' },
  ];
  it.each<[string, Record<string, FakeEntry>, Edit[]]>([
    [
      'a thawed branch: main to newest but debian-security, builder to newest',
      tailsTree(),
      [
        { path: main('debian'), content: '2021051301\n' },
        { path: main('torproject'), content: '2021051303\n' },
        ...REFROZEN_BUILDER,
      ],
    ],
    [
      'a pinned exception returns to latest',
      tailsTree({ main: { debian: 'latest', 'debian-security': '2021042701', torproject: 'latest' } }),
      [
        { path: main('debian-security'), content: 'latest\n' },
        { path: main('debian'), content: '2021051301\n' },
        { path: main('torproject'), content: '2021051303\n' },
        ...REFROZEN_BUILDER,
      ],
    ],
    [
      'already frozen at these serials',
      tailsTree({
        main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051303' },
        builder: { debian: '2021051301', 'debian-security': '2021051302', tails: '2021051304' },
      }),
      [],
    ],
    [
      'frozen at older serials: moves forward (a sprint re-freeze)',
      tailsTree({ main: { debian: '2021042702', 'debian-security': 'latest', torproject: '2021042701' } }),
      [
        { path: main('debian'), content: '2021051301\n' },
        { path: main('torproject'), content: '2021051303\n' },
        ...REFROZEN_BUILDER,
      ],
    ],
    [
      'broken serial files are repaired',
      { ...tailsTree(), [main('debian')]: { symlink: 'x' }, [builder('tails')]: 'tails\n' },
      [
        { path: main('debian'), content: '2021051301\n' },
        { path: main('torproject'), content: '2021051303\n' },
        ...REFROZEN_BUILDER,
      ],
    ],
  ])('%s', (_name, files, edits) => {
    const plan = freeze(files);
    expect(plan.action).toBe('freeze');
    expect(plan.title).toBe('Freeze APT snapshots for 4.19~rc1.');
    expect(plan.edits).toEqual(edits);
  });

  it('needs no newest serial for an exception', () => {
    const newest = serials({ debian: '2021051301', torproject: '2021051303' });
    const plan = freeze(withoutBuilder(tailsTree()), newest, {
      ...defaultConfig(),
      snapshot_sets: defaultConfig().snapshot_sets.filter((s) => s.name === 'main'),
    });
    expect(plan.edits).toEqual([
      { path: main('debian'), content: '2021051301\n' },
      { path: main('torproject'), content: '2021051303\n' },
    ]);
  });

  it('uses the configuration, not Tails names', () => {
    const newest = serials({ base: '2021060101', security: '2021060102', tools: '2021060103' });
    const plan = freeze(
      customTree({ chroot: { base: '2021050101', security: '2021050102', updates: 'latest' } }),
      newest,
      CUSTOM_CONFIG,
    );
    expect(plan.title).toBe('Freeze APT snapshots for 7.1~rc2.');
    expect(plan.edits).toEqual([
      { path: `${CUSTOM.CHROOT}/base/serial`, content: '2021060101\n' },
      { path: `${CUSTOM.CHROOT}/security/serial`, content: 'latest\n' },
      { path: `${CUSTOM.EXTRA}/tools/serial`, content: '2021060103\n' },
      { path: `${CUSTOM.VM}/base/serial`, content: '2021060101\n' },
      { path: `${CUSTOM.VM}/security/serial`, content: '2021060102\n' },
    ]);
    expect(plan.body).toContain('except the freeze exceptions (security in chroot, updates in chroot)');
    expect(plan.body).toContain('on http://snapshots.example.org/ by about half a year');
  });
});

describe('planFreeze refuses', () => {
  it.each<[string, Record<string, FakeEntry>, ReadonlyMap<string, Serial>, string]>([
    [
      'an origin without a newest serial',
      tailsTree(),
      serials({ debian: '2021051301', 'debian-security': '2021051302', tails: '2021051304' }),
      `cannot freeze: ${main('torproject')}: the newest serial of origin "torproject" is unknown`,
    ],
    [
      'going back in time',
      tailsTree({ builder: { debian: '2021060101', 'debian-security': '2021042702', tails: '2021050302' } }),
      NEWEST,
      `cannot freeze: ${builder('debian')}: the newest serial of origin "debian", 2021051301, is older than 2021060101 which the branch already pins; a freeze never goes back in time`,
    ],
    [
      'a missing builder set',
      withoutBuilder(tailsTree()),
      NEWEST,
      `cannot freeze: snapshot set "builder": ${PATHS.BUILDER} is missing, so its origins are unknown`,
    ],
    [
      'every problem at once',
      withoutBuilder(
        tailsTree({ changelog: '', main: { debian: '2021060101', 'debian-security': 'latest', torproject: 'latest' } }),
      ),
      serials({ debian: '2021051301' }),
      [
        `cannot freeze: ${main('debian')}: the newest serial of origin "debian", 2021051301, is older than 2021060101 which the branch already pins; a freeze never goes back in time`,
        `${main('torproject')}: the newest serial of origin "torproject" is unknown`,
        `snapshot set "builder": ${PATHS.BUILDER} is missing, so its origins are unknown`,
      ].join('; '),
    ],
  ])('%s', (_name, files, newest, error) => {
    expect(planFreeze(fakeState(files), defaultConfig(), newest)).toEqual({ ok: false, error });
  });
});

describe('planFreeze title and body', () => {
  it.each([
    ['4.19~rc1', 'Freeze APT snapshots for 4.19~rc1.'],
    ['4.11', 'Freeze APT snapshots for 4.11.'],
    [undefined, 'Freeze APT snapshots.'],
  ])('freezeTitle(%j)', (version, title) => {
    expect(freezeTitle(version)).toBe(title);
  });

  const RELEASED_TOP = 'tails (4.19~beta1) unstable; urgency=medium\n\n  * x\n\ntails (4.18) stable; urgency=medium\n';

  it('takes the version from the top changelog entry while it is UNRELEASED and untagged', () => {
    const plan = freeze(tailsTree());
    expect(plan.title).toBe('Freeze APT snapshots for 4.19~rc1.');
    expect(plan.notes).toBeUndefined();
  });

  // 4.19~rc1 was frozen over the 4.19~beta1 entry, released a month before: its title named the wrong version.
  it.each<[string, Record<string, FakeEntry>, FreezeOptions, string]>([
    [
      'released (its distribution is not UNRELEASED)',
      tailsTree({ changelog: RELEASED_TOP }),
      {},
      'the top entry of debian/changelog, 4.19~beta1, is already released (distribution unstable, not UNRELEASED)',
    ],
    [
      'tagged (4.19~rc1 as 4.19-rc1), though UNRELEASED',
      tailsTree(),
      { tags: new Set(['4.18', '4.19-rc1']) },
      'the top entry of debian/changelog, 4.19~rc1, is already released (tag 4.19-rc1)',
    ],
    ['missing', withoutChangelog(tailsTree()), {}, 'debian/changelog is missing'],
    ['empty', tailsTree({ changelog: '\n' }), {}, 'debian/changelog is empty'],
  ])(
    'never guesses a version when the top entry is %s: no version in the title, and a note why',
    (_name, files, options, why) => {
      const result = planFreeze(fakeState(files), defaultConfig(), NEWEST, options);
      if (!result.ok) throw new Error(result.error);
      expect(result.plan.title).toBe('Freeze APT snapshots.');
      expect(result.plan.notes).toEqual([`the title names no version: ${why}`]);
      expect(result.plan.body).toMatch(/^Freezes the APT snapshots: every origin is pinned/);
      expect(result.plan.edits).toEqual(freeze(tailsTree()).edits);
    },
  );

  it('names the version given, whatever the changelog says', () => {
    const result = planFreeze(fakeState(tailsTree({ changelog: RELEASED_TOP })), defaultConfig(), NEWEST, {
      version: '4.19~rc1',
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.plan.title).toBe('Freeze APT snapshots for 4.19~rc1.');
    expect(result.plan.body).toMatch(/^Freezes the APT snapshots for 4\.19~rc1: every origin/);
    expect(result.plan.notes).toBeUndefined();
  });

  it('shows a table per set and the Valid-Until reminder', () => {
    const plan = freeze({ ...tailsTree(), [main('torproject')]: { symlink: '../debian/serial' } });
    expect(plan.body).toBe(
      [
        'Freezes the APT snapshots for 4.19~rc1 (top entry of `debian/changelog`): every origin is pinned to the newest serial on the snapshot server, except the freeze exceptions (debian-security in main), which stay `latest` so that security updates reach every build.',
        '',
        '## Snapshots frozen',
        '',
        '### main (`config/APT_snapshots.d`)',
        '',
        '| origin | before | after |',
        '| --- | --- | --- |',
        '| debian | latest | 2021051301 |',
        '| debian-security | latest | latest |',
        '| torproject | symlink | 2021051303 |',
        '',
        `### builder (\`${PATHS.BUILDER}\`)`,
        '',
        '| origin | before | after |',
        '| --- | --- | --- |',
        '| debian | 2021042702 | 2021051301 |',
        '| debian-security | 2021042702 | 2021051302 |',
        '| tails | 2021050302 | 2021051304 |',
        '',
        '## Repaired serial files',
        '',
        'These files were not valid serial files; the plan replaces each with a regular file holding one line:',
        '',
        `- ${main('torproject')} is a symbolic link to "../debian/serial", not a regular file: now \`2021051303\``,
        '',
        '## Before the freeze goes on',
        '',
        'Snapshots expire after about ten days and are then garbage-collected. The release manager must bump `Valid-Until` of these snapshots on http://time-based.snapshots.deb.tails.boum.org/ by about half a year, so that they survive the freeze:',
        '',
        '- debian: 2021051301',
        '- debian-security: 2021051302',
        '- tails: 2021051304',
        '- torproject: 2021051303',
        '',
      ].join('\n'),
    );
  });
});
