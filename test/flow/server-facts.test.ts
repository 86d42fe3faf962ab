import { defaultConfig } from '../../src/config/defaults.js';
import { SnapshotServerError } from '../../src/errors.js';
import { gatherFacts, newestSerials, originsOf } from '../../src/flow/server-facts.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { fakeState, PATHS, tailsTree } from '../helpers/snapshot.js';

const MAY_22 = new Date('2021-05-22T13:43:45Z');
const JUNE_1 = new Date('2021-06-01T00:00:00Z');

/** A frozen testing branch: main set pinned except debian-security, builder pinned; `other` has no dist. */
function frozenState() {
  return fakeState(
    tailsTree({
      baseBranch: 'testing',
      main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051302' },
      builder: { debian: '2021051301', 'debian-security': '2021042702', other: '2021050301', tails: '2021050302' },
    }),
  );
}

describe('gatherFacts', () => {
  it('looks up each distinct pinned (origin, serial) once, skipping latest and origins without a dist', async () => {
    const server = new FakeSnapshotServer({
      expiries: {
        'debian/2021051301': MAY_22,
        'torproject/2021051302': null,
        'debian-security/2021042702': JUNE_1,
        'tails/2021050302': JUNE_1,
      },
    });
    const facts = await gatherFacts(frozenState(), defaultConfig(), server);

    expect([...facts.expiries.entries()].sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['debian-security/2021042702', { ok: true, validUntil: JUNE_1 }],
      ['debian/2021051301', { ok: true, validUntil: MAY_22 }],
      ['tails/2021050302', { ok: true, validUntil: JUNE_1 }],
      ['torproject/2021051302', { ok: true, validUntil: null }],
    ]);
    // debian 2021051301 is pinned in both sets; other has no dist in the default configuration.
    expect(server.calls).toHaveLength(4);
    expect(server.calls).toEqual(
      expect.arrayContaining([
        { method: 'validUntil', origin: 'debian', dist: 'stable', serial: '2021051301' },
        { method: 'validUntil', origin: 'debian-security', dist: 'buster/updates', serial: '2021042702' },
        { method: 'validUntil', origin: 'tails', dist: 'stable', serial: '2021050302' },
        { method: 'validUntil', origin: 'torproject', dist: 'buster', serial: '2021051302' },
      ]),
    );
  });

  it('looks up the same origin twice when the sets pin different serials', async () => {
    const state = fakeState(tailsTree({ main: { debian: '2021051301' }, builder: { debian: '2021042702' } }));
    const server = new FakeSnapshotServer({ expiries: { 'debian/2021051301': MAY_22, 'debian/2021042702': JUNE_1 } });
    const facts = await gatherFacts(state, defaultConfig(), server);
    expect(facts.expiries.get('debian/2021051301')).toEqual({ ok: true, validUntil: MAY_22 });
    expect(facts.expiries.get('debian/2021042702')).toEqual({ ok: true, validUntil: JUNE_1 });
    expect(server.calls).toHaveLength(2);
  });

  it('records failures per key instead of throwing', async () => {
    const server = new FakeSnapshotServer({ expiries: { 'debian/2021051301': MAY_22 } }).fail(
      'debian-security/2021042702',
      'timed out after 200 ms waiting for the response',
    );
    const facts = await gatherFacts(frozenState(), defaultConfig(), server);
    expect(facts.expiries.get('debian/2021051301')).toEqual({ ok: true, validUntil: MAY_22 });
    expect(facts.expiries.get('debian-security/2021042702')).toEqual({
      ok: false,
      error:
        'fake://snapshots/debian-security/dists/buster/updates/snapshots/2021042702/Release: timed out after 200 ms waiting for the response',
    });
    expect(facts.expiries.get('torproject/2021051302')).toEqual({
      ok: false,
      missing: true,
      error: 'fake://snapshots/torproject/dists/buster/snapshots/2021051302/Release: HTTP 404 Not Found',
    });
  });

  it('records a server that throws something other than a SnapshotServerError', async () => {
    const server = new FakeSnapshotServer();
    server.validUntil = async () => {
      throw new TypeError('boom');
    };
    const facts = await gatherFacts(frozenState(), defaultConfig(), server);
    expect([...facts.expiries.values()]).toEqual([
      { ok: false, error: 'boom' },
      { ok: false, error: 'boom' },
      { ok: false, error: 'boom' },
      { ok: false, error: 'boom' },
    ]);
  });

  it('looks nothing up for origins the configuration gives no dist, or a thawed state', async () => {
    const base = defaultConfig();
    const config = { ...base, snapshot_server: { ...base.snapshot_server, dists: {} } };
    const server = new FakeSnapshotServer();
    expect((await gatherFacts(frozenState(), config, server)).expiries.size).toBe(0);
    const thawed = fakeState(tailsTree({ builder: { debian: 'latest', tails: 'latest' } }));
    expect((await gatherFacts(thawed, defaultConfig(), server)).expiries.size).toBe(0);
    expect(server.calls).toEqual([]);
  });

  it('skips serial files that are invalid or unreadable', async () => {
    const files = tailsTree({ main: { debian: '2021023001', torproject: '2021051302' }, builder: {} });
    files[`${PATHS.MAIN}/debian-security/serial`] = { symlink: '../debian/serial' };
    const server = new FakeSnapshotServer({ expiries: { 'torproject/2021051302': MAY_22 } });
    const facts = await gatherFacts(fakeState(files), defaultConfig(), server);
    expect([...facts.expiries.keys()]).toEqual(['torproject/2021051302']);
  });

  it.each([1, 2, 4])('runs at most %i lookups at a time', async (concurrency) => {
    const main: Record<string, string> = {};
    const dists: Record<string, string> = {};
    for (let i = 0; i < 9; i += 1) {
      main[`origin${i}`] = '2021051301';
      dists[`origin${i}`] = 'stable';
    }
    const base = defaultConfig();
    const config = { ...base, snapshot_server: { ...base.snapshot_server, dists } };
    const server = new FakeSnapshotServer({
      delayMs: 5,
      expiries: Object.fromEntries(Object.keys(main).map((o) => [`${o}/2021051301`, MAY_22])),
    });
    const facts = await gatherFacts(fakeState(tailsTree({ main, builder: {} }), config), config, server, {
      concurrency,
    });
    expect(facts.expiries.size).toBe(9);
    expect(server.maxInFlight).toBe(concurrency);
  });

  it('runs 4 lookups at a time by default', async () => {
    const server = new FakeSnapshotServer({ delayMs: 5 });
    const main = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((o) => [o, '2021051301']));
    const base = defaultConfig();
    const config = {
      ...base,
      snapshot_server: {
        ...base.snapshot_server,
        dists: Object.fromEntries(Object.keys(main).map((o) => [o, 'stable'])),
      },
    };
    await gatherFacts(fakeState(tailsTree({ main, builder: {} }), config), config, server);
    expect(server.calls).toHaveLength(6);
    expect(server.maxInFlight).toBe(4);
  });
});

describe('newestSerials', () => {
  it('resolves every origin once, in the order given', async () => {
    const server = new FakeSnapshotServer({
      latest: { debian: '2021051303', torproject: '2021051302', tails: '2021051201' },
    });
    const newest = await newestSerials(server, ['torproject', 'debian', 'torproject', 'tails']);
    expect([...newest.entries()]).toEqual([
      ['torproject', '2021051302'],
      ['debian', '2021051303'],
      ['tails', '2021051201'],
    ]);
    expect(server.calls.map((c) => c.origin)).toEqual(['torproject', 'debian', 'tails']);
  });

  it('accepts any iterable and resolves nothing for no origins', async () => {
    const server = new FakeSnapshotServer({ latest: { debian: '2021051303' } });
    expect([...(await newestSerials(server, new Set(['debian'])))]).toEqual([['debian', '2021051303']]);
    expect((await newestSerials(server, [])).size).toBe(0);
  });

  it('throws the SnapshotServerError of the one origin that cannot be resolved', async () => {
    const server = new FakeSnapshotServer({ latest: { debian: '2021051303' } }).fail(
      'torproject',
      'connection refused',
    );
    const error = await newestSerials(server, ['debian', 'torproject']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotServerError);
    expect((error as SnapshotServerError).message).toBe(
      'fake://snapshots/torproject/project/trace/torproject: connection refused',
    );
    expect((error as SnapshotServerError).url).toBe('fake://snapshots/torproject/project/trace/torproject');
  });

  it('names every origin that cannot be resolved in one error', async () => {
    const server = new FakeSnapshotServer({ latest: { debian: '2021051303' } }).fail(
      'torproject',
      'HTTP 500 Internal Server Error (after 3 attempts)',
    );
    const error = await newestSerials(server, ['torproject', 'debian', 'tails']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotServerError);
    expect((error as SnapshotServerError).message).toBe(
      [
        'cannot find the newest serial of 2 origins:',
        '- fake://snapshots/torproject/project/trace/torproject: HTTP 500 Internal Server Error (after 3 attempts)',
        '- fake://snapshots/tails/project/trace/tails: HTTP 404 Not Found',
      ].join('\n'),
    );
    expect((error as SnapshotServerError).url).toBe('fake://snapshots/torproject/project/trace/torproject');
  });
});

describe('originsOf', () => {
  it('lists every origin of every set once, sorted', () => {
    expect(originsOf(frozenState())).toEqual(['debian', 'debian-security', 'other', 'tails', 'torproject']);
  });

  it('lists nothing when no set exists', () => {
    expect(originsOf(fakeState({ 'config/base_branch': 'devel\n' }))).toEqual([]);
  });
});
