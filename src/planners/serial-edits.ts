import { formatSerialValue, type SerialValue } from '../domain/serial.js';
import { describeFileRead, type FileRead, type OriginState, type SnapshotSetState } from '../domain/state.js';
import type { Edit } from './types.js';

/** What a planner decided for one origin of one set. */
export interface SerialChange {
  set: string;
  origin: string;
  /** The serial file, e.g. config/APT_snapshots.d/debian/serial. */
  path: string;
  /** What the file says now: a serial, `latest`, or a word for a broken file. */
  before: string;
  after: string;
  /** Set when the file was not a valid serial file: why it had to be rewritten. */
  repair?: string;
  /** Absent when the file already holds `after`. */
  edit?: Edit;
}

/**
 * `latest` and `latest\n` are the same to Tails' scripts, which read the
 * file with `$(cat …)` (command substitution strips trailing newlines):
 * rewriting one into the other would only add noise to the diff.
 */
function holdsExactly(file: FileRead, value: string): boolean {
  return file.kind === 'text' && (file.text === value || file.text === `${value}\n`);
}

const BROKEN_WORD: Record<Exclude<FileRead['kind'], 'text'>, string> = {
  missing: 'missing',
  binary: 'binary',
  'too-large': 'too large',
  symlink: 'symlink',
  dir: 'directory',
  submodule: 'submodule',
};

function describeBefore(origin: OriginState): string {
  if (origin.value) return formatSerialValue(origin.value);
  return origin.file.kind === 'text' ? 'invalid' : BROKEN_WORD[origin.file.kind];
}

function describeRepair(origin: OriginState): string | undefined {
  const { file } = origin;
  if (file.kind !== 'text') return `${origin.path} ${describeFileRead(file)}`;
  if (origin.syntaxError !== undefined) return `${origin.path} ${origin.syntaxError}`;
  return undefined;
}

/**
 * Decides the edit that makes one origin's serial file hold `target`,
 * written as Tails' scripts write it: the value and a newline. A broken
 * file (symlink, directory, binary, missing, invalid) is replaced by a
 * regular file at the same path, which repairs it.
 */
export function planOriginSerial(set: SnapshotSetState, origin: OriginState, target: SerialValue): SerialChange {
  const after = formatSerialValue(target);
  const change: SerialChange = {
    set: set.config.name,
    origin: origin.origin,
    path: origin.path,
    before: describeBefore(origin),
    after,
  };
  const repair = describeRepair(origin);
  if (repair !== undefined) change.repair = repair;
  if (!holdsExactly(origin.file, after)) change.edit = { path: origin.path, content: `${after}\n` };
  return change;
}

/** A planner cannot invent the origins of a set that is not there. */
export function setProblem(set: SnapshotSetState): string | undefined {
  if (set.presence === 'dir') return undefined;
  const what = set.presence === 'missing' ? 'is missing' : 'is not a directory';
  return `snapshot set "${set.config.name}": ${set.config.dir} ${what}, so its origins are unknown`;
}

/** Edits in a stable order, so the same state always gives the same plan. */
export function sortedEdits(edits: Iterable<Edit>): Edit[] {
  return [...edits].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function editsOf(changes: readonly SerialChange[]): Edit[] {
  return changes.flatMap((c) => (c.edit ? [c.edit] : []));
}

/**
 * Text from the repository (origin names, symlink targets) inside a table
 * cell or list item: control characters shown escaped, and the characters
 * that would end a cell or start markup or HTML escaped.
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\\|`<>[\]]/g, (c) => `\\${c}`)
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `### name (dir)` then a table of the set's origins. */
export function renderSetTable(
  set: SnapshotSetState,
  changes: readonly SerialChange[],
  headings: readonly [string, string, string],
): string[] {
  const rows = changes.filter((c) => c.set === set.config.name);
  return [
    `### ${markdownText(set.config.name)} (\`${set.config.dir}\`)`,
    '',
    `| ${headings.join(' | ')} |`,
    '| --- | --- | --- |',
    ...rows.map((c) => `| ${markdownText(c.origin)} | ${markdownText(c.before)} | ${markdownText(c.after)} |`),
    '',
  ];
}

/** The broken serial files a plan rewrites, or nothing. */
export function renderRepairs(changes: readonly SerialChange[]): string[] {
  const repaired = changes.filter((c) => c.repair !== undefined && c.edit);
  if (repaired.length === 0) return [];
  return [
    '## Repaired serial files',
    '',
    'These files were not valid serial files; the plan replaces each with a regular file holding one line:',
    '',
    ...repaired.map((c) => `- ${markdownText(c.repair as string)}: now \`${c.after}\``),
    '',
  ];
}
