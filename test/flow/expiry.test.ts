import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import type { Serial } from '../../src/domain/serial.js';
import { SnapshotServerError } from '../../src/errors.js';
import {
  bumpCommand,
  nearestExpiry,
  needingAttention,
  pinnedSnapshots,
  windowEnd,
  type PinnedSnapshot,
} from '../../src/flow/expiry.js';
import type { SnapshotServer } from '../../src/ports/snapshot-server.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { fakeState, PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN, BUILDER } = PATHS;
const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2021-05-20T12:00:00Z');
const UNTIL = new Date(NOW.getTime() + 30 * DAY);
const at = (ms: number) => new Date(NOW.getTime() + ms);

/** testing frozen, except debian-security (a freeze exception); `other` has no dist in the defaults. */
const TESTING = tailsTree({
  baseBranch: 'testing',
  main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051302' },
  builder: { debian: '2021051301', 'debian-security': '2021042702', other: '2021050301', tails: '2021050302' },
});

function snapshots(files = TESTING, server: SnapshotServer, config: Config = defaultConfig()) {
  return pinnedSnapshots(fakeState(files, config), config, server, { now: NOW, until: UNTIL });
}

/** A server that answers every Release file with an HTTP error of `status`. */
function failingWith(status: number): SnapshotServer {
  return {
    latestSerial: () => Promise.reject(new Error('not asked')),
    validUntil: (origin: string, dist: string, serial: Serial) => {
      const url = `http://snapshots.test/${origin}/dists/${dist}/snapshots/${serial}/Release`;
      return Promise.reject(new SnapshotServerError(`${url}: HTTP ${status}`, url, { status }));
    },
  };
}

describe('pinnedSnapshots', () => {
  it('lists every pinned snapshot of every set, in order, with its status', async () => {
    const server = new FakeSnapshotServer({
      expiries: { 'debian/2021051301': at(3 * DAY), 'torproject/2021051302': null, 'tails/2021050302': at(90 * DAY) },
    }).fail('debian-security/2021042702', 'HTTP 500 Internal Server Error');
    const found = await snapshots(TESTING, server);
    expect(found).toEqual<PinnedSnapshot[]>([
      {
        set: 'main',
        dir: MAIN,
        origin: 'debian',
        path: `${MAIN}/debian/serial`,
        serial: '2021051301',
        dist: 'stable',
        validUntil: at(3 * DAY),
        status: 'expiring',
      },
      {
        set: 'main',
        dir: MAIN,
        origin: 'debian-security',
        path: `${MAIN}/debian-security/serial`,
        serial: 'latest',
        dist: 'buster/updates',
        status: 'latest',
      },
      {
        set: 'main',
        dir: MAIN,
        origin: 'torproject',
        path: `${MAIN}/torproject/serial`,
        serial: '2021051302',
        dist: 'buster',
        validUntil: null,
        status: 'ok',
      },
      {
        set: 'builder',
        dir: BUILDER,
        origin: 'debian',
        path: `${BUILDER}/debian/serial`,
        serial: '2021051301',
        dist: 'stable',
        validUntil: at(3 * DAY),
        status: 'expiring',
      },
      {
        set: 'builder',
        dir: BUILDER,
        origin: 'debian-security',
        path: `${BUILDER}/debian-security/serial`,
        serial: '2021042702',
        dist: 'buster/updates',
        status: 'unknown',
        error:
          'fake://snapshots/debian-security/dists/buster/updates/snapshots/2021042702/Release: HTTP 500 Internal Server Error',
      },
      {
        set: 'builder',
        dir: BUILDER,
        origin: 'other',
        path: `${BUILDER}/other/serial`,
        serial: '2021050301',
        status: 'unchecked',
      },
      // Checked in the stable dist, as Tails' script checks every origin it does not name.
      {
        set: 'builder',
        dir: BUILDER,
        origin: 'tails',
        path: `${BUILDER}/tails/serial`,
        serial: '2021050302',
        dist: 'stable',
        validUntil: at(90 * DAY),
        status: 'ok',
      },
    ]);
    // debian 2021051301 is pinned by both sets but asked once; other, without a dist, never.
    expect(server.calls.map((c) => (c.method === 'validUntil' ? `${c.origin} ${c.serial}` : c.method))).toEqual([
      'debian 2021051301',
      'torproject 2021051302',
      'debian-security 2021042702',
      'tails 2021050302',
    ]);
  });

  it.each<[string, Date | null, PinnedSnapshot['status']]>([
    ['exactly now', NOW, 'expired'],
    ['a day ago', at(-DAY), 'expired'],
    ['a millisecond after now', at(1), 'expiring'],
    ['a second before the end of the window', at(30 * DAY - 1000), 'expiring'],
    // The end is left out, as Tails' script passes a snapshot valid until exactly a month from now.
    ['exactly at the end of the window', UNTIL, 'ok'],
    ['a millisecond after the window', at(30 * DAY + 1), 'ok'],
    ['never (no Valid-Until)', null, 'ok'],
  ])('classifies a snapshot that expires %s', async (_when, validUntil, status) => {
    const files = tailsTree({ main: { debian: '2021051301' }, builder: {} });
    const server = new FakeSnapshotServer({ expiries: { 'debian/2021051301': validUntil } });
    const [debian] = await snapshots(files, server);
    expect(debian).toMatchObject({ origin: 'debian', status, validUntil });
  });

  it.each([
    [404, 'missing'],
    [410, 'missing'],
    [500, 'unknown'],
    [503, 'unknown'],
  ] as const)('reads HTTP %d as %s, keeping the reason', async (status, expected) => {
    const files = tailsTree({ main: { debian: '2021051301' }, builder: {} });
    const [debian] = await snapshots(files, failingWith(status));
    expect(debian).toEqual({
      set: 'main',
      dir: MAIN,
      origin: 'debian',
      path: `${MAIN}/debian/serial`,
      serial: '2021051301',
      dist: 'stable',
      status: expected,
      error: `http://snapshots.test/debian/dists/stable/snapshots/2021051301/Release: HTTP ${status}`,
    });
    expect(debian).not.toHaveProperty('validUntil');
  });

  it('flags latest on an origin that is not a freeze exception of its set, and only there', async () => {
    const files = tailsTree({
      main: { debian: 'latest', 'debian-security': 'latest' },
      builder: { 'debian-security': 'latest', tails: 'latest' },
    });
    const found = await snapshots(files, new FakeSnapshotServer());
    expect(found.map((s) => [s.set, s.origin, s.status, s.unexpectedLatest ?? false])).toEqual([
      ['main', 'debian', 'latest', true],
      ['main', 'debian-security', 'latest', false],
      ['builder', 'debian-security', 'latest', true],
      ['builder', 'tails', 'latest', true],
    ]);
  });

  it('expects latest in the sets that thaw on a development branch, and only there', async () => {
    const files = tailsTree({ main: { debian: 'latest' }, builder: { tails: 'latest' } });
    const config = defaultConfig();
    const flagged = async (branch: string) =>
      (
        await pinnedSnapshots(fakeState(files, config), config, new FakeSnapshotServer(), {
          now: NOW,
          until: UNTIL,
          branch,
        })
      ).map((s) => [s.set, s.unexpectedLatest ?? false]);
    // devel must track latest in the main set; the builder set never thaws.
    expect(await flagged('devel')).toEqual([
      ['main', false],
      ['builder', true],
    ]);
    expect(await flagged('testing')).toEqual([
      ['main', true],
      ['builder', true],
    ]);
  });

  it('leaves out serial files that pin nothing, and missing sets', async () => {
    const files = Object.fromEntries(
      Object.entries({
        ...tailsTree({ main: { debian: '2021051301', torproject: 'latest' } }),
        [`${MAIN}/torproject/serial`]: 'not a serial\n',
        [`${MAIN}/tails/.placeholder`]: '',
      }).filter(([path]) => !path.startsWith(BUILDER)),
    );
    const server = new FakeSnapshotServer({ expiries: { 'debian/2021051301': null } });
    const found = await snapshots(files, server);
    expect(found.map((s) => s.path)).toEqual([`${MAIN}/debian/serial`]);
  });

  it('uses the configured dists and freeze exceptions', async () => {
    const defaults = defaultConfig();
    const config: Config = {
      ...defaults,
      snapshot_sets: defaults.snapshot_sets.map((s) =>
        s.name === 'builder' ? { ...s, freeze_exceptions: ['tails'] } : s,
      ),
      snapshot_server: { ...defaults.snapshot_server, dists: { tails: 'bullseye' } },
    };
    const files = tailsTree({ main: { debian: '2021051301' }, builder: { tails: 'latest', debian: '2021051301' } });
    const server = new FakeSnapshotServer({ expiries: {} });
    const found = await snapshots(files, server, config);
    expect(found.map((s) => [s.origin, s.status, s.dist, s.unexpectedLatest])).toEqual([
      ['debian', 'unchecked', undefined, undefined],
      ['debian', 'unchecked', undefined, undefined],
      ['tails', 'latest', 'bullseye', undefined],
    ]);
    expect(server.calls).toEqual([]);
  });

  it('asks at most `concurrency` lookups at once', async () => {
    const main = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((o) => [o, '2021051301']));
    const defaults = defaultConfig();
    const config: Config = {
      ...defaults,
      snapshot_server: {
        ...defaults.snapshot_server,
        dists: Object.fromEntries(Object.keys(main).map((o) => [o, 'x'])),
      },
    };
    const server = new FakeSnapshotServer({
      expiries: Object.fromEntries(Object.keys(main).map((o) => [`${o}/2021051301`, null])),
      delayMs: 5,
    });
    const found = await pinnedSnapshots(fakeState(tailsTree({ main, builder: {} }), config), config, server, {
      now: NOW,
      until: UNTIL,
      concurrency: 2,
    });
    expect(found.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(server.maxInFlight).toBe(2);
  });
});

describe('needingAttention and nearestExpiry', () => {
  const snapshot = (origin: string, status: PinnedSnapshot['status'], validUntil?: Date | null): PinnedSnapshot => ({
    set: 'main',
    dir: MAIN,
    origin,
    path: `${MAIN}/${origin}/serial`,
    serial: status === 'latest' ? 'latest' : '2021051301',
    status,
    ...(validUntil === undefined ? {} : { validUntil }),
  });
  const all = [
    snapshot('ok', 'ok', at(60 * DAY)),
    snapshot('never', 'ok', null),
    snapshot('expiring', 'expiring', at(2 * DAY)),
    snapshot('expired', 'expired', at(-DAY)),
    snapshot('missing', 'missing'),
    snapshot('unknown', 'unknown'),
    snapshot('latest', 'latest'),
    snapshot('unchecked', 'unchecked'),
  ];

  it('keeps what needs a person: expiring, expired, missing and unknown, in order', () => {
    expect(needingAttention(all).map((s) => s.origin)).toEqual(['expiring', 'expired', 'missing', 'unknown']);
    expect(needingAttention(all.filter((s) => ['ok', 'latest', 'unchecked'].includes(s.status)))).toEqual([]);
  });

  it('finds the snapshot that expires first, expired ones included, the first listed of a tie', () => {
    expect(nearestExpiry(all)).toBe(all[3]);
    const tie = [snapshot('first', 'ok', at(DAY)), snapshot('second', 'ok', at(DAY))];
    expect(nearestExpiry(tie)).toBe(tie[0]);
    expect(nearestExpiry([snapshot('never', 'ok', null), snapshot('latest', 'latest')])).toBeUndefined();
    expect(nearestExpiry([])).toBeUndefined();
  });
});

describe('bumpCommand and windowEnd', () => {
  it('fills in the configured days, everywhere {days} appears', () => {
    expect(bumpCommand(defaultConfig())).toBe('./bin/bump-APT-snapshots-expiration-date 180');
    const defaults = defaultConfig();
    const config = { ...defaults, expiry: { bump_days: 90, bump_command: 'bump --days {days} # {days} days' } };
    expect(bumpCommand(config)).toBe('bump --days 90 # 90 days');
  });

  it('ends the window whole days after now', () => {
    expect(windowEnd(NOW, 30)).toEqual(new Date('2021-06-19T12:00:00Z'));
    expect(windowEnd(NOW, 0)).toEqual(NOW);
  });
});
