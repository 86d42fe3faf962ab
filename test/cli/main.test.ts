import { COMMANDS } from '../../src/cli/main.js';
import { RULES } from '../../src/rules/index.js';
import { runCli } from './helpers/run-cli.js';

describe('the program', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the commands on stdout', async (flag) => {
    const run = await runCli([flag]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: apt-snapshots-bot COMMAND/);
    for (const command of ['check', 'plan', 'audit', 'serials', 'hook'])
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
        'apt-snapshots-bot: unknown command "chekc"; the commands are check, plan, audit, serials, hook\nRun \'apt-snapshots-bot --help\' for usage.\n',
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

describe.each([
  [['check', '--ref', 'HEAD', '--branch', 'devel'], '--repo DIR is required'],
  [['check', '--repo', '.', '--branch', 'devel'], '--ref REV is required'],
  [['check', '--repo', '.', '--ref', 'HEAD'], '--branch NAME is required'],
  [
    ['check', '--repo', '.', '--ref', 'HEAD', '--branch', 'devel', '--format', 'xml'],
    '--format must be "text" or "json", not "xml"',
  ],
  [
    [
      'check',
      '--repo',
      '.',
      '--ref',
      'HEAD',
      '--branch',
      'devel',
      '--offline',
      '--snapshot-server',
      'http://127.0.0.1:1/',
    ],
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
  [['audit'], '--repo DIR is required'],
  [['audit', '--repo', '.', '--since', 'last week'], '--since must be a date such as 2021-01-01, not "last week"'],
  [['hook'], 'the hook must be one of pre-receive, post-receive'],
  [['hook', 'update'], 'the hook must be one of pre-receive, post-receive, not "update"'],
])('%j', (argv, message) => {
  it('is bad usage (exit 2) with a message saying why', async () => {
    const run = await runCli(argv);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`apt-snapshots-bot ${argv[0]}: ${message}`);
  });
});
