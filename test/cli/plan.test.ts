import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cloneFixture, removeFixtureClone } from '../helpers/fixture.js';
import { commitFiles, repoPerTest, runIn, type TestRepo } from '../helpers/git-repo.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { runCli } from './helpers/run-cli.js';
import { traceRoute } from './helpers/snapshot-routes.js';

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const PREFERENCES =
  'Package: firefox\nPin: release o=Debian\nPin-Priority: 999\n\nExplanation: freeze exception (#18464)\nPackage: shim*\nPin: origin deb.tails.boum.org\nPin-Priority: 999\n';

const repo = repoPerTest();

const plan = (r: TestRepo, args: string[]) => runCli(['plan', ...args, '--repo', r.dir], { env: r.env });

describe('plan thaw', () => {
  it('shows the title, the body and a diff of every edit', async () => {
    const r = await repo(tailsTree({ main: FROZEN, preferences: PREFERENCES }));
    const run = await plan(r, ['thaw', '--ref', 'HEAD']);
    // Standard output is the commit message and the diff; which rules planned goes to standard error.
    expect(run).toMatchObject({
      code: 0,
      stderr: 'apt-snapshots-bot plan: rules: the defaults (nothing came before this commit)\n',
    });
    expect(run.stdout).toMatch(/^Thaw APT snapshots\.\n\n/);
    expect(run.stdout).toContain('## Snapshots thawed');
    expect(run.stdout).toContain(
      `--- a/${PATHS.MAIN}/debian/serial\n+++ b/${PATHS.MAIN}/debian/serial\n@@ -1 +1 @@\n-2021051301\n+latest\n`,
    );
    expect(run.stdout).toContain(' Pin: origin deb.tails.boum.org\n-Pin-Priority: 999\n+Pin-Priority: -1\n');
    expect(run.stdout).not.toContain('debian-security/serial\n+++');
  });

  it('prints exactly action, branch, title, body and edits as JSON', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await plan(r, ['thaw', '--ref', 'HEAD', '--format', 'json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['action', 'branch', 'title', 'body', 'edits', 'rules']);
    expect(json.rules).toEqual({ origin: 'defaults', path: '.github/apt-snapshots.yml', present: false, problems: [] });
    expect(json).toMatchObject({ action: 'thaw', branch: 'devel', title: 'Thaw APT snapshots.' });
    expect(json.edits).toEqual([
      { path: `${PATHS.MAIN}/debian/serial`, content: 'latest\n' },
      { path: `${PATHS.MAIN}/torproject/serial`, content: 'latest\n' },
    ]);
  });

  it('takes the branch from --branch, else the checked-out branch', async () => {
    const r = await repo(tailsTree({ main: FROZEN, baseBranch: 'testing' }), { branch: 'testing' });
    await r.git(['branch', 'devel']);
    const given = await plan(r, ['thaw', '--ref', 'HEAD', '--branch', 'devel', '--format', 'json']);
    expect(JSON.parse(given.stdout).branch).toBe('devel');
    expect(JSON.parse((await plan(r, ['thaw', '--format', 'json'])).stdout).branch).toBe('testing');
    expect(JSON.parse((await plan(r, ['thaw', '--ref', 'devel', '--format', 'json'])).stdout).branch).toBe('devel');
  });

  // After `git merge testing` on devel, config/base_branch says testing: the plan is still devel's.
  it('plans for the checked-out branch when config/base_branch names another, saying so on stderr', async () => {
    const r = await repo(tailsTree({ main: FROZEN, baseBranch: 'testing' }));
    const run = await plan(r, ['thaw', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).branch).toBe('devel');
    expect(run.stderr).toBe(
      'apt-snapshots-bot plan: planning for devel (the checked-out branch), though config/base_branch at HEAD names testing; pass --branch testing to plan for that one instead\n',
    );
  });

  it('is bad usage (exit 2) for a revision that names no branch, without --branch', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    await r.git(['tag', 'v1']);
    const sha = await plan(r, ['thaw', '--ref', r.commit]);
    expect(sha).toMatchObject({ code: 2, stdout: '' });
    expect(sha.stderr).toContain(
      `apt-snapshots-bot plan: --ref ${r.commit} is a commit, not a branch: pass --branch NAME to say which branch it is judged as`,
    );
    expect((await plan(r, ['thaw', '--ref', 'v1'])).stderr).toContain(
      '--ref v1 is refs/tags/v1, not a branch: pass --branch NAME',
    );
    await r.git(['checkout', '--quiet', '--detach']);
    expect((await plan(r, ['thaw'])).stderr).toContain(
      `HEAD is detached in ${r.dir} (no branch is checked out), so --ref HEAD names no branch: pass --branch NAME to say which branch it is`,
    );
    expect((await plan(r, ['thaw', '--branch', 'devel'])).code).toBe(0);
  });

  it('succeeds with nothing to do on a thawed branch', async () => {
    const r = await repo(tailsTree());
    const text = await plan(r, ['thaw', '--ref', 'HEAD']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Nothing to do: devel at HEAD needs no thaw\./);
    const json = await plan(r, ['thaw', '--ref', 'HEAD', '--format', 'json']);
    expect(JSON.parse(json.stdout).edits).toEqual([]);
  });

  it("fails (exit 1) with the planner's reason", async () => {
    const files = Object.fromEntries(
      Object.entries(tailsTree()).filter(([path]) => !path.startsWith(`${PATHS.MAIN}/`)),
    );
    const r = await repo(files);
    const run = await plan(r, ['thaw', '--ref', 'HEAD']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `apt-snapshots-bot plan: cannot thaw: snapshot set "main": ${PATHS.MAIN} is missing, so its origins are unknown\n`,
    });
  });

  it('says what a file that is not text becomes', async () => {
    const files = tailsTree({ main: FROZEN });
    files[`${PATHS.MAIN}/debian/serial`] = { symlink: '/etc/hostname' };
    const r = await repo(files);
    const run = await plan(r, ['thaw', '--ref', 'HEAD']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${PATHS.MAIN}/debian/serial is a symbolic link to "/etc/hostname", not a regular file; it becomes a regular file:\n--- /dev/null\n+++ b/${PATHS.MAIN}/debian/serial\n@@ -0,0 +1 @@\n+latest\n`,
    );
  });

  it('refuses to plan under invalid rules before the ref (exit 1)', async () => {
    const r = await repo({ ...tailsTree({ main: FROZEN }), '.github/apt-snapshots.yml': 'snapshot_sets: []\n' });
    await commitFiles(r, { 'config/APT_snapshots.d/debian/serial': '2021051302\n' }, 'Bump');
    const run = await plan(r, ['thaw', '--ref', 'HEAD']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^apt-snapshots-bot plan: cannot plan with invalid rules, \.github\/apt-snapshots\.yml at [0-9a-f]{7} \(the parent of the judged commit\):\n {2}\.github\/apt-snapshots\.yml: snapshot_sets:/,
    );
  });

  it('plans under the rules before the ref, not under rules the ref brings', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    await commitFiles(r, { '.github/apt-snapshots.yml': 'snapshot_sets: []\n' }, 'Break the rules');
    const run = await plan(r, ['thaw', '--ref', 'HEAD', '--branch', 'devel', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).edits).toHaveLength(2);
  });

  it('plans under --config when given', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const config = join(r.dir, 'mine.yml');
    await writeFile(
      config,
      'snapshot_sets:\n  - { name: main, dir: config/APT_snapshots.d, freeze_exceptions: [], thaws: false }\n',
    );
    const run = await plan(r, ['thaw', '--ref', 'HEAD', '--branch', 'devel', '--config', config, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).edits).toEqual([]);
  });

  it('is bad usage (exit 2) for a revision that does not exist', async () => {
    const r = await repo(tailsTree());
    const run = await plan(r, ['thaw', '--ref', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('revision "nope" does not exist');
  });
});

describe('plan --apply', () => {
  it('commits the edits on the checked-out branch', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await plan(r, ['thaw', '--ref', 'HEAD', '--apply']);
    expect(run.code).toBe(0);
    const head = (await r.git(['rev-parse', 'HEAD'])).trim();
    expect(run.stdout).toMatch(new RegExp(`\\nCommitted ${head.slice(0, 10)}: Thaw APT snapshots\\.\\n$`));
    expect((await r.git(['log', '-1', '--format=%s%n%P'])).trim()).toBe(`Thaw APT snapshots.\n${r.commit}`);
    expect(await readFile(join(r.dir, PATHS.MAIN, 'torproject', 'serial'), 'utf8')).toBe('latest\n');
    expect((await r.git(['status', '--porcelain'])).trim()).toBe('');
  });

  it('keeps the JSON on stdout as it is and reports the commit on stderr', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await plan(r, ['thaw', '--ref', 'devel', '--apply', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).title).toBe('Thaw APT snapshots.');
    expect(run.stderr).toMatch(/^Committed [0-9a-f]{10}: Thaw APT snapshots\.\n$/);
  });

  it('refuses when --ref is not the HEAD of the work tree', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    await r.git(['commit', '--quiet', '--allow-empty', '-m', 'later']);
    const run = await plan(r, ['thaw', '--ref', 'HEAD~1', '--branch', 'devel', '--apply']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`--apply commits on the checked-out branch of ${r.dir}, whose HEAD is`);
    expect(run.stderr).toContain('but --ref HEAD~1 is');
    expect((await r.git(['log', '-1', '--format=%s'])).trim()).toBe('later');
  });

  it('refuses to touch uncommitted changes', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    await writeFile(join(r.dir, PATHS.MAIN, 'debian', 'serial'), '2021051302\n');
    const run = await plan(r, ['thaw', '--ref', 'HEAD', '--apply']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`has uncommitted changes to ${PATHS.MAIN}/debian/serial`);
    expect(await readFile(join(r.dir, PATHS.MAIN, 'debian', 'serial'), 'utf8')).toBe('2021051302\n');
  });

  it('has nothing to commit for an empty plan', async () => {
    const r = await repo(tailsTree());
    const run = await plan(r, ['thaw', '--ref', 'HEAD', '--apply']);
    expect(run.code).toBe(0);
    expect((await r.git(['rev-parse', 'HEAD'])).trim()).toBe(r.commit);
  });
});

describe('plan freeze and bump with a snapshot server', () => {
  let server: LocalHttpServer;
  beforeAll(async () => {
    server = await startHttpServer(
      Object.fromEntries([
        traceRoute('debian', '2021051302'),
        traceRoute('debian-security', '2021051303'),
        traceRoute('torproject', '2021051304'),
        traceRoute('tails', '2021051305'),
      ]),
    );
  });
  afterAll(() => server.close());

  it('freezes every origin but the exception to the newest serial', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing' }), { branch: 'testing' });
    const run = await plan(r, ['freeze', '--ref', 'HEAD', '--snapshot-server', server.url, '--format', 'json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ action: 'freeze', branch: 'testing', title: 'Freeze APT snapshots for 4.19~rc1.' });
    expect(json.edits).toEqual([
      { path: `${PATHS.MAIN}/debian/serial`, content: '2021051302\n' },
      { path: `${PATHS.MAIN}/torproject/serial`, content: '2021051304\n' },
      { path: `${PATHS.BUILDER}/debian-security/serial`, content: '2021051303\n' },
      { path: `${PATHS.BUILDER}/debian/serial`, content: '2021051302\n' },
      { path: `${PATHS.BUILDER}/tails/serial`, content: '2021051305\n' },
    ]);
  });

  it('asks the snapshot server --config names, as check does', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing' }), { branch: 'testing' });
    const config = join(r.dir, 'mine.yml');
    await writeFile(config, `snapshot_server:\n  url: ${server.url}\n`);
    const run = await plan(r, ['freeze', '--ref', 'HEAD', '--config', config, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).edits).toContainEqual({
      path: `${PATHS.MAIN}/debian/serial`,
      content: '2021051302\n',
    });
  });

  // The body tells the release manager where to bump Valid-Until: the server the serials came from.
  it.each([
    ['freeze', tailsTree({ baseBranch: 'testing' })],
    ['bump', tailsTree({ baseBranch: 'testing', main: FROZEN })],
  ])('%s names the server it asked, not the one the ref configures', async (action, files) => {
    const r = await repo(
      { ...files, '.github/apt-snapshots.yml': 'snapshot_server:\n  url: http://elsewhere.example/\n' },
      { branch: 'testing' },
    );
    const run = await plan(r, [action, '--ref', 'HEAD', '--snapshot-server', server.url, '--format', 'json']);
    expect(run.code).toBe(0);
    const { body } = JSON.parse(run.stdout);
    expect(body).toContain(`Valid-Until\` of th`);
    expect(body).toContain(` on ${server.url}/`);
    expect(body).not.toContain('elsewhere.example');
  });

  it('bumps only the origins named', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing', main: FROZEN }), { branch: 'testing' });
    const run = await plan(r, [
      'bump',
      '--ref',
      'HEAD',
      '--snapshot-server',
      server.url,
      '--origin',
      'torproject',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).edits).toEqual([
      { path: `${PATHS.MAIN}/torproject/serial`, content: '2021051304\n' },
    ]);
  });

  it('bumps only the sets named by --set, and lists the sets for an unknown one (exit 2)', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing', main: FROZEN }), { branch: 'testing' });
    const bump = (args: string[]) => plan(r, ['bump', '--snapshot-server', server.url, '--format', 'json', ...args]);
    const builder = JSON.parse((await bump(['--set', 'builder'])).stdout);
    expect(builder.edits.map((e: { path: string }) => e.path)).toEqual([
      `${PATHS.BUILDER}/debian-security/serial`,
      `${PATHS.BUILDER}/debian/serial`,
      `${PATHS.BUILDER}/tails/serial`,
    ]);
    const both = JSON.parse((await bump(['--set', 'main', '--set', 'builder'])).stdout);
    expect(both.edits).toHaveLength(5);
    const before = server.requests.length;
    const unknown = await bump(['--set', 'main', '--set', 'vm']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain(
      'apt-snapshots-bot plan: --set "vm": no such snapshot set; the sets are main, builder',
    );
    expect(server.requests.length).toBe(before);
  });

  it('names the freeze after --version', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing' }), { branch: 'testing' });
    const run = await plan(r, ['freeze', '--snapshot-server', server.url, '--version', '4.20~rc1', '--format', 'json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout).title).toBe('Freeze APT snapshots for 4.20~rc1.');
  });

  it.each<[string, Record<string, string>, string[], string]>([
    [
      'released',
      { 'debian/changelog': 'tails (4.19~beta1) unstable; urgency=medium\n\n  * x\n' },
      [],
      'the top entry of debian/changelog, 4.19~beta1, is already released (distribution unstable, not UNRELEASED)',
    ],
    ['tagged', {}, ['4.19-rc1'], 'the top entry of debian/changelog, 4.19~rc1, is already released (tag 4.19-rc1)'],
  ])('never names a freeze after a version already %s, and says to pass --version', async (_name, files, tags, why) => {
    const r = await repo({ ...tailsTree({ baseBranch: 'testing' }), ...files }, { branch: 'testing' });
    for (const tag of tags) await r.git(['tag', tag]);
    const run = await plan(r, ['freeze', '--snapshot-server', server.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Freeze APT snapshots\.\n\nFreezes the APT snapshots: every origin/);
    expect(run.stderr).toBe(
      `apt-snapshots-bot plan: the title names no version: ${why}; pass --version VERSION to name it\napt-snapshots-bot plan: rules: the defaults (nothing came before this commit)\n`,
    );
  });

  it('fails (exit 1) rather than move a serial backwards', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing', main: { ...FROZEN, torproject: '2021060101' } }), {
      branch: 'testing',
    });
    const run = await plan(r, ['bump', '--ref', 'HEAD', '--snapshot-server', server.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is older than the pinned 2021060101; serials only move forward');
  });

  it('exits 3 when the server cannot answer', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing' }), { branch: 'testing' });
    const down = await closedPortUrl();
    const run = await plan(r, ['freeze', '--ref', 'HEAD', '--snapshot-server', down]);
    expect(run).toMatchObject({ code: 3, stdout: '' });
    expect(run.stderr).toContain(`${down}/`);
    expect(run.stderr).toContain('connection refused');
  });
});

describe('plan against the real Tails history', () => {
  let fixture: string;
  beforeAll(async () => {
    fixture = await cloneFixture();
  });
  afterAll(() => removeFixtureClone());

  // The changelog's top entry was 4.19~beta1, released: the freeze names no version unless told.
  it('freezes bf1e35f~1 for 4.19~rc1 as the release manager did, given --version', async () => {
    const trace = await startHttpServer(
      Object.fromEntries(['debian', 'torproject', 'tails', 'debian-security'].map((o) => traceRoute(o, '2021051301'))),
    );
    try {
      const argv = ['plan', 'freeze', '--repo', fixture, '--ref', 'bf1e35f~1', '--branch', 'testing'];
      const guessed = await runCli([...argv, '--snapshot-server', trace.url, '--format', 'json']);
      expect(JSON.parse(guessed.stdout).title).toBe('Freeze APT snapshots.');
      expect(guessed.stderr).toContain('4.19~beta1, is already released');
      const given = await runCli([
        ...argv,
        '--snapshot-server',
        trace.url,
        '--version',
        '4.19~rc1',
        '--format',
        'json',
      ]);
      expect(JSON.parse(given.stdout).title).toBe(
        (await runIn(fixture, process.env, ['log', '-1', '--format=%s', 'bf1e35f'])).trim(),
      );
    } finally {
      await trace.close();
    }
  });

  it.each([
    ['bf1e35f', '207581b', 'the 4.19~rc1 thaw'],
    ['20e5408~1', '20e5408', 'the removal of the 4.22 freeze exceptions'],
  ])('thaw at %s reproduces %s (%s)', async (parent, real) => {
    const run = await runCli([
      'plan',
      'thaw',
      '--repo',
      fixture,
      '--ref',
      parent,
      '--branch',
      'devel',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    const edits: { path: string; content: string }[] = JSON.parse(run.stdout).edits;
    expect(edits.length).toBeGreaterThan(0);
    const changed = (await runIn(fixture, process.env, ['diff', '--name-only', parent, real]))
      .trim()
      .split('\n')
      .sort();
    expect(edits.map((e) => e.path).sort()).toEqual(changed);
    for (const edit of edits)
      expect(edit.content).toBe(await runIn(fixture, process.env, ['show', `${real}:${edit.path}`]));
  });
});
