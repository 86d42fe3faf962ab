import pino from 'pino';
import { BatchedView, specCovers } from '../../src/adapters/batched-view.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { interpretRef, readSpec } from '../../src/domain/state.js';
import type { ReadSpec, RefSnapshot } from '../../src/domain/tree.js';
import { MissingRevisionError, ReadError } from '../../src/errors.js';
import { ForgeError } from '../../src/ports/forge-error.js';
import type { BatchRefReader, SettledRead } from '../../src/ports/ref-reader.js';
import type { ForkQuestion } from '../../src/ports/repository.js';
import { fakeSnapshot, tailsTree } from '../helpers/snapshot.js';

const WITH_CHANGELOG = readSpec(defaultConfig(), { changelog: true });
const WITHOUT = readSpec(defaultConfig(), { changelog: false });

class CountingReader implements BatchRefReader {
  readonly calls: string[][] = [];
  constructor(
    private readonly fail = false,
    /** Revisions that do not exist. */
    private readonly missing: string[] = [],
  ) {}
  async read(rev: string): Promise<RefSnapshot> {
    const [result] = (await this.readSettled([rev])).results;
    if (!result) throw new Error('no result');
    if (!result.ok) throw result.error;
    return result.snapshot;
  }
  async readSettled(revs: string[]): Promise<{ results: SettledRead[] }> {
    this.calls.push(revs);
    if (this.fail) throw new ReadError(`cannot read ${revs.join(', ')}`);
    const results = revs.map((rev): SettledRead =>
      this.missing.includes(rev)
        ? { ok: false, error: new MissingRevisionError(`revision "${rev}" does not exist`) }
        : { ok: true, snapshot: fakeSnapshot(tailsTree(), { sha: rev.padEnd(40, '0').slice(0, 40), subject: rev }) },
    );
    return { results };
  }
}

interface Logged {
  level: number;
  msg: string;
  base?: string;
  err?: { message: string };
}

function view(
  inner: BatchRefReader,
  batch: string[],
  mergeBase: (base: string, head: string) => Promise<string> = () => Promise.reject(new Error('not asked')),
): { view: BatchedView; logged: Logged[] } {
  const logged: Logged[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line) as Logged) });
  return {
    view: new BatchedView(inner, { batch, mergeBase, log: log, repository: 'tails/tails' }),
    logged,
  };
}

describe('specCovers', () => {
  it.each([
    ['the same spec', WITHOUT, WITHOUT, true],
    ['a spec with more files', WITH_CHANGELOG, WITHOUT, true],
    ['a spec without a file asked', WITHOUT, WITH_CHANGELOG, false],
    [
      'a smaller byte limit',
      { files: [{ path: 'a', maxBytes: 10 }], dirs: [] },
      { files: [{ path: 'a', maxBytes: 11 }], dirs: [] },
      false,
    ],
    [
      'a shallower directory',
      { files: [], dirs: [{ path: 'd', depth: 1, maxBytes: 9 }] },
      { files: [], dirs: [{ path: 'd', depth: 2, maxBytes: 9 }] },
      false,
    ],
    [
      'a deeper directory',
      { files: [], dirs: [{ path: 'd', depth: 2, maxBytes: 9 }] },
      { files: [], dirs: [{ path: 'd', depth: 1, maxBytes: 9 }] },
      true,
    ],
  ] as [string, ReadSpec, ReadSpec, boolean][])('%s', (_name, have, want, covers) => {
    expect(specCovers(have, want)).toBe(covers);
  });
});

describe('BatchedView', () => {
  it('reads the whole batch at the first read of any of it, then serves covered reads from memory', async () => {
    const inner = new CountingReader();
    const { view: reader } = view(inner, ['after', 'before', 'after']);
    const after = await reader.read('after', WITH_CHANGELOG);
    const before = await reader.read('before', WITHOUT);
    const again = await reader.read('after', WITHOUT);
    expect(inner.calls).toEqual([['after', 'before']]);
    expect([after.commit.subject, before.commit.subject]).toEqual(['after', 'before']);
    expect(again).toBe(after);
  });

  it('reads outside the batch, or beyond what was read, one at a time', async () => {
    const inner = new CountingReader();
    const { view: reader } = view(inner, ['after']);
    await reader.read('after', WITHOUT);
    await reader.read('refs/heads/testing', WITHOUT);
    await reader.read('after', WITH_CHANGELOG);
    expect(inner.calls).toEqual([['after'], ['refs/heads/testing'], ['after']]);
  });

  it('fails only the revision of a batch that does not exist', async () => {
    const inner = new CountingReader(false, ['refs/heads/stable']);
    const { view: reader } = view(inner, ['after', 'refs/heads/stable', 'refs/heads/devel']);
    await expect(reader.read('refs/heads/stable', WITHOUT)).rejects.toThrow('"refs/heads/stable" does not exist');
    await expect(reader.read('after', WITHOUT)).resolves.toMatchObject({ commit: { subject: 'after' } });
    await expect(reader.read('refs/heads/devel', WITHOUT)).resolves.toMatchObject({
      commit: { subject: 'refs/heads/devel' },
    });
    expect(inner.calls).toHaveLength(1);
  });

  it('fails every read of a failed batch, without unhandled rejections for the others', async () => {
    const { view: reader } = view(new CountingReader(true), ['after', 'before']);
    await expect(reader.read('after', WITHOUT)).rejects.toThrow('cannot read after, before');
    await expect(reader.read('before', WITHOUT)).rejects.toThrow('cannot read after, before');
  });

  describe('branch', () => {
    it('finds a branch of the batch in what the batch read, so that reading it next costs nothing', async () => {
      const inner = new CountingReader(false, ['refs/heads/stable']);
      const { view: reader } = view(inner, ['after', 'refs/heads/devel', 'refs/heads/stable']);
      await reader.read('after', WITH_CHANGELOG);
      await expect(reader.branch('devel')).resolves.toBe('refs/heads/devel');
      await expect(reader.branch('stable')).resolves.toBeUndefined();
      await reader.read('refs/heads/devel', WITHOUT);
      expect(inner.calls).toEqual([['after', 'refs/heads/devel', 'refs/heads/stable']]);
    });

    it('reads a branch outside the batch as the batch was read, so that the read that follows is covered', async () => {
      const inner = new CountingReader();
      const { view: reader } = view(inner, ['after']);
      await reader.read('after', WITH_CHANGELOG);
      await expect(reader.branch('feature/x')).resolves.toBe('refs/heads/feature/x');
      await reader.read('refs/heads/feature/x', WITHOUT);
      expect(inner.calls).toEqual([['after'], ['refs/heads/feature/x']]);
    });

    it('reads a branch alone when asked before the batch, leaving the batch whole', async () => {
      const inner = new CountingReader();
      const { view: reader } = view(inner, ['after', 'refs/heads/devel']);
      await expect(reader.branch('devel')).resolves.toBe('refs/heads/devel');
      await reader.read('after', WITH_CHANGELOG);
      await reader.read('refs/heads/devel', WITHOUT);
      expect(inner.calls).toEqual([['refs/heads/devel'], ['after', 'refs/heads/devel']]);
    });

    it('takes a failed read for no answer, not for a missing branch', async () => {
      const { view: reader } = view(new CountingReader(true), ['after', 'refs/heads/devel']);
      await expect(reader.read('after', WITHOUT)).rejects.toThrow('cannot read');
      await expect(reader.branch('devel')).rejects.toThrow('cannot read after, refs/heads/devel');
    });

    it('lets a failure that is not a missing revision through', async () => {
      const inner: BatchRefReader = {
        read: () => Promise.reject(new Error('socket hang up')),
        readSettled: () => Promise.reject(new Error('socket hang up')),
      };
      await expect(view(inner, []).view.branch('devel')).rejects.toThrow('socket hang up');
    });
  });

  describe('mergeBase', () => {
    const head = fakeSnapshot(tailsTree({ main: { debian: '2021050101' } }), { sha: 'a'.repeat(40) });
    const base = fakeSnapshot(tailsTree(), { sha: 'b'.repeat(40) });
    const config = defaultConfig();
    const question = (same: boolean): ForkQuestion => ({
      base: 'refs/heads/testing',
      head: 'after',
      states: {
        head: interpretRef(same ? base : head, config),
        base: interpretRef(base, config),
      },
    });

    it('asks the forge by the branch name, as its compare takes it', async () => {
      const asked: string[] = [];
      const { view: reader } = view(new CountingReader(), [], async (b, h) => {
        asked.push(`${b}...${h}`);
        return 'f'.repeat(40);
      });
      await expect(reader.mergeBase(question(false))).resolves.toBe('f'.repeat(40));
      expect(asked).toEqual(['testing...after']);
    });

    it('does not ask when the head and the base pin the same serials and rules', async () => {
      const { view: reader } = view(new CountingReader(), []);
      await expect(reader.mergeBase(question(true))).resolves.toBeUndefined();
    });

    it('answers none, logged as information, when the histories share no commit', async () => {
      const noMergeBase = new ForgeError('no merge base', 'find the merge base', 'GET /compare', {
        forge: 'GitHub',
        status: 404,
      });
      const { view: reader, logged } = view(new CountingReader(), [], () => Promise.reject(noMergeBase));
      await expect(reader.mergeBase(question(false))).resolves.toBeUndefined();
      expect(logged).toEqual([
        expect.objectContaining({ level: 30, msg: 'no fork point; judging against the base alone', base: 'testing' }),
      ]);
    });

    it('answers none, with a warning naming the error, when the forge fails', async () => {
      const { view: reader, logged } = view(new CountingReader(), [], () =>
        Promise.reject(new Error('502 Bad Gateway')),
      );
      await expect(reader.mergeBase(question(false))).resolves.toBeUndefined();
      expect(logged).toEqual([
        expect.objectContaining({ level: 40, err: expect.objectContaining({ message: '502 Bad Gateway' }) }),
      ]);
    });
  });
});
