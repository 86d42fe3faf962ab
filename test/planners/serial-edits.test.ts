import { LATEST, type Serial, type SerialValue } from '../../src/domain/serial.js';
import type { RefState, SnapshotSetState } from '../../src/domain/state.js';
import {
  editsOf,
  markdownText,
  planOriginSerial,
  renderRepairs,
  renderSetTable,
  setProblem,
  sortedEdits,
} from '../../src/planners/serial-edits.js';
import { fakeState, PATHS, tailsTree, type FakeEntry } from '../helpers/snapshot.js';

const SERIAL: SerialValue = { kind: 'serial', serial: '2021051301' as Serial };
const DEBIAN = `${PATHS.MAIN}/debian/serial`;

function mainSet(state: RefState): SnapshotSetState {
  const set = state.sets.find((s) => s.config.name === 'main');
  if (!set) throw new Error('no main set');
  return set;
}

/** A Tails tree whose main/debian serial file is `entry` (or `extra` describes it). */
function stateWithDebian(entry: FakeEntry | undefined, extra: Record<string, FakeEntry> = {}): RefState {
  const files = tailsTree();
  delete files[DEBIAN];
  if (entry !== undefined) files[DEBIAN] = entry;
  return fakeState({ ...files, ...extra });
}

function debianChange(state: RefState, target: SerialValue) {
  const set = mainSet(state);
  const origin = set.origins.find((o) => o.origin === 'debian');
  if (!origin) throw new Error('no debian origin');
  return planOriginSerial(set, origin, target);
}

describe('planOriginSerial', () => {
  it.each<[string, RefState, SerialValue, { before: string; content?: string; repair?: RegExp }]>([
    ['latest with newline, to latest', stateWithDebian('latest\n'), LATEST, { before: 'latest' }],
    ['latest without newline counts as unchanged', stateWithDebian('latest'), LATEST, { before: 'latest' }],
    ['serial to latest', stateWithDebian('2021042702\n'), LATEST, { before: '2021042702', content: 'latest\n' }],
    ['latest to serial', stateWithDebian('latest\n'), SERIAL, { before: 'latest', content: '2021051301\n' }],
    ['same serial without newline', stateWithDebian('2021051301'), SERIAL, { before: '2021051301' }],
    [
      'same serial with CRLF is invalid, and rewritten',
      stateWithDebian('2021051301\r\n'),
      SERIAL,
      {
        before: 'invalid',
        content: '2021051301\n',
        repair:
          /serial "2021051301\\r" contains a carriage return \(\\r, from Windows line ends\), which Tails' scripts would keep as part of the serial$/,
      },
    ],
    [
      'latest with CRLF is invalid, and rewritten to a serial',
      stateWithDebian('latest\r\n'),
      SERIAL,
      {
        before: 'invalid',
        content: '2021051301\n',
        repair: /serial "latest\\r" contains a carriage return/,
      },
    ],
    [
      'symlink',
      stateWithDebian({ symlink: '../torproject/serial' }),
      LATEST,
      {
        before: 'symlink',
        content: 'latest\n',
        repair: /serial is a symbolic link to "\.\.\/torproject\/serial", not a regular file$/,
      },
    ],
    [
      'directory',
      stateWithDebian(undefined, { [`${DEBIAN}/inner`]: 'latest\n' }),
      LATEST,
      { before: 'directory', content: 'latest\n', repair: /serial is a directory, not a file$/ },
    ],
    [
      'binary',
      stateWithDebian(Buffer.from([0x6c, 0, 0x0a])),
      LATEST,
      { before: 'binary', content: 'latest\n', repair: /serial is binary \(3 bytes\), not text$/ },
    ],
    [
      'too large',
      stateWithDebian({ tooLarge: 50_000 }),
      SERIAL,
      { before: 'too large', content: '2021051301\n', repair: /serial is 50000 bytes, far too large$/ },
    ],
    [
      'submodule',
      stateWithDebian({ submodule: true }),
      LATEST,
      { before: 'submodule', content: 'latest\n', repair: /serial is a Git submodule, not a file$/ },
    ],
    [
      'missing',
      stateWithDebian(undefined, { [`${PATHS.MAIN}/debian/`]: '' }),
      LATEST,
      { before: 'missing', content: 'latest\n', repair: /serial is missing$/ },
    ],
    [
      'syntax error',
      stateWithDebian('2021051301\n2021051302\n'),
      SERIAL,
      {
        before: 'invalid',
        content: '2021051301\n',
        repair: /serial has 2 lines; a serial file holds exactly one line$/,
      },
    ],
  ])('%s', (_name, state, target, expected) => {
    const change = debianChange(state, target);
    expect(change.set).toBe('main');
    expect(change.origin).toBe('debian');
    expect(change.path).toBe(DEBIAN);
    expect(change.before).toBe(expected.before);
    expect(change.after).toBe(target.kind === 'latest' ? 'latest' : target.serial);
    expect(change.edit).toEqual(
      expected.content === undefined ? undefined : { path: DEBIAN, content: expected.content },
    );
    if (expected.repair) {
      expect(change.repair).toMatch(expected.repair);
      expect(change.repair?.startsWith(DEBIAN)).toBe(true);
    } else {
      expect(change.repair).toBeUndefined();
    }
  });
});

describe('setProblem', () => {
  it.each<[string, Record<string, FakeEntry>, string | undefined]>([
    ['present', tailsTree(), undefined],
    [
      'missing',
      Object.fromEntries(Object.entries(tailsTree()).filter(([p]) => !p.startsWith(PATHS.BUILDER))),
      `snapshot set "builder": ${PATHS.BUILDER} is missing, so its origins are unknown`,
    ],
    [
      'a file instead of a directory',
      {
        ...Object.fromEntries(Object.entries(tailsTree()).filter(([p]) => !p.startsWith(PATHS.BUILDER))),
        [PATHS.BUILDER]: 'oops\n',
      },
      `snapshot set "builder": ${PATHS.BUILDER} is not a directory, so its origins are unknown`,
    ],
  ])('%s', (_name, files, expected) => {
    const builder = fakeState(files).sets.find((s) => s.config.name === 'builder');
    expect(builder && setProblem(builder)).toBe(expected);
  });
});

describe('sortedEdits and editsOf', () => {
  it('sorts by path, byte order, without changing the input', () => {
    const edits = [
      { path: 'b/serial', content: '1' },
      { path: 'B/serial', content: '2' },
      { path: 'a/serial', content: '3' },
    ];
    expect(sortedEdits(edits).map((e) => e.path)).toEqual(['B/serial', 'a/serial', 'b/serial']);
    expect(edits.map((e) => e.path)).toEqual(['b/serial', 'B/serial', 'a/serial']);
  });

  it('keeps only the changes that have an edit', () => {
    const state = fakeState(
      tailsTree({ main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051302' } }),
    );
    const set = mainSet(state);
    const changes = set.origins.map((o) => planOriginSerial(set, o, LATEST));
    expect(editsOf(changes)).toEqual([
      { path: `${PATHS.MAIN}/debian/serial`, content: 'latest\n' },
      { path: `${PATHS.MAIN}/torproject/serial`, content: 'latest\n' },
    ]);
  });
});

describe('markdownText', () => {
  it.each([
    ['debian', 'debian'],
    ['a|b', 'a\\|b'],
    ['a\\|b', 'a\\\\\\|b'],
    ['`x` <b>[l](u)</b>', '\\`x\\` \\<b\\>\\[l\\](u)\\</b\\>'],
    ['line\nnext\r\u007f', 'line\\u000anext\\u000d\\u007f'],
  ])('%j -> %j', (input, expected) => {
    expect(markdownText(input)).toBe(expected);
  });
});

describe('renderSetTable and renderRepairs', () => {
  const state = fakeState({
    ...tailsTree({ main: { 'debian-security': 'latest', torproject: '2021051301' } }),
    [DEBIAN]: { symlink: 'x|y' },
  });
  const set = mainSet(state);
  const changes = set.origins.map((o) => planOriginSerial(set, o, LATEST));

  it('renders one row per origin of the set, in order', () => {
    expect(renderSetTable(set, changes, ['origin', 'from', 'to'])).toEqual([
      `### main (\`${PATHS.MAIN}\`)`,
      '',
      '| origin | from | to |',
      '| --- | --- | --- |',
      '| debian | symlink | latest |',
      '| debian-security | latest | latest |',
      '| torproject | 2021051301 | latest |',
      '',
    ]);
  });

  it('lists only rewritten broken files as repaired', () => {
    expect(renderRepairs(changes)).toEqual([
      '## Repaired serial files',
      '',
      'These files were not valid serial files; the plan replaces each with a regular file holding one line:',
      '',
      `- ${PATHS.MAIN}/debian/serial is a symbolic link to "x\\|y", not a regular file: now \`latest\``,
      '',
    ]);
    expect(renderRepairs(changes.filter((c) => c.origin !== 'debian'))).toEqual([]);
  });
});
