import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitBody } from '../../src/report/dashboard-body.js';
import { BODY_LIMIT, tickedRequests } from '../../src/report/dashboard.js';
import { commitFiles, makeRepo, runIn, type TestRepo } from '../helpers/git-repo.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { tailsTree } from '../helpers/snapshot.js';
import { runCli } from './helpers/run-cli.js';
import { releaseRoute, traceRoute } from './helpers/snapshot-routes.js';

const NOW = '2021-05-20T12:00:00Z';
const at = (d: string) => ({ date: new Date(`${d}T10:00:00Z`) });
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const BUILDER = { debian: '2021051301', 'debian-security': '2021051301', tails: '2021051301' };

interface Branch {
  branch: string;
  role: string;
  state: string;
  since?: { sha: string };
  serials: { origin: string; serial: string; newest?: string }[];
  attention: { origin: string; status: string }[];
  error?: string;
}

describe('dashboard', () => {
  let repo: TestRepo & { commit: string };
  let server: LocalHttpServer;
  let freeze: string;

  beforeAll(async () => {
    repo = await makeRepo(tailsTree({ builder: BUILDER }), { ...at('2021-04-01'), message: 'Initial' });
    await repo.git(['checkout', '--quiet', '-b', 'testing']);
    freeze = await commitFiles(
      repo,
      tailsTree({ baseBranch: 'testing', main: FROZEN, builder: BUILDER }),
      'Freeze APT snapshots for 4.19~rc1.',
      at('2021-05-13'),
    );
    await repo.git(['checkout', '--quiet', '-b', 'stable']);
    await commitFiles(
      repo,
      tailsTree({ baseBranch: 'stable', main: FROZEN, builder: BUILDER }),
      'Stable',
      at('2021-05-14'),
    );
    await repo.git(['checkout', '--quiet', 'devel']);
    // Debian version order: 4.20~rc1 is the newest, though "4.9" and "foo" sort after it as text.
    for (const [tag, rev] of [
      ['4.19', repo.commit],
      ['4.9', repo.commit],
      ['4.20-rc1', freeze],
      ['foo', repo.commit],
    ])
      await repo.git(['tag', tag as string, rev as string]);
    server = await startHttpServer(
      Object.fromEntries([
        traceRoute('debian', '2021052001'),
        traceRoute('debian-security', '2021052001'),
        traceRoute('torproject', '2021051301'),
        traceRoute('tails', '2021051301'),
        releaseRoute('debian', 'stable', '2021051301', 'Sat, 13 Nov 2021 10:00:00 UTC'),
        releaseRoute('torproject', 'buster', '2021051301', 'Sat, 22 May 2021 10:00:00 UTC'),
        releaseRoute('debian-security', 'buster/updates', '2021051301', null),
        releaseRoute('tails', 'stable', '2021051301', 'Sat, 13 Nov 2021 10:00:00 UTC'),
      ]),
    );
  });
  afterAll(async () => {
    await server.close();
    await repo.cleanup();
  });

  const dashboard = (args: string[], env = repo.env) =>
    runCli(['dashboard', '--repo', repo.dir, '--now', NOW, ...args], { env });

  it('prints the body the bot would write, within GitHub limit', async () => {
    const run = await dashboard(['--snapshot-server', server.url]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const bot = splitBody(run.stdout)?.bot as string;
    expect(bot).toContain('| `testing` (release) | frozen | 2021-05-13');
    expect(bot).toContain('| `devel` (development) | thawed |');
    expect(bot).toContain('| main | `debian` | `2021051301` | `2021052001` **behind** |');
    expect(bot).toContain('- `testing`: `torproject` `2021051301` (main set): expires on 2021-05-22 10:00 UTC');
    expect(bot).toContain('```mermaid\ngantt\n');
    expect(bot).toContain("### The bot's open pull requests\n\nNot known here.");
    expect(bot).toContain(
      `**Last release:** \`4.20-rc1\` at \`${freeze.slice(0, 7)}\`; release check: not known; jobs: not known here.`,
    );
    // testing is frozen already and devel thawed: only the bumps are offered.
    expect(tickedRequests(run.stdout.replace(/- \[ \]/g, '- [x]'))).toEqual([
      { action: 'bump', branch: 'stable' },
      { action: 'bump', branch: 'testing' },
    ]);
    expect(Buffer.byteLength(run.stdout)).toBeLessThanOrEqual(BODY_LIMIT + 1);
  });

  it('prints the facts as JSON', async () => {
    const run = await dashboard(['--snapshot-server', server.url, '--format', 'json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual([
      'repository',
      'generatedAt',
      'historyDays',
      'branches',
      'timelines',
      'release',
      'requests',
    ]);
    expect(json.release).toEqual({ tag: '4.20-rc1', sha: freeze });
    const testing = json.branches.find((b: Branch) => b.branch === 'testing') as Branch;
    expect(testing).toMatchObject({
      role: 'release',
      state: 'frozen',
      since: { sha: freeze },
      sinceOrEarlier: false,
      nearestExpiry: {
        set: 'main',
        origin: 'torproject',
        serial: '2021051301',
        validUntil: '2021-05-22T10:00:00.000Z',
        status: 'expiring',
      },
    });
    expect(testing.attention).toEqual([expect.objectContaining({ origin: 'torproject', status: 'expiring' })]);
    expect(json.timelines.map((t: { branch: string }) => t.branch)).toEqual(['stable', 'testing', 'devel']);
  });

  it('shows a snapshot server that does not answer in the dashboard, and exits 0', async () => {
    const down = await closedPortUrl();
    const noRetries = join(repo.dir, '..', 'no-retries.yml');
    await writeFile(noRetries, 'snapshot_server:\n  retries: 0\n');
    const run = await dashboard(['--snapshot-server', down, '--config', noRetries, '--format', 'json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.newestError).toMatch(/could not give the newest serial of debian: .*connection refused/);
    const testing = json.branches.find((b: Branch) => b.branch === 'testing') as Branch;
    expect(testing.attention.map((a) => a.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('offline, says that expiry and the newest serials were not asked', async () => {
    const asked = server.requests.length;
    const run = await dashboard(['--offline']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Expiry not checked: the snapshot server was not asked \\(offline\\).');
    expect(server.requests).toHaveLength(asked);
  });

  it('reads a base branch a clone only has as origin/NAME, and says which it cannot find', async () => {
    const clone = `${repo.dir}-clone`;
    await runIn(repo.dir, repo.env, ['clone', '--quiet', '--branch', 'devel', `file://${repo.dir}`, clone]);
    await runIn(clone, repo.env, ['update-ref', '-d', 'refs/remotes/origin/stable']);
    const run = await runCli(['dashboard', '--repo', clone, '--now', NOW, '--offline', '--format', 'json'], {
      env: repo.env,
    });
    expect(run.code).toBe(0);
    const branches = JSON.parse(run.stdout).branches as Branch[];
    expect(branches.map((b) => [b.branch, b.state])).toEqual([
      ['stable', 'unreadable'],
      ['testing', 'frozen'],
      ['devel', 'thawed'],
    ]);
    expect(branches[0]?.error).toContain('"refs/heads/stable" does not exist');
    expect(branches[1]?.since?.sha).toBe(freeze);
  });

  it('judges with --config', async () => {
    const file = join(repo.dir, '..', 'rules.yml');
    await writeFile(file, 'branches:\n  base: [devel]\n  release: []\n  always_frozen: []\n');
    const run = await dashboard(['--offline', '--config', file, '--format', 'json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout).branches.map((b: Branch) => b.branch)).toEqual(['devel']);
  });

  it.each([
    [['--format', 'text'], '--format must be "markdown" or "json", not "text"'],
    [['--now', 'yesterday'], '--now must be an ISO 8601 date'],
    [['--config', '/nonexistent/rules.yml'], 'cannot read --config /nonexistent/rules.yml'],
    [['--offline', '--snapshot-server', 'http://x'], '--snapshot-server and --offline exclude each other'],
  ])('refuses %j (exit 2)', async (args, words) => {
    const run = await runCli(['dashboard', '--repo', repo.dir, ...args], { env: repo.env });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(words);
  });

  it('refuses a directory that is not a repository (exit 2)', async () => {
    const outside = join(repo.dir, '..');
    const run = await runCli(['dashboard', '--offline'], {
      cwd: outside,
      env: { ...repo.env, GIT_CEILING_DIRECTORIES: outside },
    });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('is not in a Git repository');
  });
});
