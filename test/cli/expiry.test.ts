import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { commitFiles, repoPerTest, type TestRepo } from '../helpers/git-repo.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { runCli } from './helpers/run-cli.js';
import { releaseRoute } from './helpers/snapshot-routes.js';

const { MAIN, BUILDER } = PATHS;
const NOW = '2021-05-20T12:00:00Z';

/** What the server says, relative to NOW: the serials are named for what they do. */
const FAR = '2021051301'; // debian: 13 Nov 2021
const SOON = '2021051302'; // torproject: 1 Jun 2021, within a month of NOW
const VERY_SOON = '2021051303'; // torproject: 22 May 2021, within 5 days
const EXPIRED = '2021042702'; // debian: 19 May 2021
const TAGGED = '2021042703'; // debian-security: no Valid-Until
const GONE = '2021051399'; // not on the server
const BROKEN = '2021051398'; // the server fails to answer: HTTP 500

/** Every line a run writes, in order, with the stream it went to. */
async function runInterleaved(argv: string[], env: NodeJS.ProcessEnv) {
  const lines: string[] = [];
  const stream = (name: string) => ({
    write(chunk: string) {
      for (const line of chunk.split('\n').slice(0, -1)) lines.push(`${name}: ${line}`);
      return true;
    },
  });
  const io = { stdout: stream('out'), stderr: stream('err'), stdin: Readable.from([]), env, cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, lines };
}

const repo = repoPerTest();

describe('expiry', () => {
  let server: LocalHttpServer;
  beforeAll(async () => {
    server = await startHttpServer(
      Object.fromEntries([
        releaseRoute('debian', 'stable', FAR, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        releaseRoute('debian', 'stable', EXPIRED, 'Wed, 19 May 2021 10:00:00 UTC'),
        releaseRoute('torproject', 'buster', FAR, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        releaseRoute('torproject', 'buster', SOON, 'Tue, 01 Jun 2021 10:00:00 UTC'),
        releaseRoute('torproject', 'buster', VERY_SOON, 'Sat, 22 May 2021 10:00:00 UTC'),
        releaseRoute('debian-security', 'buster/updates', TAGGED, null),
        releaseRoute('tails', 'stable', FAR, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        releaseRoute('other', 'bullseye', FAR, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        [`/debian/dists/stable/snapshots/${BROKEN}/Release`, { status: 500, body: 'Internal Server Error\n' }],
      ]),
    );
  });
  afterAll(() => server.close());

  function expiry(r: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}) {
    return runCli(['expiry', '--repo', r.dir, '--now', NOW, '--snapshot-server', server.url, ...args], {
      env: { ...r.env, ...env },
    });
  }

  const FINE = tailsTree({
    main: { debian: FAR, 'debian-security': 'latest', torproject: 'latest' },
    builder: { debian: FAR, 'debian-security': TAGGED },
  });

  describe('on the work tree', () => {
    it("prints what Tails' script prints, on the streams it writes them to, in order", async () => {
      const r = await repo(
        tailsTree({
          main: { debian: GONE, 'debian-security': 'latest', torproject: SOON },
          builder: { debian: EXPIRED, 'debian-security': TAGGED, other: FAR, tails: FAR },
        }),
      );
      const run = await runInterleaved(
        ['expiry', '--repo', r.dir, '--now', NOW, '--snapshot-server', server.url],
        r.env,
      );
      expect(run.code).toBe(1);
      expect(run.lines).toEqual([
        `out: ${MAIN}:`,
        // The script writes this FAIL to standard output, the expiring ones to standard error.
        `out: FAIL: archive 'debian' has no snapshot '${GONE}'!`,
        "out: OK:   archive 'debian-security' uses snapshot 'latest' which expires on: never",
        `err: FAIL: archive 'torproject' uses snapshot '${SOON}' which expires on: Tue, 01 Jun 2021 10:00:00 UTC, which is within one month!`,
        'out: ---',
        `out: ${BUILDER}:`,
        // Expired says what expiring says, as in the script: its date is before the month's end too.
        `err: FAIL: archive 'debian' uses snapshot '${EXPIRED}' which expires on: Wed, 19 May 2021 10:00:00 UTC, which is within one month!`,
        `out: OK:   archive 'debian-security' uses snapshot '${TAGGED}' which expires on: never`,
        `err: Warning: archive 'other' uses snapshot '${FAR}', whose expiry is not checked: snapshot_server.dists names no dist for origin 'other'`,
        // tails is read in the stable dist, as the script reads every origin it does not name.
        `out: OK:   archive 'tails' uses snapshot '${FAR}' which expires on: Sat, 13 Nov 2021 10:00:00 UTC`,
        'out: ---',
      ]);
    });

    it('exits 0 when nothing expires within the month, warning of an unexpected latest', async () => {
      const r = await repo(FINE);
      const run = await expiry(r, []);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("Warning: origin 'torproject' is using the 'latest' snapshot, which is unexpected\n");
      expect(run.stdout).toBe(
        [
          `${MAIN}:`,
          `OK:   archive 'debian' uses snapshot '${FAR}' which expires on: Sat, 13 Nov 2021 10:00:00 UTC`,
          "OK:   archive 'debian-security' uses snapshot 'latest' which expires on: never",
          "OK:   archive 'torproject' uses snapshot 'latest' which expires on: never",
          '---',
          `${BUILDER}:`,
          `OK:   archive 'debian' uses snapshot '${FAR}' which expires on: Sat, 13 Nov 2021 10:00:00 UTC`,
          `OK:   archive 'debian-security' uses snapshot '${TAGGED}' which expires on: never`,
          '---',
          '',
        ].join('\n'),
      );
    });

    it('reads the files as they are in the work tree, not as committed', async () => {
      const r = await repo(FINE);
      await writeFile(join(r.dir, MAIN, 'debian', 'serial'), `${GONE}\n`);
      const run = await expiry(r, []);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`FAIL: archive 'debian' has no snapshot '${GONE}'!\n`);
      expect(server.requestsTo(`/debian/dists/stable/snapshots/${GONE}/Release`).length).toBeGreaterThan(0);
    });

    it('finds the checkout around the current directory without --repo', async () => {
      const r = await repo(FINE);
      const run = await runCli(['expiry', '--now', NOW, '--snapshot-server', server.url], {
        env: r.env,
        cwd: join(r.dir, MAIN),
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${MAIN}:\nOK:   archive 'debian' uses snapshot '${FAR}'`);
    });

    it('names serial files that pin nothing and a set that is not a directory (exit 1)', async () => {
      const r = await repo(FINE);
      await writeFile(join(r.dir, MAIN, 'torproject', 'serial'), 'buster\n');
      await mkdir(join(r.dir, MAIN, 'tails'));
      await rm(join(r.dir, BUILDER), { recursive: true });
      await symlink('/etc', join(r.dir, BUILDER));
      const run = await expiry(r, []);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(`^FAIL: ${MAIN}/tails/serial is missing: origin tails pins no snapshot$`, 'm'),
      );
      expect(run.stderr).toMatch(
        new RegExp(`^FAIL: ${MAIN}/torproject/serial "buster" .*: origin torproject pins no snapshot$`, 'm'),
      );
      expect(run.stderr).toContain(`FAIL: ${BUILDER} is not a directory, so its snapshots cannot be read\n`);
      expect(run.stdout).toContain(`${BUILDER}:\n---\n`);
    });

    it('warns of a set that is not there, and checks the others', async () => {
      const r = await repo(FINE);
      await rm(join(r.dir, BUILDER), { recursive: true });
      const run = await expiry(r, []);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${BUILDER}:\n---\n`);
      expect(run.stderr).toContain(`Warning: ${BUILDER} does not exist: there is no builder set to check\n`);
    });

    it('checks --within DAYS instead of a month', async () => {
      const r = await repo(
        tailsTree({ main: { debian: FAR, torproject: SOON, 'debian-security': 'latest' }, builder: {} }),
      );
      const five = await expiry(r, ['--within', '5']);
      expect(five.code).toBe(0);
      expect(five.stdout).toContain(
        `OK:   archive 'torproject' uses snapshot '${SOON}' which expires on: Tue, 01 Jun 2021 10:00:00 UTC\n`,
      );
      await commitFiles(r, { [`${MAIN}/torproject/serial`]: `${VERY_SOON}\n` }, 'Pin torproject');
      const again = await expiry(r, ['--within', '5']);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        `FAIL: archive 'torproject' uses snapshot '${VERY_SOON}' which expires on: Sat, 22 May 2021 10:00:00 UTC, which is within 5 days!\n`,
      );
      const one = await expiry(r, ['--within', '1']);
      expect(one.code).toBe(0);
      const twelve = await expiry(r, ['--within', '12']);
      expect(twelve.stderr).toContain('which is within 12 days!');
    });

    it('counts a month as the calendar does, as date -d "now + 1 month"', async () => {
      const r = await repo(tailsTree({ main: { torproject: SOON }, builder: {} }));
      const at = (now: string, ...args: string[]) =>
        runCli(['expiry', '--repo', r.dir, '--now', now, '--snapshot-server', server.url, ...args], { env: r.env });
      // torproject expires 1 Jun 10:00: within the month from a second later on 1 May, but not from 1 May
      // 10:00 itself (the end is left out, as the script's test is "before a month from now"), in whole seconds.
      expect((await at('2021-05-01T10:00:01Z')).code).toBe(1);
      expect((await at('2021-05-01T10:00:00Z')).code).toBe(0);
      expect((await at('2021-05-01T10:00:00.900Z')).code).toBe(0);
      expect((await at('2021-04-30T10:00:00Z')).code).toBe(0);
      const json = await at('2021-01-31T00:00:00Z', '--format', 'json');
      expect(JSON.parse(json.stdout).until).toBe('2021-03-03T00:00:00.000Z');
    });

    it('prints JSON with ISO dates, every status and the problems', async () => {
      const r = await repo(
        tailsTree({
          main: { debian: GONE, 'debian-security': 'latest', torproject: SOON },
          builder: { debian: EXPIRED, 'debian-security': TAGGED, other: FAR, tails: FAR },
        }),
      );
      await mkdir(join(r.dir, MAIN, 'tails'));
      const run = await expiry(r, ['--format', 'json']);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      const json = JSON.parse(run.stdout);
      expect(json.now).toBe('2021-05-20T12:00:00.000Z');
      expect(json.until).toBe('2021-06-20T12:00:00.000Z');
      expect(json.branches).toHaveLength(1);
      const [tree] = json.branches;
      expect(tree.branch).toBeNull();
      expect(tree.problems).toEqual([
        {
          severity: 'error',
          path: `${MAIN}/tails/serial`,
          message: `${MAIN}/tails/serial is missing: origin tails pins no snapshot`,
        },
      ]);
      expect(tree.snapshots).toEqual([
        {
          set: 'main',
          dir: MAIN,
          origin: 'debian',
          path: `${MAIN}/debian/serial`,
          serial: GONE,
          dist: 'stable',
          status: 'missing',
          error: `${server.url}/debian/dists/stable/snapshots/${GONE}/Release: HTTP 404 Not Found`,
        },
        expect.objectContaining({ origin: 'debian-security', serial: 'latest', status: 'latest' }),
        expect.objectContaining({ origin: 'torproject', status: 'expiring', validUntil: '2021-06-01T10:00:00.000Z' }),
        expect.objectContaining({ set: 'builder', origin: 'debian', status: 'expired' }),
        expect.objectContaining({ set: 'builder', origin: 'debian-security', status: 'ok', validUntil: null }),
        {
          set: 'builder',
          dir: BUILDER,
          origin: 'other',
          path: `${BUILDER}/other/serial`,
          serial: FAR,
          status: 'unchecked',
        },
        expect.objectContaining({ set: 'builder', origin: 'tails', dist: 'stable', status: 'ok' }),
      ]);
      expect(tree.snapshots[1]).not.toHaveProperty('unexpectedLatest');
    });

    it("checks the dists of the repository's own configuration", async () => {
      const r = await repo({
        ...tailsTree({ main: { other: FAR }, builder: {} }),
        '.github/apt-snapshots.yml': 'snapshot_server:\n  dists:\n    other: bullseye\n',
      });
      const run = await expiry(r, []);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`OK:   archive 'other' uses snapshot '${FAR}' which expires on: Sat, 13 Nov 2021`);
      expect(run.stderr).toBe('');
    });

    it('shows an origin name from the repository without its control characters', async () => {
      const r = await repo(tailsTree({ main: { 'evil\u001b[2J': 'latest' }, builder: {} }));
      const run = await expiry(r, []);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("Warning: origin 'evil\\u001b[2J' is using the 'latest' snapshot, which is unexpected\n");
    });

    it('fails with the reason, not a crash, when the server cannot be reached (exit 3, as check)', async () => {
      const r = await repo(tailsTree({ main: { debian: FAR }, builder: {} }));
      const down = await closedPortUrl();
      const port = new URL(down).port;
      const run = await runCli(['expiry', '--repo', r.dir, '--now', NOW, '--snapshot-server', down], { env: r.env });
      expect(run.code).toBe(3);
      expect(run.stdout).toBe(`${MAIN}:\n---\n${BUILDER}:\n---\n`);
      expect(run.stderr).toBe(
        [
          `FAIL: archive 'debian' uses snapshot '${FAR}' which could not be checked: ${down}/debian/dists/stable/snapshots/${FAR}/Release: connection refused by 127.0.0.1:${port} (after 3 attempts)`,
          `hint: nothing listens at 127.0.0.1:${port}: check that the snapshot server is running and the port in its URL`,
          '',
        ].join('\n'),
      );
    });
  });

  describe('exit status 3', () => {
    it('is for a snapshot the server could not be asked about, when nothing else failed', async () => {
      const r = await repo(tailsTree({ main: { debian: BROKEN, torproject: FAR }, builder: {} }));
      // No retries: the answer will not change.
      const config = join(r.dir, '..', 'no-retries.yml');
      await writeFile(config, 'snapshot_server:\n  retries: 0\n');
      const run = () =>
        runCli(['expiry', '--repo', r.dir, '--now', NOW, '--snapshot-server', server.url, '--config', config], {
          env: r.env,
        });
      const alone = await run();
      expect(alone.code).toBe(3);
      expect(alone.stderr).toContain(`FAIL: archive 'debian' uses snapshot '${BROKEN}' which could not be checked: `);
      // A definite failure is the answer whatever the server did: retrying on 3 would retry what cannot pass.
      await commitFiles(r, { [`${MAIN}/torproject/serial`]: `${SOON}\n` }, 'Pin torproject');
      expect((await run()).code).toBe(1);
      await commitFiles(r, { [`${MAIN}/torproject/serial`]: `${GONE}\n` }, 'Pin torproject');
      expect((await run()).code).toBe(1);
      await commitFiles(r, { [`${MAIN}/torproject/serial`]: 'buster\n' }, 'Break torproject');
      expect((await run()).code).toBe(1);
    });
  });

  describe('with --branch', () => {
    it('expects latest in the sets that thaw on a development branch; the work tree warns as the script does', async () => {
      const r = await repo(
        tailsTree({
          main: { debian: 'latest', 'debian-security': 'latest', torproject: 'latest' },
          builder: { debian: FAR, tails: 'latest' },
        }),
        { branch: 'devel' },
      );
      await r.git(['branch', 'testing']);
      const unexpected = (origin: string) =>
        `Warning: origin '${origin}' is using the 'latest' snapshot, which is unexpected\n`;
      const devel = await expiry(r, ['--branch', 'devel']);
      expect(devel.code).toBe(0);
      // The builder set never thaws: latest there is still unexpected on devel.
      expect(devel.stderr).toBe(unexpected('tails'));
      const testing = await expiry(r, ['--branch', 'testing']);
      expect(testing.stderr).toBe([unexpected('debian'), unexpected('torproject'), unexpected('tails')].join(''));
      const tree = await expiry(r, []);
      expect(tree.stderr).toBe(testing.stderr);
    });

    it("reads each branch's Git objects, local or origin's, whatever is checked out", async () => {
      const r = await repo(tailsTree({ builder: { debian: FAR } }), { branch: 'devel' });
      await r.git(['checkout', '--quiet', '-b', 'testing']);
      await commitFiles(
        r,
        { [`${MAIN}/debian/serial`]: `${FAR}\n`, [`${MAIN}/torproject/serial`]: `${SOON}\n` },
        'Freeze',
      );
      await r.git(['checkout', '--quiet', '-b', 'stable']);
      await commitFiles(
        r,
        { [`${MAIN}/debian/serial`]: `${EXPIRED}\n`, [`${MAIN}/torproject/serial`]: `${FAR}\n` },
        'Stable',
      );
      await r.git(['remote', 'add', 'origin', 'https://example.org/tails.git']);
      await r.git(['update-ref', 'refs/remotes/origin/stable', 'stable']);
      await r.git(['checkout', '--quiet', 'devel']);
      await r.git(['branch', '--quiet', '-D', 'stable']);

      const run = await runInterleaved(
        [
          'expiry',
          '--repo',
          r.dir,
          '--now',
          NOW,
          '--snapshot-server',
          server.url,
          '--branch',
          'testing',
          '--branch',
          'origin/stable',
        ],
        r.env,
      );
      expect(run.code).toBe(1);
      const ok = (origin: string, serial: string, date: string) =>
        `out: OK:   archive '${origin}' uses snapshot '${serial}' which expires on: ${date}`;
      expect(run.lines).toEqual([
        `out: testing: ${MAIN}:`,
        ok('debian', FAR, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        ok('debian-security', 'latest', 'never'),
        `err: FAIL: archive 'torproject' uses snapshot '${SOON}' which expires on: Tue, 01 Jun 2021 10:00:00 UTC, which is within one month!`,
        'out: ---',
        `out: testing: ${BUILDER}:`,
        ok('debian', FAR, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        'out: ---',
        `out: stable: ${MAIN}:`,
        `err: FAIL: archive 'debian' uses snapshot '${EXPIRED}' which expires on: Wed, 19 May 2021 10:00:00 UTC, which is within one month!`,
        ok('debian-security', 'latest', 'never'),
        ok('torproject', FAR, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        'out: ---',
        `out: stable: ${BUILDER}:`,
        ok('debian', FAR, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        'out: ---',
      ]);

      const json = await expiry(r, ['--branch', 'testing', '--branch', 'stable', '--format', 'json']);
      expect(
        JSON.parse(json.stdout).branches.map((b: { branch: string; snapshots: { status: string }[] }) => [
          b.branch,
          b.snapshots.map((s) => s.status),
        ]),
      ).toEqual([
        ['testing', ['ok', 'latest', 'expiring', 'ok']],
        ['stable', ['expired', 'latest', 'ok', 'ok']],
      ]);
    });

    it.each([
      [['--branch', 'nosuch'], 'there is no branch nosuch in'],
      [['--branch', 'Devel'], 'only looks like the base branch devel'],
      [['--branch', 'bad..name'], '--branch bad..name'],
    ])('refuses %j (exit 2)', async (args, words) => {
      const r = await repo(FINE);
      const run = await expiry(r, args);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain(words);
    });
  });

  describe('bad usage and unreadable input (exit 2)', () => {
    it.each(['-1', '1.5', 'a month', '36501', ''])('refuses --within %j', async (within) => {
      const r = await repo(FINE);
      const run = await expiry(r, [`--within=${within}`]);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain(`--within must be a whole number of days, 0 to 36500, not "${within}"`);
    });

    it('refuses to run offline', async () => {
      const r = await repo(FINE);
      const run = await runCli(['expiry', '--repo', r.dir], { env: { ...r.env, APT_SNAPSHOTS_SERVER: 'offline' } });
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain('expiry asks the snapshot server, but APT_SNAPSHOTS_SERVER says offline');
    });

    it('refuses a directory that has none of the sets', async () => {
      const r = await repo({ README: 'not Tails\n' });
      const run = await expiry(r, []);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain(
        `${r.dir} has none of the snapshot sets (${MAIN}, ${BUILDER}): is it a Tails checkout?`,
      );
    });

    it("names what is wrong in the repository's configuration", async () => {
      const r = await repo({ ...FINE, '.github/apt-snapshots.yml': 'snapshot_server:\n  dists: 12\n' });
      const run = await expiry(r, []);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain(`invalid .github/apt-snapshots.yml in the work tree ${r.dir}:`);
      expect(run.stderr).toContain('snapshot_server.dists');
      const branch = await expiry(r, ['--branch', 'devel']);
      expect(branch.stderr).toContain('invalid .github/apt-snapshots.yml on devel:');
    });

    it('takes --config over the repository file', async () => {
      const r = await repo({
        ...tailsTree({ main: { other: FAR }, builder: {} }),
        '.github/apt-snapshots.yml': 'snapshot_server:\n  dists: 12\n',
      });
      const none = await expiry(r, ['--config', join(r.dir, '..', 'none.yml')]);
      expect(none).toMatchObject({ code: 2, stdout: '' });
      expect(none.stderr).toContain('cannot read --config');
      await writeFile(join(r.dir, '..', 'mine.yml'), 'snapshot_server:\n  dists: {other: bullseye}\n');
      const mine = await expiry(r, ['--config', join(r.dir, '..', 'mine.yml')]);
      expect(mine).toMatchObject({ code: 0, stderr: '' });
      expect(mine.stdout).toContain(`OK:   archive 'other' uses snapshot '${FAR}' which expires on: Sat, 13 Nov 2021`);
    });
  });
});
