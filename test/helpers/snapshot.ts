import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import { interpretRef, type RefState } from '../../src/domain/state.js';
import type { CommitInfo, RawEntry, RefSnapshot } from '../../src/domain/tree.js';

/** A file's content, or a special entry. */
export type FakeEntry =
  string | Buffer | { executable: string | Buffer } | { symlink: string } | { submodule: true } | { tooLarge: number };

export const FAKE_COMMIT: CommitInfo = {
  sha: '1111111111111111111111111111111111111111',
  parents: [],
  date: new Date('2021-05-13T08:00:00Z'),
  subject: 'test commit',
};

/**
 * Builds what a reader would return for a tree holding `files`; parent
 * directories are implied. An empty directory is written as `dir/` => ''.
 */
export function fakeSnapshot(files: Record<string, FakeEntry>, commit: Partial<CommitInfo> = {}): RefSnapshot {
  const entries = new Map<string, RawEntry>();
  const dirs = new Map<string, Set<string>>();
  const addToDir = (path: string) => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      const dir = parts.slice(0, i).join('/');
      const names = dirs.get(dir) ?? new Set<string>();
      names.add(parts[i] as string);
      dirs.set(dir, names);
    }
  };
  for (const [rawPath, value] of Object.entries(files)) {
    if (rawPath.endsWith('/')) {
      const dir = rawPath.slice(0, -1);
      if (!dirs.has(dir)) dirs.set(dir, new Set());
      addToDir(dir);
      continue;
    }
    addToDir(rawPath);
    if (typeof value === 'string' || Buffer.isBuffer(value)) {
      const content = typeof value === 'string' ? Buffer.from(value) : value;
      entries.set(rawPath, { type: 'file', size: content.length, executable: false, content });
    } else if ('executable' in value) {
      const content = typeof value.executable === 'string' ? Buffer.from(value.executable) : value.executable;
      entries.set(rawPath, { type: 'file', size: content.length, executable: true, content });
    } else if ('symlink' in value) {
      entries.set(rawPath, { type: 'symlink', target: value.symlink });
    } else if ('submodule' in value) {
      entries.set(rawPath, { type: 'submodule' });
    } else {
      entries.set(rawPath, { type: 'file', size: value.tooLarge, executable: false });
    }
  }
  for (const [dir, names] of dirs) {
    if (!entries.has(dir)) entries.set(dir, { type: 'dir', names: [...names].sort() });
  }
  return { commit: { ...FAKE_COMMIT, ...commit }, entries };
}

export function fakeState(
  files: Record<string, FakeEntry>,
  config: Config = defaultConfig(),
  commit: Partial<CommitInfo> = {},
): RefState {
  return interpretRef(fakeSnapshot(files, commit), config);
}

const MAIN = 'config/APT_snapshots.d';
const BUILDER = 'vagrant/definitions/tails-builder/config/APT_snapshots.d';

export interface TailsTreeOptions {
  baseBranch?: string;
  main?: Record<string, string>;
  builder?: Record<string, string>;
  changelog?: string;
  overlays?: string[];
  preferences?: string;
}

/** A Tails-shaped tree; serial values are written with a trailing newline. */
export function tailsTree(options: TailsTreeOptions = {}): Record<string, FakeEntry> {
  const files: Record<string, FakeEntry> = {
    'config/base_branch': `${options.baseBranch ?? 'devel'}\n`,
    'debian/changelog':
      options.changelog ??
      'tails (4.19~rc1) UNRELEASED; urgency=medium\n\n  * Dummy entry.\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n',
    'config/APT_overlays.d/.placeholder': '',
    'config/chroot_apt/preferences':
      options.preferences ?? 'Package: firefox\nPin: release o=Debian\nPin-Priority: 999\n',
    [`${MAIN}/.placeholder`]: '',
    [`${BUILDER}/.placeholder`]: '',
  };
  const main = options.main ?? { debian: 'latest', 'debian-security': 'latest', torproject: 'latest' };
  for (const [origin, serial] of Object.entries(main)) files[`${MAIN}/${origin}/serial`] = `${serial}\n`;
  const builder = options.builder ?? { debian: '2021042702', 'debian-security': '2021042702', tails: '2021050302' };
  for (const [origin, serial] of Object.entries(builder)) files[`${BUILDER}/${origin}/serial`] = `${serial}\n`;
  for (const name of options.overlays ?? [])
    files[`config/APT_overlays.d/${name}`] = 'deb http://example.org/ foo main\n';
  return files;
}

export const PATHS = { MAIN, BUILDER } as const;
