import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commitFiles, repoPerTest, runIn, type TestRepo } from '../helpers/git-repo.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { runCli } from './helpers/run-cli.js';

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };

const repo = repoPerTest();

/** check as a git user runs it: no --repo, from `cwd`. */
async function checkIn(cwd: string, r: TestRepo, args: string[] = []) {
  const run = await runCli(['check', '--offline', '--format', 'json', ...args], {
    cwd,
    env: { ...r.env, GIT_CEILING_DIRECTORIES: dirname(dirname(r.dir)) },
  });
  return { ...run, json: run.code < 2 ? (JSON.parse(run.stdout) as { ref: string; branch: string }) : undefined };
}

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-defaults-'));
});
afterEach(() => rm(scratch, { recursive: true, force: true }));

/** A clone of `r` with the remote `origin`, whose branches are origin/devel and origin/testing. */
async function cloneOf(r: TestRepo): Promise<string> {
  const clone = join(scratch, 'clone');
  await runIn(scratch, r.env, ['clone', '--quiet', r.dir, clone]);
  return clone;
}

describe('the repository, revision and branch by default', () => {
  it('judge HEAD as the checked-out branch of the repository around the current directory, from a subdirectory', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await checkIn(join(r.dir, PATHS.MAIN, 'debian'), r);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ ref: 'HEAD', branch: 'devel' });
  });

  it('judge a bare repository from inside it, as the branch its HEAD names', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing' }), { branch: 'testing' });
    const bare = join(scratch, 'server.git');
    await runIn(scratch, r.env, ['clone', '--quiet', '--bare', r.dir, bare]);
    const run = await checkIn(bare, r);
    expect(run.json).toMatchObject({ ref: 'HEAD', branch: 'testing' });
  });

  it('take the branch a revision names: a local branch, a remote-tracking one, a full ref name', async () => {
    const r = await repo(tailsTree());
    await r.git(['branch', 'testing']);
    const clone = await cloneOf(r);
    for (const [ref, branch] of [
      ['devel', 'devel'],
      ['origin/testing', 'testing'],
      ['refs/remotes/origin/testing', 'testing'],
      ['refs/heads/devel', 'devel'],
    ]) {
      const run = await checkIn(clone, r, ['--ref', ref as string]);
      expect(run.json).toMatchObject({ ref, branch });
    }
  });

  it.each<[string, (r: TestRepo) => Promise<string[]>, string]>([
    [
      'a commit id',
      async (r) => ['--ref', (await r.git(['rev-parse', 'HEAD'])).trim()],
      'is a commit, not a branch: pass --branch NAME to say which branch it is judged as',
    ],
    [
      'a tag',
      async (r) => {
        await r.git(['tag', '4.19-rc1']);
        return ['--ref', '4.19-rc1'];
      },
      '--ref 4.19-rc1 is refs/tags/4.19-rc1, not a branch: pass --branch NAME',
    ],
    [
      'a detached HEAD',
      async (r) => {
        await r.git(['checkout', '--quiet', '--detach']);
        return [];
      },
      'HEAD is detached in', // …the repository (no branch is checked out), so --ref HEAD names no branch: pass --branch NAME…
    ],
  ])('need --branch for %s (exit 2), never a guess', async (_name, args, words) => {
    const r = await repo(tailsTree());
    const run = await checkIn(r.dir, r, await args(r));
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(words);
    expect(run.stderr).toContain('pass --branch NAME');
  });

  it('are overridden by --repo, --ref and --branch', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const thawed = await commitFiles(r, { [`${PATHS.MAIN}/debian/serial`]: 'latest\n' }, 'Thaw debian');
    const run = await checkIn(scratch, r, ['--repo', r.dir, '--ref', `${thawed}~1`, '--branch', 'feature/1234-foo']);
    expect(run.json).toMatchObject({ ref: `${thawed}~1`, branch: 'feature/1234-foo' });
  });

  it('say where to pass --repo outside any repository', async () => {
    const r = await repo(tailsTree());
    const run = await checkIn(scratch, r);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(
      `${scratch} is not in a Git repository (nor is any parent directory): pass --repo DIR`,
    );
  });
});

describe('branch names', () => {
  it('are normalized: refs/heads/NAME, and REMOTE/NAME for a remote the repository has', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const clone = await cloneOf(r);
    for (const given of ['refs/heads/devel', 'origin/devel', 'refs/remotes/origin/devel'])
      expect((await checkIn(clone, r, ['--branch', given])).json).toMatchObject({ branch: 'devel' });
    // Without a remote of that name, upstream/devel is a branch name of its own.
    expect((await checkIn(clone, r, ['--branch', 'upstream/devel'])).json).toMatchObject({ branch: 'upstream/devel' });
  });

  it.each([
    ['a..b', '--branch a..b: "a..b" is not a valid branch name: it contains ".."'],
    ['refs/tags/4.19', '--branch refs/tags/4.19: "refs/tags/4.19" is a ref that is not a branch'],
    ['HEAD', '--branch HEAD: "HEAD" is not a valid branch name'],
  ])('refuse %s (exit 2), naming it', async (given, message) => {
    const r = await repo(tailsTree());
    const run = await checkIn(r.dir, r, ['--branch', given]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`apt-snapshots-bot check: ${message}`);
  });

  // Judged as a topic branch, Devel would let a frozen devel pass.
  it('refuse a name that differs from a base branch only in letter case (exit 2): did you mean devel?', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await checkIn(r.dir, r, ['--branch', 'Devel']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(
      'apt-snapshots-bot check: --branch Devel: "Devel" only looks like the base branch devel (letter case or invisible characters), and Git\'s branch names are exact: did you mean devel?',
    );
  });

  it.each([
    ['a no-break space', 'devel\u00a0', 'devel\\u00a0'],
    ['a zero-width space', 'devel\u200b', 'devel\\u200b'],
  ])('refuse a name that differs from a base branch by %s, which git accepts (exit 2)', async (_what, name, shown) => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await checkIn(r.dir, r, ['--branch', name]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`"${shown}" only looks like the base branch devel`);
  });

  it('refuse a checked-out branch that differs from a base branch only in letter case', async () => {
    const r = await repo(tailsTree(), { branch: 'Testing' });
    const run = await checkIn(r.dir, r);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'the checked-out branch refs/heads/Testing: "Testing" only looks like the base branch testing (letter case or invisible characters)',
    );
  });

  it('are held to the base branches of --config, the configuration in hand', async () => {
    const r = await repo(tailsTree());
    const config = join(scratch, 'c.yml');
    await writeFile(
      config,
      'branches:\n  base: [main, release]\n  development: [main]\n  release: [release]\n  always_frozen: []\n',
    );
    const main = await checkIn(r.dir, r, ['--config', config, '--branch', 'Main']);
    expect(main.stderr).toContain('did you mean main?');
    // devel is no base branch there: Devel is a topic branch like any other.
    expect((await checkIn(r.dir, r, ['--config', config, '--branch', 'Devel'])).json).toMatchObject({
      branch: 'Devel',
    });
  });

  it('plan and audit refuse Devel too', async () => {
    const r = await repo(tailsTree());
    for (const argv of [
      ['plan', 'thaw', '--branch', 'Devel'],
      ['audit', '--branch', 'Devel'],
    ]) {
      const run = await runCli(argv, { cwd: r.dir, env: r.env });
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain('did you mean devel?');
    }
  });
});

describe('audit by default', () => {
  it('audits the first-parent history of HEAD as the branch a revision names', async () => {
    const r = await repo(tailsTree());
    await r.git(['branch', 'testing']);
    const clone = await cloneOf(r);
    const run = await runCli(['audit', '--rev', 'origin/testing', '--format', 'json'], { cwd: clone, env: r.env });
    expect(JSON.parse(run.stdout)).toMatchObject({ rev: 'origin/testing', branch: 'testing' });
    const detached = await runCli(['audit', '--rev', 'HEAD~0'], { cwd: clone, env: r.env });
    expect(detached.code).toBe(2);
    expect(detached.stderr).toContain('--rev HEAD~0 is a commit, not a branch: pass --branch NAME');
  });
});

describe('--base-ref', () => {
  it('is named as given, beside the branch config/base_branch names', async () => {
    const r = await repo(tailsTree());
    await r.git(['branch', 'stable']);
    const clone = await cloneOf(r);
    await runIn(clone, r.env, ['checkout', '--quiet', '-b', 'feature/1234-foo']);
    const run = await runCli(['check', '--offline', '--base-ref', 'origin/stable'], { cwd: clone, env: r.env });
    expect(run.stdout).toMatch(
      /^Compared with --base-ref origin\/stable at [0-9a-f]{10}, forked at [0-9a-f]{10} \(config\/base_branch names devel\)$/m,
    );
    const found = await runCli(['check', '--offline'], { cwd: clone, env: r.env });
    expect(found.stdout).toMatch(/^Compared with base branch devel at [0-9a-f]{10}, forked at [0-9a-f]{10}$/m);
  });
});
