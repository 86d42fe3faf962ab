import { PrefetchingReader, specCovers, type BatchRefReader } from '../../src/app/prefetching-reader.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { readSpec } from '../../src/domain/state.js';
import type { ReadSpec, RefSnapshot } from '../../src/domain/tree.js';
import { ReadError } from '../../src/errors.js';
import type { KnownCheckRuns } from '../../src/ports/forge.js';
import type { SettledRead } from '../../src/ports/ref-reader.js';
import { fakeSnapshot, tailsTree } from '../helpers/snapshot.js';

const WITH_CHANGELOG = readSpec(defaultConfig(), { changelog: true });
const WITHOUT = readSpec(defaultConfig(), { changelog: false });

const RUNS: KnownCheckRuns = {
  sha: 'after'.padEnd(40, '0'),
  runs: new Map([['APT snapshots', { id: 7, externalId: null, annotationsCount: 0 }]]),
};

class CountingReader implements BatchRefReader {
  readonly calls: string[][] = [];
  /** The revision whose check runs each call asked for, or null. */
  readonly checkRunsOf: (string | null)[] = [];
  constructor(
    private readonly fail = false,
    /** null: the reader cannot tell. */
    private readonly checkRuns: KnownCheckRuns | null = RUNS,
    /** Revisions that do not exist. */
    private readonly missing: string[] = [],
  ) {}
  async read(rev: string): Promise<RefSnapshot> {
    const [result] = (await this.readSettled([rev])).results;
    if (!result) throw new Error('no result');
    if (!result.ok) throw result.error;
    return result.snapshot;
  }
  async readSettled(
    revs: string[],
    _spec?: ReadSpec,
    checkRunsOf?: string,
  ): Promise<{ results: SettledRead[]; checkRuns?: KnownCheckRuns }> {
    this.calls.push(revs);
    this.checkRunsOf.push(checkRunsOf ?? null);
    if (this.fail) throw new ReadError(`cannot read ${revs.join(', ')}`);
    const results = revs.map((rev): SettledRead =>
      this.missing.includes(rev)
        ? { ok: false, error: new ReadError(`revision "${rev}" does not exist`) }
        : { ok: true, snapshot: fakeSnapshot(tailsTree(), { sha: rev.padEnd(40, '0').slice(0, 40), subject: rev }) },
    );
    return { results, ...(checkRunsOf !== undefined && this.checkRuns ? { checkRuns: this.checkRuns } : {}) };
  }
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

describe('PrefetchingReader', () => {
  it('reads the whole batch at the first read of any of it, then serves covered reads from memory', async () => {
    const inner = new CountingReader();
    const reader = new PrefetchingReader(inner, ['after', 'before', 'after']);
    const after = await reader.read('after', WITH_CHANGELOG);
    const before = await reader.read('before', WITHOUT);
    const again = await reader.read('after', WITHOUT);
    expect(inner.calls).toEqual([['after', 'before']]);
    expect([after.commit.subject, before.commit.subject]).toEqual(['after', 'before']);
    expect(again).toBe(after);
  });

  it('reads outside the batch, or beyond what was read, one at a time', async () => {
    const inner = new CountingReader();
    const reader = new PrefetchingReader(inner, ['after']);
    await reader.read('after', WITHOUT);
    await reader.read('refs/heads/testing', WITHOUT);
    await reader.read('after', WITH_CHANGELOG);
    expect(inner.calls).toEqual([['after'], ['refs/heads/testing'], ['after']]);
  });

  it('fails only the revision of a batch that does not exist', async () => {
    const inner = new CountingReader(false, RUNS, ['refs/heads/stable']);
    const reader = new PrefetchingReader(inner, ['after', 'refs/heads/stable', 'refs/heads/devel']);
    await expect(reader.read('refs/heads/stable', WITHOUT)).rejects.toThrow('"refs/heads/stable" does not exist');
    await expect(reader.read('after', WITHOUT)).resolves.toMatchObject({ commit: { subject: 'after' } });
    await expect(reader.read('refs/heads/devel', WITHOUT)).resolves.toMatchObject({
      commit: { subject: 'refs/heads/devel' },
    });
    expect(inner.calls).toHaveLength(1);
  });

  it('fails every read of a failed batch, without unhandled rejections for the others', async () => {
    const reader = new PrefetchingReader(new CountingReader(true), ['after', 'before']);
    await expect(reader.read('after', WITHOUT)).rejects.toThrow('cannot read after, before');
    await expect(reader.read('before', WITHOUT)).rejects.toThrow('cannot read after, before');
  });

  it('brings the check runs of `checkRunsOf` with the batch, in the same read', async () => {
    const inner = new CountingReader();
    const reader = new PrefetchingReader(inner, ['after', 'before'], { checkRunsOf: 'after' });
    await reader.read('before', WITHOUT);
    await reader.read('after', WITHOUT);
    await reader.read('refs/heads/testing', WITHOUT);
    expect(inner.calls).toEqual([['after', 'before'], ['refs/heads/testing']]);
    expect(inner.checkRunsOf).toEqual(['after', null]);
    await expect(reader.checkRuns()).resolves.toBe(RUNS);
  });

  it.each([
    ['none were asked for', new CountingReader(), {}],
    ['the reader could not tell', new CountingReader(false, null), { checkRunsOf: 'after' }],
    ['the batch failed', new CountingReader(true), { checkRunsOf: 'after' }],
    ['the revision is not in the batch', new CountingReader(), { checkRunsOf: 'elsewhere' }],
  ])('knows no check runs when %s', async (_name, inner, options) => {
    const reader = new PrefetchingReader(inner, ['after'], options);
    await reader.read('after', WITHOUT).catch(() => undefined);
    await expect(reader.checkRuns()).resolves.toBeUndefined();
  });

  it('knows no check runs before the batch is read', async () => {
    const reader = new PrefetchingReader(new CountingReader(), ['after'], { checkRunsOf: 'after' });
    await expect(reader.checkRuns()).resolves.toBeUndefined();
  });
});
