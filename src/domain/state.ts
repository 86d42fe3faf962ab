import type { Config, SnapshotSetConfig } from '../config/schema.js';
import { REPO_CONFIG_PATH } from '../config/load.js';
import { freezeExceptions, parseAptPreferences, type AptStanza, type FreezeException } from './apt-preferences.js';
import { parseChangelogTop, type ChangelogEntry } from './changelog.js';
import { parseSerialFile, printable, type SerialValue } from './serial.js';
import { joinPath, type CommitInfo, type RawEntry, type ReadSpec, type RefSnapshot } from './tree.js';

/** A file as the rules see it: text, or why there is no usable text. */
export type FileRead =
  | { kind: 'missing' }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; size: number }
  | { kind: 'too-large'; size: number }
  | { kind: 'symlink'; target: string }
  | { kind: 'dir' }
  | { kind: 'submodule' };

export interface OriginState {
  origin: string;
  /** The origin's directory, e.g. config/APT_snapshots.d/debian. */
  dir: string;
  /** The serial file, e.g. config/APT_snapshots.d/debian/serial. */
  path: string;
  file: FileRead;
  /** Set when the file is text that parses. */
  value?: SerialValue;
  /** Set when the file is text that does not parse. */
  syntaxError?: string;
}

export interface SnapshotSetState {
  config: SnapshotSetConfig;
  /** `missing`: no such directory; `not-a-dir`: something else is at that path. */
  presence: 'dir' | 'missing' | 'not-a-dir';
  /** One per subdirectory of the set, sorted by origin. */
  origins: OriginState[];
  /** Entries at the set's root that are neither origins nor `.placeholder`. */
  strays: { path: string; kind: RawEntry['type'] }[];
}

export interface RefState {
  commit: CommitInfo;
  sets: SnapshotSetState[];
  baseBranch: { path: string; file: FileRead; name?: string; error?: string };
  changelog: { path: string; file: FileRead; entry?: ChangelogEntry; error?: string };
  overlays: { path: string; presence: 'dir' | 'missing' | 'not-a-dir'; entries: string[] };
  preferences: { path: string; file: FileRead; stanzas: AptStanza[]; freezeExceptions: FreezeException[] };
  /** The repository's `.github/apt-snapshots.yml` at this ref. */
  configFile: { path: string; file: FileRead };
}

export const LIMITS = {
  serialBytes: 1024,
  smallFileBytes: 4096,
  preferencesBytes: 1024 * 1024,
  changelogBytes: 16 * 1024 * 1024,
  configBytes: 64 * 1024,
} as const;

export const PLACEHOLDER = '.placeholder';

export interface ReadOptions {
  /** The changelog is large and only needed for freezes and releases. */
  changelog: boolean;
}

/** What to read of a ref to judge it under `config`. */
export function readSpec(config: Config, options: ReadOptions = { changelog: true }): ReadSpec {
  return {
    files: [
      { path: config.paths.base_branch, maxBytes: LIMITS.smallFileBytes },
      { path: config.paths.apt_preferences, maxBytes: LIMITS.preferencesBytes },
      { path: REPO_CONFIG_PATH, maxBytes: LIMITS.configBytes },
      ...(options.changelog ? [{ path: config.paths.changelog, maxBytes: LIMITS.changelogBytes }] : []),
    ],
    dirs: [
      { path: config.paths.overlays, depth: 1, maxBytes: 0 },
      ...config.snapshot_sets.map((set) => ({ path: set.dir, depth: 2 as const, maxBytes: LIMITS.serialBytes })),
    ],
  };
}

// ignoreBOM keeps a byte-order mark in the text, where the rules can see it (Tails' scripts would).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Readers hand out the same Buffer for the same blob, so walking history
// decodes and parses each version of a file once, not once per commit.
const decoded = new WeakMap<Buffer, FileRead>();
const parsedPreferences = new WeakMap<FileRead, AptStanza[]>();

function decode(content: Buffer, size: number): FileRead {
  const known = decoded.get(content);
  if (known) return known;
  let file: FileRead;
  if (content.includes(0)) file = { kind: 'binary', size };
  else {
    try {
      file = { kind: 'text', text: utf8.decode(content) };
    } catch {
      file = { kind: 'binary', size };
    }
  }
  decoded.set(content, file);
  return file;
}

function preferenceStanzas(file: FileRead): AptStanza[] {
  if (file.kind !== 'text') return [];
  const known = parsedPreferences.get(file);
  if (known) return known;
  const stanzas = parseAptPreferences(file.text);
  parsedPreferences.set(file, stanzas);
  return stanzas;
}

export function fileRead(entry: RawEntry | undefined): FileRead {
  if (!entry) return { kind: 'missing' };
  switch (entry.type) {
    case 'dir':
      return { kind: 'dir' };
    case 'symlink':
      return { kind: 'symlink', target: entry.target };
    case 'submodule':
      return { kind: 'submodule' };
    case 'file':
      return entry.content ? decode(entry.content, entry.size) : { kind: 'too-large', size: entry.size };
  }
}

/** Words for a file that is not usable text, for messages. */
export function describeFileRead(file: FileRead): string {
  switch (file.kind) {
    case 'missing':
      return 'is missing';
    case 'text':
      return 'is a text file';
    case 'binary':
      return `is binary (${file.size} bytes), not text`;
    case 'too-large':
      return `is ${file.size} bytes, far too large`;
    case 'symlink':
      return `is a symbolic link to "${printable(file.target)}", not a regular file`;
    case 'dir':
      return 'is a directory, not a file';
    case 'submodule':
      return 'is a Git submodule, not a file';
  }
}

function readSet(snapshot: RefSnapshot, set: SnapshotSetConfig): SnapshotSetState {
  const root = snapshot.entries.get(set.dir);
  if (!root) return { config: set, presence: 'missing', origins: [], strays: [] };
  if (root.type !== 'dir') return { config: set, presence: 'not-a-dir', origins: [], strays: [] };
  const origins: OriginState[] = [];
  const strays: SnapshotSetState['strays'] = [];
  for (const name of root.names) {
    const path = joinPath(set.dir, name);
    const entry = snapshot.entries.get(path);
    if (name === PLACEHOLDER && entry?.type === 'file') continue;
    if (entry?.type !== 'dir') {
      strays.push({ path, kind: entry?.type ?? 'file' });
      continue;
    }
    const serialPath = joinPath(path, 'serial');
    const file = fileRead(snapshot.entries.get(serialPath));
    const origin: OriginState = { origin: name, dir: path, path: serialPath, file };
    if (file.kind === 'text') {
      const parsed = parseSerialFile(file.text);
      if (parsed.ok) origin.value = parsed.value;
      else origin.syntaxError = parsed.error;
    }
    origins.push(origin);
  }
  origins.sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0));
  return { config: set, presence: 'dir', origins, strays };
}

function readBaseBranch(path: string, file: FileRead): RefState['baseBranch'] {
  if (file.kind !== 'text') return { path, file };
  const body = file.text.endsWith('\n') ? file.text.slice(0, -1) : file.text;
  if (body.includes('\n'))
    return {
      path,
      file,
      error: `has ${body.split('\n').length} lines; it must hold exactly one line, the base branch`,
    };
  if (body.trim() === '') return { path, file, error: 'is empty; it must name the base branch' };
  if (body.trim() !== body) return { path, file, error: `"${printable(body)}" has surrounding whitespace` };
  return { path, file, name: body };
}

/** Turns what a reader found into the plain state the rules judge. Pure. */
export function interpretRef(snapshot: RefSnapshot, config: Config): RefState {
  const get = (path: string) => fileRead(snapshot.entries.get(path));

  const changelogPath = config.paths.changelog;
  const changelogFile = get(changelogPath);
  const changelog: RefState['changelog'] = { path: changelogPath, file: changelogFile };
  if (changelogFile.kind === 'text') {
    const parsed = parseChangelogTop(changelogFile.text);
    if (parsed.ok) changelog.entry = parsed.value;
    else changelog.error = parsed.error;
  }

  const overlaysEntry = snapshot.entries.get(config.paths.overlays);
  const overlays: RefState['overlays'] = {
    path: config.paths.overlays,
    presence: !overlaysEntry ? 'missing' : overlaysEntry.type === 'dir' ? 'dir' : 'not-a-dir',
    entries: overlaysEntry?.type === 'dir' ? overlaysEntry.names.filter((n) => n !== PLACEHOLDER) : [],
  };

  const prefsFile = get(config.paths.apt_preferences);
  const stanzas = preferenceStanzas(prefsFile);

  return {
    commit: snapshot.commit,
    sets: config.snapshot_sets.map((set) => readSet(snapshot, set)),
    baseBranch: readBaseBranch(config.paths.base_branch, get(config.paths.base_branch)),
    changelog,
    overlays,
    preferences: {
      path: config.paths.apt_preferences,
      file: prefsFile,
      stanzas,
      freezeExceptions: freezeExceptions(stanzas, config.freeze_exception.explanation_prefix),
    },
    configFile: { path: REPO_CONFIG_PATH, file: get(REPO_CONFIG_PATH) },
  };
}

export function findSet(state: RefState, name: string): SnapshotSetState | undefined {
  return state.sets.find((s) => s.config.name === name);
}
