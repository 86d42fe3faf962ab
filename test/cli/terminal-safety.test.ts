import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitFiles, repoPerTest } from '../helpers/git-repo.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { runCli } from './helpers/run-cli.js';

// Every control character but the newlines and tabs that lay out the output.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;
const ESC = '\u001b';

const repo = repoPerTest();

/** A branch whose every value that reaches the output carries terminal escapes. */
async function hostileRepo() {
  const files = tailsTree({
    baseBranch: `devel${ESC}[2J`,
    main: { debian: '2021051301', 'debian-security': 'latest', torproject: `2021051301${ESC}[31m` },
    overlays: [`evil${ESC}]0;owned\u0007.list`],
  });
  files[`${PATHS.MAIN}/a${ESC}[1mx\u202e/serial`] = '2021051301\n';
  files[`${PATHS.BUILDER}/tails/serial`] = { symlink: `x\nerror    ${PATHS.MAIN}/debian/serial  forged` };
  return repo(files, { message: `Freeze${ESC}]0;owned\u0007 \u009b2J` });
}

describe('output on a terminal', () => {
  it('check shows every value from the repository escaped, and a newline in one cannot forge a line', async () => {
    const r = await hostileRepo();
    const run = await runCli(['check', '--repo', r.dir, '--ref', 'HEAD', '--branch', 'devel', '--offline'], {
      env: r.env,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('"Freeze\\u001b]0;owned\\u0007 \\u009b2J"');
    expect(run.stdout).toContain('Base branch: devel\\u001b[2J\n');
    expect(run.stdout).toContain('Overlays:    evil\\u001b]0;owned\\u0007.list\n');
    expect(run.stdout).toContain('a\\u001b[1mx\\u202e');
    expect(run.stdout.split('\n').filter((line) => line.includes('forged'))).toHaveLength(2);
    expect(run.stdout).not.toMatch(/^error {4}/m);
  });

  it('check in colour and wrapped: the only escapes are its own colours, and wrapping forges no line', async () => {
    const r = await hostileRepo();
    const run = await runCli(['check', '--repo', r.dir, '--ref', 'HEAD', '--branch', 'devel', '--offline'], {
      env: r.env,
      stdoutColumns: 60,
    });
    expect(run.stdout).toContain('\x1b[1;31merror\x1b[0m');
    expect(run.stdout.replace(/\x1b\[(?:1;3[1-6])?m|\x1b\[0m/g, '')).not.toMatch(RAW_CONTROL);
    expect(run.stdout).not.toMatch(/^error {4}/m);
  });

  it('audit shows commit subjects and findings escaped', async () => {
    const r = await hostileRepo();
    const run = await runCli(['audit', '--repo', r.dir, '--rev', 'devel'], { env: r.env });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain("after 'Freeze\\u001b]0;owned\\u0007 \\u009b2J'");
  });

  it('plan shows the diff of a file holding escapes escaped', async () => {
    const r = await hostileRepo();
    const run = await runCli(['plan', 'thaw', '--repo', r.dir, '--ref', 'HEAD'], { env: r.env });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('-2021051301\\u001b[31m\n+latest\n');
  });

  it.each([
    ['pre-receive', 1, 'stderr'],
    ['post-receive', 0, 'stdout'],
  ] as const)('the %s hook shows findings escaped to the pusher', async (hook, code, stream) => {
    const r = await hostileRepo();
    const head = (await r.git(['rev-parse', 'HEAD'])).trim();
    const run = await runCli(['hook', hook], {
      env: { ...r.env, GIT_DIR: `${r.dir}/.git` },
      stdin: `${'0'.repeat(40)} ${head} refs/heads/devel\n`,
    });
    expect(run.code).toBe(code);
    expect(run[stream]).not.toMatch(RAW_CONTROL);
    expect(run[stream]).toContain('\\u001b');
  });
});

describe('messages on a terminal', () => {
  it('an error names what it is about escaped', async () => {
    const r = await hostileRepo();
    const run = await runCli(['check', '--repo', r.dir, '--ref', `nope${ESC}[2J`, '--branch', 'devel', '--offline'], {
      env: r.env,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stderr).toContain('revision "nope\\u001b[2J" does not exist');
  });

  it('serials shows origin directories escaped', async () => {
    const r = await hostileRepo();
    await writeFile(join(r.dir, PATHS.MAIN, 'torproject', 'serial'), 'latest\n');
    const run = await runCli(['serials', 'cat'], { cwd: r.dir, env: r.env });
    expect(run).toEqual({
      code: 0,
      stdout: 'a\\u001b[1mx\\u202e: 2021051301\ndebian: 2021051301\ndebian-security: latest\ntorproject: latest\n',
      stderr: '',
    });
    const refused = await runCli(['serials', 'cat', 'tails'], { cwd: r.dir, env: r.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toMatch(RAW_CONTROL);
  });
});

it('plan names a configuration problem in the rules escaped', async () => {
  const r = await repo({ ...tailsTree(), '.github/apt-snapshots.yml': `branches:\n  "x${ESC}[2J": 1\n` });
  await commitFiles(r, { 'config/base_branch': 'devel\n\n' }, 'Another commit');
  const run = await runCli(['plan', 'thaw', '--repo', r.dir, '--ref', 'HEAD'], { env: r.env });
  expect(run.code).toBe(1);
  expect(run.stderr).not.toMatch(RAW_CONTROL);
  expect(run.stderr).toContain('x\\u001b[2J');
});
