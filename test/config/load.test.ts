import { readFileSync } from 'node:fs';
import { defaultConfig, DEFAULT_CONFIG_FILE } from '../../src/config/defaults.js';
import { applyConfigOverride, describeConfigProblem, mergeConfig, parseFullConfig } from '../../src/config/load.js';

describe('the Tails defaults', () => {
  it('describe the Tails branches, sets and exceptions', () => {
    const config = defaultConfig();
    expect(config.branches.base).toEqual(['stable', 'testing', 'devel']);
    expect(config.branches.development).toEqual(['devel']);
    expect(config.branches.release).toEqual(['testing', 'stable']);
    expect(config.snapshot_sets.map((s) => [s.name, s.dir, s.freeze_exceptions, s.thaws])).toEqual([
      ['main', 'config/APT_snapshots.d', ['debian-security'], true],
      ['builder', 'vagrant/definitions/tails-builder/config/APT_snapshots.d', [], false],
    ]);
  });

  it('is the file shipped in config/', () => {
    const result = parseFullConfig(readFileSync(DEFAULT_CONFIG_FILE, 'utf8'), DEFAULT_CONFIG_FILE);
    expect(result).toEqual({ ok: true, config: defaultConfig() });
  });
});

describe('mergeConfig', () => {
  it('merges objects key by key and replaces lists', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] }, d: 1 });
  });
});

describe('applyConfigOverride', () => {
  const defaults = defaultConfig();

  it('keeps the defaults for an empty file', () => {
    expect(applyConfigOverride(defaults, '')).toEqual({ ok: true, config: defaults });
    expect(applyConfigOverride(defaults, '# nothing\n')).toEqual({ ok: true, config: defaults });
  });

  it('overrides one field and keeps the rest', () => {
    const result = applyConfigOverride(defaults, 'snapshot_server:\n  expiry_warning_days: 10\n');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.snapshot_server.expiry_warning_days).toBe(10);
      expect(result.config.snapshot_server.url).toBe(defaults.snapshot_server.url);
      expect(result.config.branches).toEqual(defaults.branches);
    }
  });

  it.each([
    ['branches:\n  base: []\n', 'branches.base', /at least 1|>=1|too small/i],
    ['branches:\n  development: [main]\n', 'branches.development[0]', /not listed in branches.base/],
    ['snapshot_server:\n  timeout_ms: fast\n', 'snapshot_server.timeout_ms', /number/],
    ['snapshot_server:\n  url: ftp://example.org/\n', 'snapshot_server.url', /http/],
    ['paths:\n  changelog: ../etc/passwd\n', 'paths.changelog', /relative path/],
    ['branches:\n  port_pattern: "("\n', 'branches.port_pattern', /regular expression/],
    ['bot:\n  branch_prefix: "x"\n', 'bot.branch_prefix', /.+/],
    ['unknown_key: 1\n', '', /unknown_key|Unrecognized/i],
    [
      'snapshot_sets:\n  - name: main\n    dir: a\n    freeze_exceptions: []\n    thaws: true\n  - name: main\n    dir: b\n    freeze_exceptions: []\n    thaws: true\n',
      'snapshot_sets',
      /unique/,
    ],
  ])('rejects %j naming the field', (text, field, message) => {
    const result = applyConfigOverride(defaults, text, '.github/apt-snapshots.yml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const problem = result.problems.find((p) => p.field === field);
      expect(problem).toBeDefined();
      expect(problem?.file).toBe('.github/apt-snapshots.yml');
      expect(problem?.message).toMatch(message);
    }
  });

  it.each([
    ['branches: [unclosed\n', /invalid YAML at line \d+/],
    ['a: 1\na: 2\n', /invalid YAML/],
    ['- just\n- a list\n', /must be a YAML mapping/],
    ['"a string"\n', /must be a YAML mapping/],
  ])('rejects %j as a whole file', (text, message) => {
    const result = applyConfigOverride(defaults, text, 'cfg.yml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]?.file).toBe('cfg.yml');
      expect(describeConfigProblem(result.problems[0]!)).toMatch(message);
    }
  });

  it("refuses a repository's jobs, which say where the bot sends its credentials, and takes the deployment's", () => {
    const jobs = [
      'jobs:',
      '  build_IUKs:',
      '    trigger: { type: webhook, url: "https://attacker.example/", secret_env: SECRET, timeout_ms: 1000 }',
      '',
    ].join('\n');
    const refused = applyConfigOverride(defaultConfig(), jobs);
    expect(refused).toEqual({
      ok: false,
      problems: [
        {
          file: '.github/apt-snapshots.yml',
          field: 'jobs',
          message:
            "is set by the bot's deployment only: a repository cannot choose where the bot sends its credentials",
        },
      ],
    });
    const trusted = applyConfigOverride(defaultConfig(), jobs, 'deployment.yml', { trusted: true });
    expect(trusted.ok && trusted.config.jobs.build_IUKs.trigger).toEqual({
      type: 'webhook',
      url: 'https://attacker.example/',
      secret_env: 'SECRET',
      timeout_ms: 1000,
    });
  });

  it("refuses a repository's schedule, which would set when the bot runs for every repository, and takes the deployment's", () => {
    expect(applyConfigOverride(defaultConfig(), 'schedule: {interval_hours: 0.01}\n')).toEqual({
      ok: false,
      problems: [
        {
          file: '.github/apt-snapshots.yml',
          field: 'schedule',
          message:
            "is set by the bot's deployment only: a repository cannot choose when the bot runs for every repository",
        },
      ],
    });
    const trusted = applyConfigOverride(defaultConfig(), 'schedule: {interval_hours: 1}\n', 'deployment.yml', {
      trusted: true,
    });
    expect(trusted.ok && trusted.config.schedule).toEqual({ interval_hours: 1 });
  });

  it.each([
    [{ interval_hours: -1 }, 'schedule.interval_hours'],
    [{ interval_hours: 24 * 8 }, 'schedule.interval_hours'],
  ])('refuses the schedule %j, naming %s', (schedule, field) => {
    const result = applyConfigOverride(defaultConfig(), `schedule: ${JSON.stringify(schedule)}\n`, 'deployment.yml', {
      trusted: true,
    });
    expect(!result.ok && result.problems.map((p) => p.field)).toEqual([field]);
  });

  it.each([
    ['https://ci.example/{tag}/{version}.build-manifest', true],
    ['ftp://ci.example/{tag}', false],
    ['https://ci.example/{tag}/{commit}', false],
  ])('takes the manifest URL template %s: %s', (template, ok) => {
    const result = applyConfigOverride(
      defaultConfig(),
      `jobs:\n  tag-apt-snapshots:\n    manifest_url: "${template}"\n`,
      'deployment.yml',
      { trusted: true },
    );
    expect(result.ok).toBe(ok);
  });

  it('does not expand a billion laughs', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    const result = applyConfigOverride(defaults, bomb);
    expect(result.ok).toBe(false);
  });
});
