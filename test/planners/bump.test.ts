import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import type { Serial } from '../../src/domain/serial.js';
import { bumpTitle, planBump } from '../../src/planners/bump.js';
import type { SerialChange } from '../../src/planners/serial-edits.js';
import type { Edit, Plan } from '../../src/planners/types.js';
import { fakeState, PATHS, tailsTree, type FakeEntry } from '../helpers/snapshot.js';
import { CUSTOM, CUSTOM_CONFIG, customTree } from './custom-config.js';

const main = (origin: string) => `${PATHS.MAIN}/${origin}/serial`;
const builder = (origin: string) => `${PATHS.BUILDER}/${origin}/serial`;

function serials(entries: Record<string, string>): ReadonlyMap<string, Serial> {
  return new Map(Object.entries(entries) as [string, Serial][]);
}

const NEWEST = serials({
  debian: '2021060101',
  'debian-security': '2021060101',
  torproject: '2021060102',
  tails: '2021060103',
});
const FROZEN_MAIN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const AT_NEWEST_BUILDER = { debian: '2021060101', 'debian-security': '2021060101', tails: '2021060103' };
const TESTING = tailsTree({ baseBranch: 'testing', main: FROZEN_MAIN });

function bump(
  files: Record<string, FakeEntry>,
  origins?: readonly string[],
  newest = NEWEST,
  config: Config = defaultConfig(),
): Plan {
  const result = planBump(fakeState(files, config), config, newest, origins);
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

/** Bumping every pinned origin of TESTING to NEWEST. */
const EVERY_PINNED: Edit[] = [
  { path: main('debian'), content: '2021060101\n' },
  { path: main('torproject'), content: '2021060102\n' },
  { path: builder('debian-security'), content: '2021060101\n' },
  { path: builder('debian'), content: '2021060101\n' },
  { path: builder('tails'), content: '2021060103\n' },
];
const EVERY_PINNED_TITLE =
  'Bump APT snapshots of debian, debian-security to 2021060101; torproject to 2021060102; tails to 2021060103.';

describe('planBump edits and title', () => {
  it.each<[string, Record<string, FakeEntry>, readonly string[] | undefined, Edit[], string]>([
    ['every pinned origin by default, in every set', TESTING, undefined, EVERY_PINNED, EVERY_PINNED_TITLE],
    ['an empty list means the default', TESTING, [], EVERY_PINNED, EVERY_PINNED_TITLE],
    [
      'named origins, in every set they are pinned in',
      TESTING,
      ['torproject', 'debian'],
      [
        { path: main('debian'), content: '2021060101\n' },
        { path: main('torproject'), content: '2021060102\n' },
        { path: builder('debian'), content: '2021060101\n' },
      ],
      'Bump APT snapshots of debian to 2021060101; torproject to 2021060102.',
    ],
    [
      'a name given twice counts once',
      TESTING,
      ['tails', 'tails'],
      [{ path: builder('tails'), content: '2021060103\n' }],
      'Bump APT snapshots of tails to 2021060103.',
    ],
    [
      'debian-security is bumped where it is not an exception',
      TESTING,
      ['debian-security'],
      [{ path: builder('debian-security'), content: '2021060101\n' }],
      'Bump APT snapshots of debian-security to 2021060101.',
    ],
    [
      'equal serials: no edit',
      tailsTree({
        main: { debian: '2021060101', 'debian-security': 'latest', torproject: '2021060102' },
        builder: AT_NEWEST_BUILDER,
      }),
      undefined,
      [],
      'Bump APT snapshots: already at the newest serials.',
    ],
    [
      'a thawed branch: nothing pinned but the builder',
      tailsTree({ builder: AT_NEWEST_BUILDER }),
      undefined,
      [],
      'Bump APT snapshots: already at the newest serials.',
    ],
    [
      'a pinned exception is not bumped by default',
      tailsTree({
        main: { debian: '2021060101', 'debian-security': '2021051301', torproject: '2021060102' },
        builder: AT_NEWEST_BUILDER,
      }),
      undefined,
      [],
      'Bump APT snapshots: already at the newest serials.',
    ],
    [
      'a broken file in a frozen set is repaired',
      { ...tailsTree({ main: FROZEN_MAIN, builder: AT_NEWEST_BUILDER }), [main('torproject')]: { symlink: 'x' } },
      undefined,
      [
        { path: main('debian'), content: '2021060101\n' },
        { path: main('torproject'), content: '2021060102\n' },
      ],
      'Bump APT snapshots of debian to 2021060101; torproject to 2021060102.',
    ],
    [
      'a broken file in a thawed set is left to the thaw',
      { ...tailsTree({ builder: AT_NEWEST_BUILDER }), [main('torproject')]: 'garbage\n' },
      undefined,
      [],
      'Bump APT snapshots: already at the newest serials.',
    ],
    [
      'a named broken file is repaired',
      { ...tailsTree({ builder: AT_NEWEST_BUILDER }), [main('torproject')]: 'garbage\n' },
      ['torproject'],
      [{ path: main('torproject'), content: '2021060102\n' }],
      'Bump APT snapshots of torproject to 2021060102.',
    ],
  ])('%s', (_name, files, origins, edits, title) => {
    const plan = bump(files, origins);
    expect(plan.action).toBe('bump');
    expect(plan.edits).toEqual(edits);
    expect(plan.title).toBe(title);
  });

  it('uses the configuration, not Tails names', () => {
    const newest = serials({ base: '2021060101', security: '2021060102', tools: '2021060103', updates: '2021060104' });
    const plan = bump(
      customTree({ chroot: { base: '2021050101', security: '2021050102', updates: 'latest' } }),
      undefined,
      newest,
      CUSTOM_CONFIG,
    );
    expect(plan.edits).toEqual([
      { path: `${CUSTOM.CHROOT}/base/serial`, content: '2021060101\n' },
      { path: `${CUSTOM.EXTRA}/tools/serial`, content: '2021060103\n' },
      { path: `${CUSTOM.VM}/base/serial`, content: '2021060101\n' },
      { path: `${CUSTOM.VM}/security/serial`, content: '2021060102\n' },
    ]);
    expect(plan.body).toContain('on http://snapshots.example.org/');
  });
});

describe('planBump refuses', () => {
  it.each<[string, Record<string, FakeEntry>, readonly string[] | undefined, ReadonlyMap<string, Serial>, string]>([
    [
      'going backwards',
      TESTING,
      undefined,
      serials({ debian: '2021060101', 'debian-security': '2021060101', torproject: '2021050101', tails: '2021060103' }),
      `cannot bump: ${main('torproject')}: the newest serial of origin "torproject", 2021050101, is older than the pinned 2021051301; serials only move forward`,
    ],
    [
      'an origin without a newest serial',
      TESTING,
      ['tails'],
      serials({ debian: '2021060101' }),
      `cannot bump: ${builder('tails')}: the newest serial of origin "tails" is unknown`,
    ],
    [
      'an origin that does not exist',
      TESTING,
      ['debian', 'ubuntu'],
      NEWEST,
      `cannot bump: origin "ubuntu" does not exist in any snapshot set (${PATHS.MAIN}, ${PATHS.BUILDER})`,
    ],
    [
      'an origin that is latest',
      tailsTree({ baseBranch: 'testing' }),
      ['torproject'],
      NEWEST,
      `cannot bump: origin "torproject": ${main('torproject')} is latest; only pinned serials are bumped`,
    ],
    [
      'a freeze exception',
      withBuilderWithout('debian-security'),
      ['debian-security'],
      NEWEST,
      `cannot bump: origin "debian-security": ${main('debian-security')} is a freeze exception of set "main", which stays latest`,
    ],
    [
      'a pinned freeze exception',
      tailsTree({
        main: { ...FROZEN_MAIN, 'debian-security': '2021051301' },
        builder: { debian: '2021051301', tails: '2021051301' },
      }),
      ['debian-security'],
      NEWEST,
      `cannot bump: origin "debian-security": ${main('debian-security')} is a freeze exception of set "main", which stays latest`,
    ],
  ])('%s', (_name, files, origins, newest, error) => {
    expect(planBump(fakeState(files), defaultConfig(), newest, origins)).toEqual({ ok: false, error });
  });
});

function withBuilderWithout(origin: string): Record<string, FakeEntry> {
  return Object.fromEntries(Object.entries(TESTING).filter(([p]) => p !== builder(origin)));
}

describe('planBump body', () => {
  it('shows the chosen origins per set, what was skipped and the Valid-Until reminder', () => {
    const plan = bump(tailsTree({ main: FROZEN_MAIN, builder: AT_NEWEST_BUILDER }), ['debian-security', 'debian']);
    expect(plan.body).toBe(
      [
        'Moves these APT snapshots to the newest serials on the snapshot server, on purpose: serials only move forward.',
        '',
        '## Snapshots',
        '',
        '### main (`config/APT_snapshots.d`)',
        '',
        '| origin | before | after |',
        '| --- | --- | --- |',
        '| debian | 2021051301 | 2021060101 |',
        '',
        `### builder (\`${PATHS.BUILDER}\`)`,
        '',
        '| origin | before | after |',
        '| --- | --- | --- |',
        '| debian-security | 2021060101 | 2021060101 |',
        '| debian | 2021060101 | 2021060101 |',
        '',
        '## Not bumped',
        '',
        `- ${main('debian-security')} is a freeze exception of set "main", which stays latest`,
        '',
        'If this branch is frozen for a release, the release manager must also bump `Valid-Until` of the new snapshots on http://time-based.snapshots.deb.tails.boum.org/, so that they survive the freeze.',
        '',
      ].join('\n'),
    );
  });

  it.each<[string, Record<string, FakeEntry>, string]>([
    [
      'nothing pinned',
      tailsTree({ builder: {} }),
      'Nothing to bump: no origin of this branch is pinned to a serial.\n',
    ],
    [
      'all at the newest',
      tailsTree({ builder: AT_NEWEST_BUILDER }),
      'Nothing to bump: these APT snapshots are already at the newest serials on the snapshot server.\n',
    ],
  ])('%s', (_name, files, start) => {
    const { body } = bump(files);
    expect(body.startsWith(start)).toBe(true);
    expect(body).not.toContain('Valid-Until');
  });
});

describe('bumpTitle', () => {
  const change = (origin: string, after: string, edit = true): SerialChange => ({
    set: 'main',
    origin,
    path: `${origin}/serial`,
    before: 'x',
    after,
    ...(edit ? { edit: { path: `${origin}/serial`, content: `${after}\n` } } : {}),
  });
  it.each<[string, SerialChange[], string]>([
    ['one origin', [change('debian', '2021060101')], 'Bump APT snapshots of debian to 2021060101.'],
    [
      'one serial, origins sorted',
      [change('torproject', '2021060101'), change('debian', '2021060101')],
      'Bump APT snapshots of debian, torproject to 2021060101.',
    ],
    [
      'groups by serial, oldest first',
      [change('debian', '2021060102'), change('tails', '2021060101'), change('torproject', '2021060102')],
      'Bump APT snapshots of tails to 2021060101; debian, torproject to 2021060102.',
    ],
    [
      'an origin in two sets once',
      [change('debian', '2021060101'), { ...change('debian', '2021060101'), set: 'builder' }],
      'Bump APT snapshots of debian to 2021060101.',
    ],
    [
      'unchanged origins are not named',
      [change('debian', '2021060101'), change('tails', '2021060101', false)],
      'Bump APT snapshots of debian to 2021060101.',
    ],
    ['nothing changes', [change('tails', '2021060101', false)], 'Bump APT snapshots: already at the newest serials.'],
  ])('%s', (_name, changes, title) => {
    expect(bumpTitle(changes)).toBe(title);
  });
});
