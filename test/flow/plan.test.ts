import { defaultConfig } from '../../src/config/defaults.js';
import { SnapshotServerError } from '../../src/errors.js';
import { planAction } from '../../src/flow/plan.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { fakeState, PATHS, tailsTree } from '../helpers/snapshot.js';

const config = defaultConfig();
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const NEWEST = { debian: '2021060101', 'debian-security': '2021060102', torproject: '2021060103', tails: '2021060104' };

describe('planAction', () => {
  it('thaws without asking the server', async () => {
    const server = new FakeSnapshotServer();
    const result = await planAction({ action: 'thaw', state: fakeState(tailsTree({ main: FROZEN })), config, server });
    expect(result.ok && result.plan.edits.map((e) => e.path)).toEqual([
      `${PATHS.MAIN}/debian/serial`,
      `${PATHS.MAIN}/torproject/serial`,
    ]);
    expect(server.calls).toEqual([]);
  });

  it('freezes with the newest serials, asking only for the origins it pins', async () => {
    const server = new FakeSnapshotServer({ latest: NEWEST });
    const result = await planAction({
      action: 'freeze',
      state: fakeState(tailsTree({ baseBranch: 'testing' })),
      config,
      server,
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.plan.title).toBe('Freeze APT snapshots for 4.19~rc1.');
      expect(result.plan.edits).toContainEqual({ path: `${PATHS.MAIN}/debian/serial`, content: '2021060101\n' });
      expect(result.plan.edits).toContainEqual({
        path: `${PATHS.BUILDER}/debian-security/serial`,
        content: '2021060102\n',
      });
      expect(result.plan.edits.map((e) => e.path)).not.toContain(`${PATHS.MAIN}/debian-security/serial`);
    }
    expect(server.calls.map((c) => c.origin).sort()).toEqual(['debian', 'debian-security', 'tails', 'torproject']);
  });

  it('bumps only the origins asked for', async () => {
    const server = new FakeSnapshotServer({ latest: NEWEST });
    const result = await planAction({
      action: 'bump',
      state: fakeState(tailsTree({ baseBranch: 'testing', main: FROZEN })),
      config,
      server,
      origins: ['torproject'],
    });
    expect(result.ok && result.plan.edits).toEqual([
      { path: `${PATHS.MAIN}/torproject/serial`, content: '2021060103\n' },
    ]);
    expect(server.calls.map((c) => c.origin)).toEqual(['torproject']);
  });

  it.each(['freeze', 'bump'] as const)('refuses to %s offline, naming why', async (action) => {
    const result = await planAction({ action, state: fakeState(tailsTree({ main: FROZEN })), config });
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(new RegExp(`${action} needs the newest serials.*offline`)),
    });
  });

  // A directory name the server cannot be asked about is the branch's problem (exit 1), not an unreachable server (exit 3).
  it.each(['freeze', 'bump'] as const)(
    'refuses to %s an origin directory that is not an origin name, without asking the server',
    async (action) => {
      const server = new FakeSnapshotServer({ latest: NEWEST });
      const files = {
        ...tailsTree({ baseBranch: 'testing', main: FROZEN }),
        [`${PATHS.MAIN}/Debian_Extra/serial`]: '2021051301\n',
      };
      const result = await planAction({ action, state: fakeState(files), config, server });
      expect(result).toEqual({
        ok: false,
        error: `cannot ${action}: ${PATHS.MAIN}/Debian_Extra is not a valid origin name (lowercase letters, digits, ".", "+" and "-"), so the snapshot server cannot be asked for its newest serial`,
      });
      expect(server.calls).toEqual([]);
    },
  );

  it('lets a server failure through as a SnapshotServerError', async () => {
    const server = new FakeSnapshotServer({ latest: NEWEST }).fail('torproject', 'connection refused');
    await expect(
      planAction({ action: 'freeze', state: fakeState(tailsTree()), config, server }),
    ).rejects.toBeInstanceOf(SnapshotServerError);
  });
});
