import { defaultConfig } from '../../src/config/defaults.js';
import { interpretRef, readSpec } from '../../src/domain/state.js';
import type { ReadPlan, RepositoryView } from '../../src/ports/repository.js';
import { PATHS, tailsTree, type FakeEntry } from '../helpers/snapshot.js';

/**
 * The history every Repository is held to: devel forked at `fork` and
 * moved on; feature/x forked there too and changed a serial; orphan shares
 * no commit with either.
 */
export const CONTRACT_HISTORY = {
  fork: tailsTree(),
  devel: { ...tailsTree(), 'README.md': 'devel moved on\n' },
  head: tailsTree({ main: { debian: '2021050101' } }),
  orphan: tailsTree({ main: { debian: '2020010101' } }),
} satisfies Record<string, Record<string, FakeEntry>>;

export type ContractCommit = keyof typeof CONTRACT_HISTORY;

/** What each commit's parents are: devel and head on fork; fork and orphan are roots. */
export const CONTRACT_PARENTS: Record<ContractCommit, ContractCommit[]> = {
  fork: [],
  devel: ['fork'],
  head: ['fork'],
  orphan: [],
};

/** The branches: devel, feature/x and orphan at their tips. */
export const CONTRACT_BRANCHES: Record<string, ContractCommit> = {
  devel: 'devel',
  'feature/x': 'head',
  orphan: 'orphan',
};

export interface RepositoryUnderTest {
  open(plan: ReadPlan): RepositoryView;
  /** Each commit's sha. */
  shas: Record<ContractCommit, string>;
  cleanup(): Promise<void>;
}

export type MakeRepository = () => Promise<RepositoryUnderTest>;

const SPEC = readSpec(defaultConfig(), { changelog: false });

/**
 * The contract every Repository keeps, the local Git's, each forge's and
 * the in-memory one: revisions read by name or sha, a batch or not;
 * branches found; the fork point found, or none for unrelated histories.
 */
export function describeRepositoryContract(name: string, make: MakeRepository): void {
  describe(`Repository contract: ${name}`, () => {
    let made: RepositoryUnderTest;
    beforeEach(async () => {
      made = await make();
    });
    afterEach(async () => {
      await made.cleanup();
    });

    const statesOf = async (view: RepositoryView, head: string, base: string) => ({
      head: interpretRef(await view.read(head, SPEC), defaultConfig()),
      base: interpretRef(await view.read(base, SPEC), defaultConfig()),
    });

    it('reads the revisions of the batch and others, each as its commit', async () => {
      const { shas } = made;
      const view = made.open({ batch: [shas.head, 'refs/heads/devel'], checked: shas.head });
      const head = await view.read(shas.head, SPEC);
      expect(head.commit.sha).toBe(shas.head);
      expect(head.entries.get(`${PATHS.MAIN}/debian/serial`)).toMatchObject({ type: 'file' });
      expect((await view.read('refs/heads/devel', SPEC)).commit.sha).toBe(shas.devel);
      expect((await view.read(shas.fork, SPEC)).commit).toMatchObject({ sha: shas.fork, parents: [] });
    });

    it.each(Object.entries(CONTRACT_BRANCHES))('finds branch %s at its tip', async (branch, commit) => {
      const view = made.open({ batch: [] });
      const rev = await view.branch(branch);
      expect(rev).toBeDefined();
      expect((await view.read(rev as string, SPEC)).commit.sha).toBe(made.shas[commit]);
    });

    it('finds no branch that does not exist, nor one a name only starts', async () => {
      const view = made.open({ batch: ['refs/heads/devel'] });
      await expect(view.branch('no/such-branch')).resolves.toBeUndefined();
      await expect(view.branch('dev')).resolves.toBeUndefined();
    });

    it('finds where the head forked from the base, by branch and by sha', async () => {
      const { shas } = made;
      const view = made.open({ batch: [shas.head, 'refs/heads/devel'] });
      const base = (await view.branch('devel')) as string;
      const states = await statesOf(view, shas.head, base);
      await expect(view.mergeBase({ base, head: shas.head, states })).resolves.toBe(shas.fork);
      await expect(view.mergeBase({ base: shas.devel, head: shas.head, states })).resolves.toBe(shas.fork);
    });

    it('finds no fork point for histories that share no commit', async () => {
      const { shas } = made;
      const view = made.open({ batch: [] });
      const base = (await view.branch('orphan')) as string;
      const states = await statesOf(view, shas.head, base);
      await expect(view.mergeBase({ base, head: shas.head, states })).resolves.toBeUndefined();
    });
  });
}
