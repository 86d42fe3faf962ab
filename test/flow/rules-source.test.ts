import { defaultConfig } from '../../src/config/defaults.js';
import { evaluate, type EvaluateInput } from '../../src/flow/evaluate.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { viewOf, type ViewLookups } from '../helpers/repository-view.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const NOW = new Date('2021-05-14T00:00:00Z');
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const RULES = '.github/apt-snapshots.yml';
const DEBIAN = `${PATHS.MAIN}/debian/serial`;
/** Rules a topic branch writes to make itself a base branch, reading its serials from a decoy directory. */
const PROMOTING =
  "branches:\n  port_pattern: '^feature/'\nsnapshot_sets:\n  - { name: main, dir: decoy, freeze_exceptions: [], thaws: true }\n";

function input(
  reader: MemoryReader,
  { baseBranch, forkOf, ...overrides }: Partial<Omit<EvaluateInput, 'repository'>> & ViewLookups,
): EvaluateInput {
  return {
    repository: viewOf(reader, { ...(baseBranch ? { baseBranch } : {}), ...(forkOf ? { forkOf } : {}) }),
    rev: 'head',
    branch: 'feature/1234-foo',
    rules: { kind: 'before-change', rev: 'before', label: 'before' },
    beforeRev: 'before',
    landed: { branch: 'devel', rev: 'devel-tip' },
    defaults: defaultConfig(),
    now: NOW,
    ...overrides,
  };
}

const errorsOn = (findings: { severity: string; path: string }[]) =>
  findings.filter((f) => f.severity === 'error').map((f) => f.path);

describe('where the rules of a topic branch come from', () => {
  it('never from a file only the topic branch carries, which would make it a base branch: from its base branch', async () => {
    const own = { ...tailsTree({ baseBranch: 'testing', main: FROZEN }), [RULES]: PROMOTING };
    const reader = new MemoryReader({
      before: own,
      head: { ...own, [DEBIAN]: 'garbage\n' },
      'devel-tip': tailsTree(),
      'testing-tip': tailsTree({ baseBranch: 'testing', main: FROZEN }),
    });
    const result = await evaluate(input(reader, { baseBranch: async () => 'testing-tip' }));
    expect(result.rules).toMatchObject({ origin: 'base', rev: '4'.repeat(40) });
    expect(errorsOn(result.verdict.findings)).toContain(DEBIAN);
  });

  it('from the default branch when the base it names cannot be found, never from its own file', async () => {
    const own = { ...tailsTree({ baseBranch: 'feature/nothing', main: FROZEN }), [RULES]: PROMOTING };
    const reader = new MemoryReader({
      before: own,
      head: { ...own, [DEBIAN]: 'garbage\n' },
      'devel-tip': tailsTree(),
    });
    const result = await evaluate(input(reader, { baseBranch: async () => undefined }));
    expect(result.rules.origin).toBe('default-branch');
    expect(errorsOn(result.verdict.findings)).toContain(DEBIAN);
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({
        rule: 'base-state',
        message: expect.stringContaining('"feature/nothing" was not found'),
      }),
    );
  });

  it("reads the base branch's name where the default branch's rules put config/base_branch", async () => {
    const moved = 'paths:\n  base_branch: meta/base_branch\n';
    const topic: Record<string, string> = {
      ...tailsTree({ main: FROZEN }),
      'meta/base_branch': 'devel\n',
      [RULES]: moved,
    };
    delete topic['config/base_branch'];
    const reader = new MemoryReader({
      before: { ...topic, [RULES]: 'branches:\n  development: []\n' },
      head: { ...topic, [RULES]: 'branches:\n  development: []\n' },
      'devel-tip': { ...tailsTree(), 'meta/base_branch': 'devel\n', [RULES]: moved },
    });
    const asked: string[] = [];
    const result = await evaluate(
      input(reader, {
        baseBranch: async (name) => {
          asked.push(name);
          return 'devel-tip';
        },
      }),
    );
    expect(asked).toEqual(['devel']);
    expect(result.rules.origin).toBe('base');
    expect(result.config.paths.base_branch).toBe('meta/base_branch');
  });

  it('says so when no default branch is known and only its own rules call the branch a base branch', async () => {
    const own = { ...tailsTree({ main: FROZEN }), 'config/base_branch': 'feature/1234-foo\n', [RULES]: PROMOTING };
    const reader = new MemoryReader({ before: own, head: own });
    const unlanded = input(reader, {});
    delete unlanded.landed;
    const result = await evaluate(unlanded);
    expect(result.rules.origin).toBe('defaults');
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({
        rule: 'base-state',
        severity: 'notice',
        message: expect.stringContaining("the repository's default branch was not found"),
      }),
    );
  });
});

describe('where the rules of a base branch come from', () => {
  it('from the commit before the push; the default branch itself only from there', async () => {
    const reader = new MemoryReader({
      before: tailsTree(),
      head: { ...tailsTree({ main: FROZEN }), [RULES]: 'branches:\n  development: []\n' },
    });
    const result = await evaluate(input(reader, { branch: 'devel', landed: { branch: 'devel', rev: 'head' } }));
    expect(result.rules.origin).toBe('before');
    expect(result.verdict.conclusion).toBe('failure');
    expect(reader.reads.map((r) => r.rev)).not.toContain('devel-tip');
  });

  it("from the commit's first parent when nothing says what came before (a branch judged on request)", async () => {
    const reader = new MemoryReader(
      {
        parent: { ...tailsTree(), [RULES]: 'branches:\n  development: []\n' },
        head: { ...tailsTree({ main: FROZEN }), [RULES]: 'branches:\n  development: [devel]\n' },
      },
      { head: 'parent' },
    );
    const result = await evaluate(
      input(reader, {
        branch: 'devel',
        rules: { kind: 'before-change', label: 'before' },
        beforeRev: undefined,
        landed: { branch: 'devel', rev: 'head' },
      }),
    );
    expect(result.rules).toMatchObject({ origin: 'parent', rev: '1'.repeat(40) });
    expect(result.verdict.conclusion).toBe('success');
  });

  it('compares a force-pushed base branch with before, not a force-pushed topic branch', async () => {
    const trees = {
      before: tailsTree({ baseBranch: 'stable', main: FROZEN }),
      head: tailsTree({ baseBranch: 'stable', main: { ...FROZEN, debian: '2021050101' } }),
      'devel-tip': tailsTree(),
    };
    const base = await evaluate(input(new MemoryReader(trees), { branch: 'stable', beforeRewritten: true }));
    expect(base.before?.commit.subject).toBe('before');
    expect(errorsOn(base.verdict.findings)).toContain(DEBIAN);
    const topic = await evaluate(
      input(new MemoryReader(trees), { beforeRewritten: true, baseBranch: async () => undefined }),
    );
    expect(topic.before).toBeUndefined();
  });
});

describe('a pull request', () => {
  it('is compared with its base whatever its head is called, and findings name the base as given', async () => {
    const reader = new MemoryReader({
      head: tailsTree({ baseBranch: 'stable', main: { ...FROZEN, debian: '2021010101' } }),
      'base-sha': tailsTree({ baseBranch: 'stable', main: FROZEN }),
    });
    const result = await evaluate(
      input(reader, {
        branch: 'stable',
        rules: { kind: 'pull-request-base', rev: 'base-sha' },
        beforeRev: undefined,
        baseRev: 'base-sha',
        baseName: 'stable',
        compareWithBase: true,
      }),
    );
    expect(result.base?.branch).toBe('stable');
    expect(result.verdict.findings).toContainEqual(
      expect.objectContaining({
        rule: 'serial-regression',
        path: DEBIAN,
        message: expect.stringContaining('on its base branch stable'),
      }),
    );
  });

  it('names the base it was compared with, not the one config/base_branch names', async () => {
    const reader = new MemoryReader({
      head: tailsTree({ baseBranch: 'devel', main: { ...FROZEN, debian: '2021010101' } }),
      upstream: tailsTree({ baseBranch: 'stable', main: FROZEN }),
      'devel-tip': tailsTree(),
    });
    const result = await evaluate(
      input(reader, {
        rules: { kind: 'before-change', label: 'parent' },
        beforeRev: undefined,
        baseRev: 'upstream',
        baseName: 'upstream/stable',
      }),
    );
    expect(result.base?.branch).toBe('upstream/stable');
    expect(result.verdict.findings.find((f) => f.rule === 'serial-regression')?.message).toContain('upstream/stable');
  });
});
