import { defaultConfig } from '../../src/config/defaults.js';
import { evaluate, type EvaluateInput } from '../../src/flow/evaluate.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const NOW = new Date('2021-05-14T00:00:00Z');
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };

function input(reader: MemoryReader, overrides: Partial<EvaluateInput>): EvaluateInput {
  return {
    reader,
    rev: 'head',
    branch: 'devel',
    configSource: { kind: 'at-ref' },
    defaults: defaultConfig(),
    now: NOW,
    ...overrides,
  };
}

describe('evaluate', () => {
  it('passes a thawed devel with one read', async () => {
    const reader = new MemoryReader({ head: tailsTree() });
    const result = await evaluate(input(reader, {}));
    expect(result.verdict.conclusion).toBe('success');
    expect(result.verdict.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(reader.reads.map((r) => r.rev)).toEqual(['head']);
    expect(result.verdict.skipped.map((s) => s.rule)).toContain('snapshot-expiry');
  });

  it('fails devel left frozen, pointing at each pinned serial file', async () => {
    const reader = new MemoryReader({ head: tailsTree({ main: FROZEN }) });
    const result = await evaluate(input(reader, {}));
    expect(result.verdict.conclusion).toBe('failure');
    const paths = result.verdict.findings.filter((f) => f.rule === 'tracks-latest').map((f) => f.path);
    expect(paths).toEqual([`${PATHS.MAIN}/debian/serial`, `${PATHS.MAIN}/torproject/serial`]);
  });

  it('reads the base branch named in config/base_branch for a topic branch', async () => {
    const reader = new MemoryReader({
      head: tailsTree({ baseBranch: 'testing', main: { ...FROZEN, debian: '2021050101' } }),
      'testing-tip': tailsTree({ baseBranch: 'testing', main: FROZEN }),
    });
    const asked: string[] = [];
    const result = await evaluate(
      input(reader, {
        branch: 'bugfix/1234-foo',
        resolveBaseRev: async (name) => {
          asked.push(name);
          return 'testing-tip';
        },
      }),
    );
    expect(asked).toEqual(['testing']);
    expect(result.base?.branch).toBe('testing');
    const regression = result.verdict.findings.find((f) => f.rule === 'serial-regression');
    expect(regression).toMatchObject({ severity: 'error', path: `${PATHS.MAIN}/debian/serial` });
    expect(result.verdict.conclusion).toBe('failure');
  });

  it('reads the fork point from the base, and does not blame a topic branch for its base moving on', async () => {
    const reader = new MemoryReader({
      head: tailsTree({ baseBranch: 'testing', main: { ...FROZEN, debian: '2021050101' } }),
      'testing-tip': tailsTree({ baseBranch: 'testing', main: FROZEN }),
      fork: tailsTree({ baseBranch: 'testing', main: { ...FROZEN, debian: '2021050101' } }),
    });
    const asked: string[] = [];
    const result = await evaluate(
      input(reader, {
        branch: 'bugfix/1234-foo',
        resolveBaseRev: async () => 'testing-tip',
        resolveForkRev: async (baseRev) => {
          asked.push(baseRev);
          return 'fork';
        },
      }),
    );
    expect(asked).toEqual(['testing-tip']);
    expect(result.base?.forkRev).toBe('fork');
    expect(result.base?.forkPoint?.commit.subject).toBe('fork');
    expect(result.verdict.findings.filter((f) => f.rule === 'serial-regression')).toEqual([]);
    expect(result.verdict.conclusion).toBe('success');
  });

  it('compares with the base alone when there is no fork point', async () => {
    const reader = new MemoryReader({
      head: tailsTree({ baseBranch: 'testing', main: { ...FROZEN, debian: '2021050101' } }),
      'testing-tip': tailsTree({ baseBranch: 'testing', main: FROZEN }),
    });
    const result = await evaluate(
      input(reader, {
        branch: 'bugfix/1234-foo',
        resolveBaseRev: async () => 'testing-tip',
        resolveForkRev: async () => undefined,
      }),
    );
    expect(result.base?.forkPoint).toBeUndefined();
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({ rule: 'serial-regression', path: `${PATHS.MAIN}/debian/serial` }),
    );
    expect(reader.reads.map((r) => r.rev)).toEqual(['head', 'testing-tip']);
  });

  it('says so when the base branch cannot be found', async () => {
    const reader = new MemoryReader({ head: tailsTree({ baseBranch: 'testing', main: FROZEN }) });
    const result = await evaluate(input(reader, { branch: 'bugfix/1', resolveBaseRev: async () => undefined }));
    expect(result.base).toBeUndefined();
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({ rule: 'base-state', severity: 'notice', path: 'config/base_branch' }),
    );
  });

  it('reads the state before a push', async () => {
    const reader = new MemoryReader({
      head: tailsTree({ baseBranch: 'stable', main: { ...FROZEN, debian: '2021050101' } }),
      old: tailsTree({ baseBranch: 'stable', main: FROZEN }),
    });
    const result = await evaluate(input(reader, { branch: 'stable', beforeRev: 'old' }));
    expect(result.before?.sets[0]!.origins[0]!.value).toEqual({ kind: 'serial', serial: '2021051301' });
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({ rule: 'serial-regression', path: `${PATHS.MAIN}/debian/serial` }),
    );
  });

  it('applies the configuration at the ref, and a broken one is an error on that file', async () => {
    const custom = { ...tailsTree({ main: FROZEN }), '.github/apt-snapshots.yml': 'branches:\n  development: []\n' };
    const ok = await evaluate(input(new MemoryReader({ head: custom }), {}));
    expect(ok.verdict.findings.filter((f) => f.rule === 'tracks-latest')).toEqual([]);

    const broken = { ...tailsTree(), '.github/apt-snapshots.yml': 'branches:\n  development: [nope]\n' };
    const bad = await evaluate(input(new MemoryReader({ head: broken }), {}));
    expect(bad.verdict.conclusion).toBe('failure');
    expect(bad.verdict.findings[0]).toMatchObject({
      rule: 'config',
      severity: 'error',
      path: '.github/apt-snapshots.yml',
    });
    expect(bad.verdict.findings[0]!.message).toMatch(/branches\.development\[0\].*not listed in branches\.base/);
  });

  it('takes a pull request’s configuration from its base, so it cannot relax its own rules', async () => {
    const relaxed = { ...tailsTree({ main: FROZEN }), '.github/apt-snapshots.yml': 'branches:\n  development: []\n' };
    const reader = new MemoryReader({ head: relaxed, base: tailsTree() });
    const result = await evaluate(input(reader, { configSource: { kind: 'at-rev', rev: 'base' } }));
    expect(result.verdict.findings.filter((f) => f.rule === 'tracks-latest')).toHaveLength(2);
    const configRead = reader.reads.find((r) => r.rev === 'base');
    expect(configRead?.spec.files.map((f) => f.path)).not.toContain('debian/changelog');
  });

  it('re-reads only when the configuration moves the files it reads', async () => {
    const moved = {
      ...tailsTree(),
      '.github/apt-snapshots.yml':
        'snapshot_sets:\n  - name: main\n    dir: apt/snapshots\n    freeze_exceptions: []\n    thaws: true\n',
      'apt/snapshots/debian/serial': '2021051301\n',
    };
    const reader = new MemoryReader({ head: moved });
    const result = await evaluate(input(reader, {}));
    expect(reader.reads).toHaveLength(2);
    expect(reader.reads[1]!.spec.dirs.map((d) => d.path)).toContain('apt/snapshots');
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({ rule: 'tracks-latest', path: 'apt/snapshots/debian/serial' }),
    );
  });

  it('treats a configuration file that is not text as an error on it', async () => {
    const files = { ...tailsTree(), '.github/apt-snapshots.yml': { symlink: '/etc/passwd' } };
    const result = await evaluate(input(new MemoryReader({ head: files }), {}));
    expect(result.verdict.findings[0]).toMatchObject({ rule: 'config', path: '.github/apt-snapshots.yml' });
    expect(result.verdict.findings[0]!.message).toMatch(/symbolic link/);
  });

  it.each<[string, Partial<EvaluateInput>, string]>([
    ['the file at the ref', {}, '.github/apt-snapshots.yml'],
    [
      'a file given',
      { configSource: { kind: 'text', text: 'branches:\n  port_pattern: "^(a+)+$"\n', file: 'mine.yml' } },
      'mine.yml',
    ],
  ])(
    'judges under the defaults, with an error on %s, when its port_pattern backtracks for ever on the branch',
    async (_name, overrides, file) => {
      const branch = `${'a'.repeat(40)}!`;
      const files = {
        ...tailsTree({ main: FROZEN }),
        '.github/apt-snapshots.yml': 'branches:\n  port_pattern: "^(a+)+$"\n',
      };
      const result = await evaluate(
        input(new MemoryReader({ head: files }), { branch, resolveBaseRev: async () => undefined, ...overrides }),
      );
      expect(result.config).toEqual(defaultConfig());
      expect(result.configProblems).toEqual([
        {
          file,
          field: 'branches.port_pattern',
          message: expect.stringContaining(`took too long to match the branch "${branch}"`),
        },
      ]);
      expect(result.verdict.conclusion).toBe('failure');
      expect(result.verdict.findings[0]).toMatchObject({ rule: 'config', severity: 'error', path: file });
    },
  );
});
