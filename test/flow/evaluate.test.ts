import { defaultConfig } from '../../src/config/defaults.js';
import { evaluate, type EvaluateInput } from '../../src/flow/evaluate.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { viewOf, type ViewLookups } from '../helpers/repository-view.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const NOW = new Date('2021-05-14T00:00:00Z');
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };

function input(
  reader: MemoryReader,
  { baseBranch, forkOf, ...overrides }: Partial<Omit<EvaluateInput, 'repository'>> & ViewLookups,
): EvaluateInput {
  return {
    repository: viewOf(reader, { ...(baseBranch ? { baseBranch } : {}), ...(forkOf ? { forkOf } : {}) }),
    rev: 'head',
    branch: 'devel',
    rules: { kind: 'before-change', label: 'parent' },
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
        baseBranch: async (name) => {
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
        baseBranch: async () => 'testing-tip',
        forkOf: async (baseRev) => {
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
        baseBranch: async () => 'testing-tip',
        forkOf: async () => undefined,
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
    const result = await evaluate(input(reader, { branch: 'bugfix/1', baseBranch: async () => undefined }));
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

  const RULES = '.github/apt-snapshots.yml';
  const RELAXED = 'branches:\n  development: []\n';

  it('judges a push that relaxes the rules under the rules before it, and shows the change as a notice', async () => {
    const reader = new MemoryReader({
      head: { ...tailsTree({ main: FROZEN }), [RULES]: RELAXED },
      old: tailsTree(),
    });
    const result = await evaluate(
      input(reader, { beforeRev: 'old', rules: { kind: 'before-change', rev: 'old', label: 'before' } }),
    );
    expect(result.verdict.findings.filter((f) => f.rule === 'tracks-latest')).toHaveLength(2);
    expect(result.rules).toMatchObject({ origin: 'before', rev: '2'.repeat(40), file: { kind: 'missing' } });
    expect(result.rulesChange?.fields).toEqual([{ field: 'branches.development', before: '["devel"]', after: '[]' }]);
    const notice = result.verdict.findings.find((f) => f.rule === 'rules-change');
    expect(notice).toMatchObject({ severity: 'notice', path: RULES });
    expect(notice?.message).toContain('branches.development: ["devel"] → []');
    expect(notice?.message).toContain(
      'the defaults (no .github/apt-snapshots.yml at 2222222) (the commit before the push)',
    );
  });

  it('applies the rules once they have landed', async () => {
    const reader = new MemoryReader({
      head: { ...tailsTree({ main: FROZEN }), [RULES]: RELAXED },
      old: { ...tailsTree(), [RULES]: RELAXED },
    });
    const result = await evaluate(input(reader, { rules: { kind: 'before-change', rev: 'old', label: 'parent' } }));
    expect(result.verdict.findings.filter((f) => f.rule === 'tracks-latest')).toEqual([]);
    expect(result.rulesChange).toBeUndefined();
    expect(result.verdict.findings.filter((f) => f.rule === 'rules-change')).toEqual([]);
  });

  it('reports invalid rules before the change as an error naming the field, and judges under the defaults', async () => {
    const reader = new MemoryReader({
      head: { ...tailsTree({ main: FROZEN }), [RULES]: 'branches:\n  development: [nope]\n' },
      old: { ...tailsTree(), [RULES]: 'branches:\n  development: [nope]\n' },
    });
    const result = await evaluate(input(reader, { rules: { kind: 'before-change', rev: 'old', label: 'parent' } }));
    expect(result.verdict.conclusion).toBe('failure');
    expect(result.rules.problems).toHaveLength(1);
    const config = result.verdict.findings.filter((f) => f.rule === 'config');
    expect(config).toEqual([expect.objectContaining({ severity: 'error', path: RULES })]);
    expect(config[0]!.message).toMatch(/at 2222222: .*branches\.development\[0\].*not listed in branches\.base/);
    expect(result.verdict.findings.filter((f) => f.rule === 'tracks-latest')).toHaveLength(2);
  });

  it('fails a change that brings an invalid rules file, naming the field', async () => {
    const reader = new MemoryReader({
      head: { ...tailsTree(), [RULES]: 'branches:\n  development: [nope]\n' },
      old: tailsTree(),
    });
    const result = await evaluate(input(reader, { rules: { kind: 'before-change', rev: 'old', label: 'before' } }));
    expect(result.verdict.conclusion).toBe('failure');
    const config = result.verdict.findings.find((f) => f.rule === 'config');
    expect(config?.message).toMatch(/^the rules file at this commit is invalid: .*branches\.development\[0\]/);
    expect(result.rulesChange?.problems).toHaveLength(1);
  });

  it('treats a rules file that is not text as an error on it', async () => {
    const reader = new MemoryReader({
      head: tailsTree(),
      old: { ...tailsTree(), [RULES]: { symlink: '/etc/passwd' } },
    });
    const result = await evaluate(input(reader, { rules: { kind: 'before-change', rev: 'old', label: 'parent' } }));
    expect(result.verdict.findings[0]).toMatchObject({ rule: 'config', path: RULES });
    expect(result.verdict.findings[0]!.message).toMatch(/symbolic link/);
  });

  it('judges a topic branch under its base branch’s rules, whatever the branch did to its own', async () => {
    const reader = new MemoryReader({
      head: { ...tailsTree({ baseBranch: 'devel' }), [RULES]: RELAXED },
      old: tailsTree({ baseBranch: 'devel' }),
      'devel-tip': { ...tailsTree(), [RULES]: 'snapshot_server:\n  expiry_warning_days: 7\n' },
    });
    const result = await evaluate(
      input(reader, {
        branch: 'feature/1234-foo',
        beforeRev: 'old',
        rules: { kind: 'before-change', rev: 'old', label: 'before' },
        baseBranch: async () => 'devel-tip',
      }),
    );
    expect(result.rules).toMatchObject({ origin: 'base', rev: '3'.repeat(40) });
    expect(result.config.snapshot_server.expiry_warning_days).toBe(7);
    expect(result.config.branches.development).toEqual(['devel']);
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({ rule: 'rules-change', severity: 'notice' }),
    );
  });

  it('judges a new topic branch under its base branch’s rules, and a new base branch under the defaults', async () => {
    const reader = new MemoryReader({
      head: { ...tailsTree({ baseBranch: 'devel' }), [RULES]: RELAXED },
      'devel-tip': tailsTree(),
    });
    const topic = await evaluate(input(reader, { branch: 'feature/1234-x', baseBranch: async () => 'devel-tip' }));
    expect(topic.rules).toMatchObject({ origin: 'base', rev: '2'.repeat(40) });

    const frozen = new MemoryReader({ head: { ...tailsTree({ main: FROZEN }), [RULES]: RELAXED } });
    const devel = await evaluate(input(frozen, {}));
    expect(devel.rules).toEqual({ origin: 'defaults', path: RULES, file: { kind: 'missing' }, problems: [] });
    expect(devel.verdict.findings.filter((f) => f.rule === 'tracks-latest')).toHaveLength(2);
  });

  it('says nothing of a rules file the change did not touch, though the base’s differs', async () => {
    const reader = new MemoryReader({
      head: { ...tailsTree({ baseBranch: 'devel' }), [RULES]: RELAXED },
      old: { ...tailsTree({ baseBranch: 'devel' }), [RULES]: RELAXED },
      'devel-tip': tailsTree(),
    });
    const result = await evaluate(
      input(reader, {
        branch: 'feature/1234-x',
        rules: { kind: 'before-change', rev: 'old', label: 'before' },
        baseBranch: async () => 'devel-tip',
      }),
    );
    expect(result.rules.origin).toBe('base');
    expect(result.rulesChange).toBeUndefined();
  });

  it('takes a pull request’s configuration from its base, so it cannot relax its own rules', async () => {
    const reader = new MemoryReader({ head: { ...tailsTree({ main: FROZEN }), [RULES]: RELAXED }, base: tailsTree() });
    const result = await evaluate(input(reader, { rules: { kind: 'pull-request-base', rev: 'base' } }));
    expect(result.verdict.findings.filter((f) => f.rule === 'tracks-latest')).toHaveLength(2);
    expect(result.rules.origin).toBe('pull-request-base');
    expect(result.rulesChange?.fields).toEqual([{ field: 'branches.development', before: '["devel"]', after: '[]' }]);
    const configRead = reader.reads.find((r) => r.rev === 'base');
    expect(configRead?.spec.files.map((f) => f.path)).not.toContain('debian/changelog');
  });

  it('judges under the same rules as another evaluation when told to', async () => {
    const reader = new MemoryReader({ head: { ...tailsTree({ main: FROZEN }), [RULES]: RELAXED }, old: tailsTree() });
    const first = await evaluate(input(reader, { rules: { kind: 'before-change', rev: 'old', label: 'before' } }));
    const again = await evaluate(input(reader, { rev: 'old', rules: { kind: 'same-as', evaluation: first } }));
    expect(again.rules).toEqual(first.rules);
    expect(again.config).toBe(first.config);
  });

  it('is an error when the branch differs from a base branch only in letter case', async () => {
    const result = await evaluate(input(new MemoryReader({ head: tailsTree({ main: FROZEN }) }), { branch: 'Devel' }));
    expect(result.verdict.conclusion).toBe('failure');
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({ rule: 'branch-name', severity: 'error', path: 'config/base_branch' }),
    );
  });

  it('re-reads only when the configuration moves the files it reads', async () => {
    const moved = {
      ...tailsTree(),
      '.github/apt-snapshots.yml':
        'snapshot_sets:\n  - name: main\n    dir: apt/snapshots\n    freeze_exceptions: []\n    thaws: true\n',
      'apt/snapshots/debian/serial': '2021051301\n',
    };
    const reader = new MemoryReader({ head: moved, old: moved });
    const result = await evaluate(input(reader, { rules: { kind: 'before-change', rev: 'old', label: 'parent' } }));
    expect(reader.reads.map((r) => r.rev)).toEqual(['head', 'old', 'head']);
    expect(reader.reads[2]!.spec.dirs.map((d) => d.path)).toContain('apt/snapshots');
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({ rule: 'tracks-latest', path: 'apt/snapshots/debian/serial' }),
    );
  });

  it.each<[string, Partial<EvaluateInput>, string]>([
    [
      "the default branch's file",
      {
        rules: { kind: 'before-change', rev: 'old', label: 'parent' },
        landed: { branch: 'devel', rev: 'old' },
      },
      RULES,
    ],
    [
      'a file given',
      { rules: { kind: 'file', text: 'branches:\n  port_pattern: "^(a+)+$"\n', file: 'mine.yml' } },
      'mine.yml',
    ],
  ])(
    'judges under the defaults, with an error on %s, when its port_pattern backtracks for ever on the branch',
    async (_name, overrides, file) => {
      const branch = `${'a'.repeat(40)}!`;
      const pattern = 'branches:\n  port_pattern: "^(a+)+$"\n';
      const files = { ...tailsTree({ main: FROZEN }), [RULES]: pattern };
      const result = await evaluate(
        input(new MemoryReader({ head: files, old: files }), {
          branch,
          baseBranch: async () => undefined,
          ...overrides,
        }),
      );
      expect(result.config).toEqual(defaultConfig());
      expect(result.rules.problems).toEqual([
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
