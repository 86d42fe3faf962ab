import { defaultConfig } from '../../src/config/defaults.js';
import { readSpec } from '../../src/domain/state.js';
import type { CommitInfo, RawEntry, ReadSpec } from '../../src/domain/tree.js';
import { MissingRevisionError } from '../../src/errors.js';
import type { RefReader } from '../../src/ports/ref-reader.js';
import { PATHS, fakeSnapshot, tailsTree, type FakeEntry } from '../helpers/snapshot.js';

/**
 * The contract every RefReader (local Git, GitHub) must keep: for the same
 * tree, it returns what the in-memory reference `fakeSnapshot` holds, cut
 * down to what the spec asks for.
 */
export interface ReaderUnderTest {
  reader: RefReader;
  /** The revision that holds the files. */
  rev: string;
  /** What the reader must report about that revision's commit. */
  commit: CommitInfo;
  cleanup(): Promise<void>;
}

export type MakeReader = (files: Record<string, FakeEntry>) => Promise<ReaderUnderTest>;

const { MAIN, BUILDER } = PATHS;

/**
 * What a reader returns for `spec` from a tree whose every entry is `all`:
 * each requested path that exists, every entry below a requested directory
 * down to its depth, and a file's content only when it fits the largest limit
 * that applies to it.
 */
export function selectEntries(all: ReadonlyMap<string, RawEntry>, spec: ReadSpec): Map<string, RawEntry> {
  const limits = new Map<string, number>();
  const want = (path: string, maxBytes: number) => limits.set(path, Math.max(maxBytes, limits.get(path) ?? 0));
  for (const file of spec.files) if (all.has(file.path)) want(file.path, file.maxBytes);
  for (const dir of spec.dirs) {
    const entry = all.get(dir.path);
    if (!entry) continue;
    want(dir.path, dir.maxBytes);
    if (entry.type !== 'dir') continue;
    for (const path of all.keys()) {
      if (path.startsWith(`${dir.path}/`) && path.slice(dir.path.length + 1).split('/').length <= dir.depth)
        want(path, dir.maxBytes);
    }
  }
  const selected = new Map<string, RawEntry>();
  for (const [path, maxBytes] of limits) {
    const entry = all.get(path) as RawEntry;
    if (entry.type === 'file' && entry.content && entry.size > maxBytes) {
      selected.set(path, { type: 'file', size: entry.size, executable: entry.executable });
    } else selected.set(path, entry);
  }
  return selected;
}

function without(files: Record<string, FakeEntry>, ...prefixes: string[]): Record<string, FakeEntry> {
  return Object.fromEntries(
    Object.entries(files).filter(([path]) => !prefixes.some((p) => path === p || path.startsWith(`${p}/`))),
  );
}

const FREEZE_EXCEPTION = [
  'Package: tor',
  'Explanation: freeze exception (#18334)',
  'Pin: origin deb.tails.boum.org',
  'Pin-Priority: 999',
  '',
].join('\n');

export const CONTRACT_TREES: Record<string, Record<string, FakeEntry>> = {
  'a thawed Tails tree': tailsTree(),
  'a frozen Tails tree with overlays and a freeze exception': tailsTree({
    baseBranch: 'testing',
    main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051302' },
    overlays: ['bugfix-18334-tor.list', 'feature-foo.list'],
    preferences: FREEZE_EXCEPTION,
  }),
  'a serial that is a symlink': { ...tailsTree(), [`${MAIN}/debian/serial`]: { symlink: '../torproject/serial' } },
  'a serial that is a directory': {
    ...without(tailsTree(), `${MAIN}/debian/serial`),
    [`${MAIN}/debian/serial/inner`]: '2021051301\n',
    [`${MAIN}/debian/serial/deeper/still`]: 'latest\n',
  },
  'a binary serial': { ...tailsTree(), [`${MAIN}/debian/serial`]: Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x0d, 0x20]) },
  'a serial over the limit': { ...tailsTree(), [`${MAIN}/debian/serial`]: { tooLarge: 5000 } },
  'a serial exactly at the limit': { ...tailsTree(), [`${MAIN}/debian/serial`]: `${'1'.repeat(1023)}\n` },
  'an executable serial': { ...tailsTree(), [`${BUILDER}/tails/serial`]: { executable: '2021050302\n' } },
  'a serial that is a submodule': { ...tailsTree(), [`${MAIN}/torproject/serial`]: { submodule: true } },
  'an empty serial and one without a final newline': {
    ...tailsTree(),
    [`${MAIN}/debian/serial`]: '',
    [`${MAIN}/torproject/serial`]: '2021051301',
  },
  'a missing builder set': without(tailsTree(), BUILDER),
  'no files of interest at all': { 'README.md': 'nothing here\n' },
  'nested directories below the sets and overlays': {
    ...tailsTree(),
    [`${MAIN}/debian/extra/deep/file`]: 'x\n',
    [`${MAIN}/stray-file`]: 'not an origin\n',
    'config/APT_overlays.d/sub/dir/inner.list': 'deb http://example.org/ foo main\n',
    [`${BUILDER}/debian/notes/README`]: 'notes\n',
  },
  'a set that is a file and a base_branch that is a directory': {
    ...without(tailsTree(), MAIN, 'config/base_branch'),
    [MAIN]: 'not a directory\n',
    'config/base_branch/devel': 'devel\n',
  },
  'origin names with spaces and non-ASCII letters': { ...tailsTree(), [`${MAIN}/wéird origin/serial`]: 'latest\n' },
  'serial files with a byte-order mark, a carriage return and a no-break space': {
    ...tailsTree(),
    [`${MAIN}/debian/serial`]: '\uFEFFlatest\n',
    [`${MAIN}/torproject/serial`]: 'latest\r\n',
    [`${MAIN}/debian-security/serial`]: 'latest\u00A0\n',
  },
};

/** Specs that exercise limits, depths, overlaps, missing paths and requests for the wrong kind of entry. */
export const CONTRACT_SPECS: Record<string, ReadSpec> = {
  'readSpec(defaultConfig())': readSpec(defaultConfig()),
  'readSpec(defaultConfig(), { changelog: false })': readSpec(defaultConfig(), { changelog: false }),
  'limits, depths and overlaps': {
    files: [
      { path: 'config', maxBytes: 10 },
      { path: 'no/such/file', maxBytes: 10 },
      { path: `${MAIN}/debian/serial`, maxBytes: 3 },
      { path: `${MAIN}/.placeholder`, maxBytes: 10 },
      { path: 'debian/changelog', maxBytes: 1 },
    ],
    dirs: [
      { path: MAIN, depth: 1, maxBytes: 0 },
      { path: BUILDER, depth: 2, maxBytes: 11 },
      { path: 'config/base_branch', depth: 2, maxBytes: 100 },
      { path: 'config/APT_overlays.d', depth: 2, maxBytes: 1000 },
      { path: 'no/such/dir', depth: 1, maxBytes: 10 },
    ],
  },
};

export function describeRefReaderContract(name: string, makeReader: MakeReader): void {
  describe(`RefReader contract: ${name}`, () => {
    describe.each(Object.entries(CONTRACT_TREES))('%s', (_tree, files) => {
      let subject: ReaderUnderTest;
      beforeAll(async () => {
        subject = await makeReader(files);
      });
      afterAll(async () => {
        await subject?.cleanup();
      });

      it.each(Object.entries(CONTRACT_SPECS))('reads what the reference holds under %s', async (_spec, spec) => {
        const snapshot = await subject.reader.read(subject.rev, spec);
        expect(snapshot.entries).toEqual(selectEntries(fakeSnapshot(files).entries, spec));
        expect(snapshot.commit).toEqual(subject.commit);
      });
    });

    it('rejects a revision that does not exist with a MissingRevisionError naming it', async () => {
      const subject = await makeReader(tailsTree());
      try {
        const read = subject.reader.read('no-such-branch', readSpec(defaultConfig()));
        await expect(read).rejects.toBeInstanceOf(MissingRevisionError);
        await expect(read).rejects.toThrow('no-such-branch');
      } finally {
        await subject.cleanup();
      }
    });
  });
}
