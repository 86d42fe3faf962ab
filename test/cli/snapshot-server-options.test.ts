import { StatusLine } from '../../src/cli/progress.js';
import { commitFiles, repoPerTest, type TestRepo } from '../helpers/git-repo.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { collector, runCli, type RunOptions } from './helpers/run-cli.js';
import { releaseRoute, traceRoute } from './helpers/snapshot-routes.js';

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const TESTING = tailsTree({
  baseBranch: 'testing',
  main: FROZEN,
  builder: { debian: '2021051301', 'debian-security': '2021051301', tails: '2021051301' },
});
const VALID_UNTIL = 'Sat, 13 Nov 2021 10:00:00 UTC';
const RELEASE_BODY = `Origin: Debian\nSuite: stable\nValid-Until: ${VALID_UNTIL}\n`;
const RELEASE = '/debian/dists/stable/snapshots/2021051301/Release';
const NOW = '2021-05-20T12:00:00Z';

const repo = repoPerTest();
let server: LocalHttpServer;

beforeEach(async () => {
  server = await startHttpServer(
    Object.fromEntries([
      releaseRoute('debian', 'stable', '2021051301', VALID_UNTIL),
      releaseRoute('torproject', 'buster', '2021051301', VALID_UNTIL),
      releaseRoute('debian-security', 'buster/updates', '2021051301', null),
      releaseRoute('tails', 'stable', '2021051301', VALID_UNTIL),
      traceRoute('debian', '2021051302'),
      traceRoute('debian-security', '2021051303'),
      traceRoute('torproject', '2021051304'),
      traceRoute('tails', '2021051305'),
    ]),
  );
});
afterEach(() => server.close());

function run(r: TestRepo, argv: string[], env: NodeJS.ProcessEnv = {}, options: RunOptions = {}) {
  return runCli(argv, { cwd: r.dir, env: { ...r.env, ...env }, ...options });
}

describe('APT_SNAPSHOTS_SERVER', () => {
  it('is the server check asks, unless --snapshot-server or --offline says otherwise', async () => {
    const r = await repo(TESTING, { branch: 'testing' });
    const check = ['check', '--now', NOW, '--format', 'json'];
    expect((await run(r, check, { APT_SNAPSHOTS_SERVER: server.url })).code).toBe(0);
    expect(server.requestsTo(RELEASE)).toHaveLength(1);

    const offline = JSON.parse((await run(r, [...check, '--offline'], { APT_SNAPSHOTS_SERVER: server.url })).stdout);
    expect(offline.findings.map((f: { rule: string }) => f.rule)).not.toContain('snapshot-expiry');
    expect(server.requestsTo(RELEASE)).toHaveLength(1);

    const down = await closedPortUrl();
    expect((await run(r, [...check, '--snapshot-server', server.url], { APT_SNAPSHOTS_SERVER: down })).code).toBe(0);
    expect(server.requestsTo(RELEASE)).toHaveLength(2);
  });

  it('"offline" means no server for check; --snapshot-server still asks one', async () => {
    const r = await repo(TESTING, { branch: 'testing' });
    const text = await run(r, ['check', '--now', NOW], { APT_SNAPSHOTS_SERVER: 'offline' });
    expect(text.stdout).toContain('snapshot-expiry: needs the snapshot server (offline)');
    await run(r, ['check', '--now', NOW, '--snapshot-server', server.url], { APT_SNAPSHOTS_SERVER: 'offline' });
    expect(server.requestsTo(RELEASE)).toHaveLength(1);
  });

  it('is the server plan freeze takes the newest serials from', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing' }), { branch: 'testing' });
    const plan = await run(r, ['plan', 'freeze', '--format', 'json'], { APT_SNAPSHOTS_SERVER: server.url });
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).edits).toContainEqual({
      path: `${PATHS.MAIN}/debian/serial`,
      content: '2021051302\n',
    });
  });

  it('makes the hook check expiry, which is offline by default; --offline overrides it', async () => {
    const r = await repo(tailsTree());
    const frozen = await commitFiles(r, { 'config/base_branch': 'testing\n', ...mainSet(FROZEN) }, 'Freeze');
    await r.git(['branch', 'testing']);
    const stdin = `${'0'.repeat(40)} ${frozen} refs/heads/testing\n`;
    const hook = (env: NodeJS.ProcessEnv, args: string[] = []) =>
      runCli(['hook', 'post-receive', '--now', NOW, ...args], {
        env: { ...r.env, GIT_DIR: `${r.dir}/.git`, ...env },
        stdin,
        cwd: r.dir,
      });
    await hook({});
    expect(server.requestsTo(RELEASE)).toHaveLength(0);
    await hook({ APT_SNAPSHOTS_SERVER: server.url }, ['--offline']);
    expect(server.requestsTo(RELEASE)).toHaveLength(0);
    expect((await hook({ APT_SNAPSHOTS_SERVER: server.url })).code).toBe(0);
    expect(server.requestsTo(RELEASE)).toHaveLength(1);
  });

  it('is what serials asks, unless --snapshot-server says otherwise', async () => {
    const r = await repo(tailsTree());
    const down = await closedPortUrl();
    const latest = await run(r, ['serials', 'get-latest', 'debian', '--snapshot-server', server.url], {
      APT_SNAPSHOTS_SERVER: down,
    });
    expect(latest).toEqual({ code: 0, stdout: 'debian: 2021051302\n', stderr: '' });
  });
});

function mainSet(serials: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(serials).map(([o, s]) => [`${PATHS.MAIN}/${o}/serial`, `${s}\n`]));
}

describe('--timeout SECONDS', () => {
  it('bounds each request to the snapshot server, instead of snapshot_server.timeout_ms', async () => {
    server.route('/debian/project/trace/debian', { hang: true });
    const r = await repo(tailsTree());
    const started = performance.now();
    const latest = await run(r, ['serials', 'get-latest', 'debian', '--timeout', '0.2'], {
      APT_SNAPSHOTS_SERVER: server.url,
    });
    expect(latest.code).toBe(3);
    expect(latest.stderr).toContain('/debian/project/trace/debian: timed out after 200 ms waiting for the response');
    expect(latest.stderr).toContain(
      `hint: the server is slow or not answering: try again later, or allow it more time (the snapshot server's URL, ${server.url}/, comes from APT_SNAPSHOTS_SERVER)`,
    );
    // 3 attempts of 0.2 s and the backoff between them (0.5 s, then 1 s), far from 3 × 10 s.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('failures of the snapshot server', () => {
  it('end with the hint that fits, naming where the URL came from', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing' }), { branch: 'testing' });
    const plan = await run(r, ['plan', 'freeze', '--snapshot-server', 'http://127.0.0.1:6000/']);
    expect(plan.code).toBe(3);
    expect(plan.stderr).toContain("Node's fetch refuses to connect to port 6000");
    expect(plan.stderr).toContain(
      "hint: serve the snapshot server on another port, or put a proxy on another port in front of it (the snapshot server's URL, http://127.0.0.1:6000/, comes from --snapshot-server)",
    );
  });
});

describe('progress', () => {
  it('shows a slow server on a terminal, redrawn in place and cleared, never on stdout', async () => {
    server.route(RELEASE, { delayMs: 1800, body: RELEASE_BODY });
    const r = await repo(TESTING, { branch: 'testing' });
    const check = await run(
      r,
      ['check', '--now', NOW, '--format', 'json'],
      { APT_SNAPSHOTS_SERVER: server.url },
      {
        stderrIsTTY: true,
      },
    );
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(
      new RegExp(`^\\rasking the snapshot server ${server.url}/: \\d of 4 answered \\(1 s\\)\\x1b\\[K`),
    );
    expect(check.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(check.stdout).not.toContain('asking');
  });

  it('is not shown when standard error is not a terminal', async () => {
    server.route(RELEASE, { delayMs: 1200, body: RELEASE_BODY });
    const r = await repo(TESTING, { branch: 'testing' });
    const check = await run(r, ['check', '--now', NOW, '--format', 'json'], { APT_SNAPSHOTS_SERVER: server.url });
    expect(check.stderr).toBe('');
  });
});

describe('StatusLine', () => {
  let clock = 0;
  const now = () => clock;

  it('draws nothing for a wait shorter than its delay', () => {
    const stream = collector(true);
    const line = new StatusLine(stream, 1000, now);
    line.show('asking');
    line.clear();
    expect(stream.text).toBe('');
  });

  it('draws after its delay, redraws what changes with the time waited, and clears', async () => {
    const stream = collector(true);
    clock = 0;
    const line = new StatusLine(stream, 20, now);
    line.show('asking: 0 of 2 answered');
    clock = 1400;
    await new Promise((resolve) => setTimeout(resolve, 60));
    line.show('asking: 1 of 2 answered');
    line.clear();
    expect(stream.text).toBe('\rasking: 0 of 2 answered (1 s)\x1b[K\rasking: 1 of 2 answered (1 s)\x1b[K\r\x1b[K');
  });

  it("is cut to the terminal's width, so that the carriage return redraws all of it", () => {
    const stream = collector(true, 12);
    const line = new StatusLine(stream, 0, () => 0);
    line.show('asking the snapshot server');
    line.clear();
    expect(stream.text).toBe('\rasking the…\x1b[K\r\x1b[K');
  });

  it('writes nothing at all where the stream is not a terminal', async () => {
    const stream = collector(false);
    const line = new StatusLine(stream, 0, () => 0);
    line.show('asking');
    await new Promise((resolve) => setTimeout(resolve, 10));
    line.clear();
    expect(stream.text).toBe('');
  });
});
