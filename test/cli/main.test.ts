import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/main.js';
import { RULES } from '../../src/rules/index.js';
import { runCli } from './helpers/run-cli.js';

describe('the program', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the commands on stdout', async (flag) => {
    const run = await runCli([flag]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: apt-snapshots-bot COMMAND/);
    for (const command of ['check', 'plan', 'audit', 'serials', 'hook', 'release', 'trigger', 'iuk-source-versions'])
      expect(run.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    const run = await runCli([]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^Usage: apt-snapshots-bot COMMAND/);
  });

  it('names an unknown command', async () => {
    expect(await runCli(['chekc'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'apt-snapshots-bot: unknown command "chekc"; the commands are check, plan, audit, expiry, dashboard, serials, hook, release, trigger, iuk-source-versions\nRun \'apt-snapshots-bot --help\' for usage.\n',
    });
  });
});

describe.each(COMMANDS.map((c) => [c.name]))('%s', (name) => {
  it.each([['--help'], ['-h']])('%s prints its usage and exits 0', async (flag) => {
    const run = await runCli([name, flag]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^Usage: apt-snapshots-bot ${name} `));
  });

  it('names an unknown flag and exits 2', async () => {
    const run = await runCli([name, '--frobnicate']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`apt-snapshots-bot ${name}: Unknown option '--frobnicate'`);
    expect(run.stderr).toContain(`Run 'apt-snapshots-bot ${name} --help' for usage.`);
  });
});

describe('check --help', () => {
  it('lists every rule with its severities and its description', async () => {
    const { stdout } = await runCli(['check', '--help']);
    expect(RULES.length).toBeGreaterThan(0);
    const unwrapped = stdout.replace(/\n {6}/g, ' ');
    for (const rule of RULES) {
      expect(stdout).toContain(`\n  ${rule.id} (${rule.severities.join(' / ')})\n      `);
      expect(unwrapped).toContain(`${rule.id} (${rule.severities.join(' / ')}) ${rule.description}`);
    }
    expect(stdout).toContain('\n  freeze-consistency (error / notice)\n');
  });
});

describe('the options each command takes', () => {
  /** The long options a text names: in its usage lines, or at the start of its option list's lines. */
  const usageOptions = (help: string) => new Set(help.split('\n\n')[0]?.match(/--[a-z-]+/g));
  const listedOptions = (help: string) =>
    new Set([...help.matchAll(/^ {2}(?:-[a-z], )?(--[a-z-]+)/gm)].map((m) => m[1] as string));

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: the usage lines and the option list name exactly the options it parses',
    (_name, command) => {
      const parsed = new Set(
        Object.keys(command.options ?? {})
          .filter((o) => o !== 'help')
          .map((o) => `--${o}`),
      );
      expect(parsed.size).toBeGreaterThan(0);
      expect(usageOptions(command.help())).toEqual(parsed);
      expect(listedOptions(command.help())).toEqual(parsed);
    },
  );

  // audit and iuk-source-versions read Git alone.
  it.each(COMMANDS.filter((c) => !['audit', 'iuk-source-versions'].includes(c.name)).map((c) => [c.name]))(
    '%s --help documents APT_SNAPSHOTS_SERVER and --timeout',
    async (name) => {
      const { stdout } = await runCli([name, '--help']);
      expect(stdout.replace(/\n +/g, ' ')).toContain('default: $APT_SNAPSHOTS_SERVER when set (a URL, or "offline")');
      expect(stdout).toContain('--timeout SECONDS');
    },
  );
});

describe('--version and help COMMAND', () => {
  it('--version prints the name and the version of package.json', async () => {
    const pkg = JSON.parse(await readFile(join(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8'));
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `apt-snapshots-bot ${pkg.version}\n`, stderr: '' });
  });

  it.each(COMMANDS.map((c) => [c.name]))('help %s is %s --help', async (name) => {
    const help = await runCli(['help', name]);
    expect(help).toEqual(await runCli([name, '--help']));
    expect(help.code).toBe(0);
  });

  it('help names an unknown command (exit 2)', async () => {
    expect(await runCli(['help', 'chekc'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'apt-snapshots-bot help: unknown command "chekc"; the commands are check, plan, audit, expiry, dashboard, serials, hook, release, trigger, iuk-source-versions\n',
    });
  });
});

// Run from a directory in no repository: these fail before any is needed.
describe.each([
  [['check'], 'is not in a Git repository (nor is any parent directory): pass --repo DIR'],
  [['plan', 'thaw'], 'is not in a Git repository (nor is any parent directory): pass --repo DIR'],
  [['audit'], 'is not in a Git repository (nor is any parent directory): pass --repo DIR'],
  [['check', '--repo', ''], '--repo DIR must not be empty'],
  [['check', '--repo', '.', '--format', 'xml'], '--format must be "text" or "json", not "xml"'],
  [['check', '--repo', '.', '--max-warnings', 'some'], '--max-warnings must be a whole number, 0 or more, not "some"'],
  [['check', '--repo', '.', '--timeout', '0'], '--timeout must be a number of seconds from 0.1 to 300, not "0"'],
  [
    ['check', '--repo', '.', '--offline', '--snapshot-server', 'http://127.0.0.1:1/'],
    '--snapshot-server and --offline exclude each other',
  ],
  [['check', '--repo'], "Option '--repo <value>' argument missing"],
  [['plan', '--repo', '.', '--ref', 'HEAD'], 'an action is required: thaw, freeze, bump'],
  [['plan', 'melt', '--repo', '.', '--ref', 'HEAD'], 'unknown action "melt"; the actions are thaw, freeze, bump'],
  [
    ['plan', 'freeze', '--repo', '.', '--ref', 'HEAD', '--offline'],
    'freeze needs the newest serials from the snapshot server: drop --offline',
  ],
  [
    ['plan', 'bump', '--repo', '.', '--ref', 'HEAD', '--offline'],
    'bump needs the newest serials from the snapshot server: drop --offline',
  ],
  [['plan', 'thaw', '--repo', '.', '--ref', 'HEAD', '--origin', 'debian'], '--origin only applies to plan bump'],
  [['plan', 'thaw', '--repo', '.', '--set', 'main'], '--set only applies to plan bump'],
  [['plan', 'thaw', '--repo', '.', '--version', '4.19~rc1'], '--version only applies to plan freeze'],
  [
    ['plan', 'freeze', '--repo', '.', '--version', 'rc1'],
    '--version must be a Debian version such as 4.19~rc1, not "rc1"',
  ],
  [['audit', '--repo', '.', '--since', 'last week'], '--since must be a date such as 2021-01-01, not "last week"'],
  [['hook'], 'the hook must be one of pre-receive, post-receive'],
  [['release', 'check'], '--tag TAG is required: the release tag, e.g. 4.19-rc1'],
  [['release', 'check', '--tag', '4.20'], 'is not in a Git repository (nor is any parent directory): pass --repo DIR'],
  [['trigger', '--tag', '4.20'], 'a job is required: tag-apt-snapshots, build-iuks'],
  [
    ['trigger', 'build-iuks', '--tag', '4.20'],
    'is not in a Git repository (nor is any parent directory): pass --repo DIR',
  ],
  [['iuk-source-versions', '4.20'], 'is not in a Git repository (nor is any parent directory): pass --repo DIR'],
  [['iuk-source-versions', 'four'], '"four" is not a Debian version'],
  [['hook', 'update'], 'the hook must be one of pre-receive, post-receive, not "update"'],
])('%j', (argv, message) => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-nowhere-'));
  });
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('is bad usage (exit 2) with a message saying why', async () => {
    const run = await runCli(argv, { cwd, env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(cwd) } });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`^apt-snapshots-bot ${argv[0]}: `));
    expect(run.stderr).toContain(message);
  });
});

it('plan freeze and bump say that APT_SNAPSHOTS_SERVER=offline leaves them without a server', async () => {
  const run = await runCli(['plan', 'freeze', '--repo', '.'], {
    env: { ...process.env, APT_SNAPSHOTS_SERVER: 'offline' },
  });
  expect(run).toMatchObject({ code: 2, stdout: '' });
  expect(run.stderr).toContain(
    'apt-snapshots-bot plan: freeze needs the newest serials from the snapshot server, but APT_SNAPSHOTS_SERVER is "offline": pass --snapshot-server URL',
  );
});
