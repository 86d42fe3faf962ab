import { fixCommand, shellWord } from '../../src/cli/fix-command.js';
import { styleFor } from '../../src/cli/style.js';
import { repoPerTest, type TestRepo } from '../helpers/git-repo.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { collector, runCli, type RunOptions } from './helpers/run-cli.js';

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const RED_ERROR = '\x1b[1;31merror\x1b[0m';
const ANY_ESCAPE = /\x1b/;

const repo = repoPerTest();

function check(r: TestRepo, args: string[], options: RunOptions = {}) {
  return runCli(['check', '--offline', ...args], { cwd: r.dir, env: r.env, ...options });
}

describe('styleFor', () => {
  const tty = collector(true, 100);
  const pipe = collector(false);
  it.each<[string, typeof tty, NodeJS.ProcessEnv, boolean]>([
    ['a terminal', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['a terminal with NO_COLOR', tty, { NO_COLOR: '1' }, false],
    ['a terminal with an empty NO_COLOR', tty, { NO_COLOR: '' }, true],
    ['a dumb terminal', tty, { TERM: 'dumb' }, false],
    ['a pipe with FORCE_COLOR', pipe, { FORCE_COLOR: '1' }, true],
    ['a pipe with an empty FORCE_COLOR', pipe, { FORCE_COLOR: '' }, true],
    ['a terminal with FORCE_COLOR=0', tty, { FORCE_COLOR: '0' }, false],
    ['a terminal with FORCE_COLOR=false', tty, { FORCE_COLOR: 'false' }, false],
    ['FORCE_COLOR and NO_COLOR both', pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  ])('colours %s: %s', (_name, stream, env, color) => expect(styleFor(stream, env).color).toBe(color));

  it('wraps on a terminal only, never in a pipe, whatever FORCE_COLOR says', () => {
    expect(styleFor(tty, {}).columns).toBe(100);
    expect(styleFor(pipe, { FORCE_COLOR: '1' }).columns).toBeUndefined();
  });
});

describe('check output on a terminal and in a pipe', () => {
  it('colours the severity words and the conclusion on a terminal', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, [], { stdoutColumns: 400 });
    expect(run.stdout).toContain(`\n  ${RED_ERROR}    ${PATHS.MAIN}/debian/serial  devel was left frozen`);
    expect(run.stdout).toContain('Conclusion: \x1b[1;31mfailure\x1b[0m (2 errors, 0 warnings, 0 notices)');
    const passed = await check(await repo(tailsTree()), [], { stdoutColumns: 400 });
    expect(passed.stdout).toContain('Conclusion: \x1b[1;32msuccess\x1b[0m');
  });

  it.each<[string, RunOptions, boolean]>([
    ['piped', {}, false],
    ['with NO_COLOR', { stdoutColumns: 400, colorEnv: { NO_COLOR: '1' } }, false],
    ['piped with FORCE_COLOR', { colorEnv: { FORCE_COLOR: '1' } }, true],
  ])('colours %s: %s', async (_name, options, coloured) => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, [], options);
    expect(run.stdout.includes(RED_ERROR)).toBe(coloured);
    if (!coloured) expect(run.stdout).not.toMatch(ANY_ESCAPE);
  });

  it('never colours JSON', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, ['--format', 'json'], { stdoutColumns: 80, colorEnv: { FORCE_COLOR: '1' } });
    expect(run.stdout).not.toMatch(ANY_ESCAPE);
  });

  it("wraps long lines to the terminal's width, under the message", async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, [], { stdoutColumns: 72, colorEnv: { NO_COLOR: '1' } });
    const findings = run.stdout.slice(run.stdout.indexOf('Findings:'), run.stdout.indexOf('\nConclusion'));
    for (const line of findings.split('\n')) expect([...line].length).toBeLessThanOrEqual(72);
    expect(findings).toMatch(
      new RegExp(
        `^ {2}error {4}${PATHS.MAIN}/torproject/serial {2}devel was left\\n {11}frozen: torproject in the main set`,
        'm',
      ),
    );
    expect(findings).toMatch(/^ {11}hint: Thaw devel: write `latest` into every serial file of\n {17}the main set\.$/m);
  });

  it('never wraps in a pipe: each finding, hint and fix is one line', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, []);
    expect(run.stdout).toMatch(
      new RegExp(`^ {2}error {4}${PATHS.MAIN}/debian/serial {2}devel was left frozen: .* \\(typically .*\\)\\.$`, 'm'),
    );
  });
});

describe('check --quiet and --max-warnings', () => {
  // A frozen devel (2 errors) whose builder set uses latest for tails (1 warning).
  const files = tailsTree({
    main: FROZEN,
    builder: { debian: '2021042702', 'debian-security': '2021042702', tails: 'latest' },
  });

  it('--quiet shows the errors and the conclusion only', async () => {
    const r = await repo(files);
    const run = await check(r, ['--quiet']);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/^ {2}warning /m);
    expect(run.stdout).not.toContain('Snapshot sets:');
    expect(run.stdout.split('\n').filter((l) => /^ {2}error /.test(l))).toHaveLength(2);
    expect(run.stdout).toMatch(/\n\nConclusion: failure \(2 errors, 1 warning, 0 notices\)\n$/);
    expect((await check(r, ['-q'])).stdout).toBe(run.stdout);
  });

  it('--quiet keeps only the errors in JSON', async () => {
    const r = await repo(files);
    const json = JSON.parse((await check(r, ['--quiet', '--format', 'json'])).stdout);
    expect(json.findings.map((f: { severity: string }) => f.severity)).toEqual(['error', 'error']);
  });

  it('--quiet prints the conclusion alone when there is no error', async () => {
    const r = await repo(tailsTree({ builder: { debian: 'latest' } }));
    expect(await check(r, ['--quiet'])).toEqual({
      code: 0,
      stdout: 'Conclusion: success (0 errors, 1 warning, 0 notices)\n',
      stderr: '',
    });
  });

  it('--max-warnings N fails (exit 1) when there are more warnings than N, as eslint', async () => {
    const r = await repo(tailsTree({ builder: { debian: 'latest' } }));
    expect((await check(r, ['--max-warnings', '1'])).code).toBe(0);
    const over = await check(r, ['--max-warnings', '0']);
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('Conclusion: success (0 errors, 1 warning, 0 notices)');
    expect(over.stderr).toBe('apt-snapshots-bot check: 1 warning, more than --max-warnings 0\n');
    // Hidden by --quiet, the warnings still count.
    expect((await check(r, ['--quiet', '--max-warnings', '0'])).code).toBe(1);
  });
});

describe('the command that fixes a finding', () => {
  it('is named under the hint, with the defaults left out', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, []);
    expect(run.stdout).toContain(`  error    ${PATHS.MAIN}/debian/serial  devel was left frozen`);
    expect(run.stdout).toMatch(/^ {11}hint: Thaw devel: .*\n {11}fix: {2}run `apt-snapshots-bot plan thaw --apply`$/m);
  });

  it('carries --repo, --ref and --branch when they were given, and no --apply for another revision than HEAD', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, ['--repo', r.dir, '--ref', 'devel', '--branch', 'devel']);
    expect(run.stdout).toContain(
      `fix:  run \`apt-snapshots-bot plan thaw --repo ${r.dir} --ref devel --branch devel\``,
    );
  });

  it('quotes what a shell would split, and carries the server freeze and bump need', () => {
    expect(shellWord('/home/me/my tails')).toBe("'/home/me/my tails'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('feature/1234-foo')).toBe('feature/1234-foo');
    expect(fixCommand('bump', { ref: 'HEAD', server: 'http://127.0.0.1:8080/' })).toBe(
      'apt-snapshots-bot plan bump --snapshot-server http://127.0.0.1:8080/ --apply',
    );
    expect(fixCommand('thaw', { ref: 'HEAD', server: 'http://127.0.0.1:8080/' })).toBe(
      'apt-snapshots-bot plan thaw --apply',
    );
  });

  it('keeps --config, so that the plan follows the rules the check used', () => {
    expect(fixCommand('thaw', { ref: 'HEAD', config: 'my rules.yml' })).toBe(
      "apt-snapshots-bot plan thaw --config 'my rules.yml' --apply",
    );
  });
});
