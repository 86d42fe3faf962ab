import { branchUpdates, isZeroId, parseRefUpdates } from '../../../src/cli/hook/ref-updates.js';
import { UsageError } from '../../../src/errors.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

describe('parseRefUpdates', () => {
  it('reads one update per line, ignoring blank lines and surrounding space', () => {
    expect(parseRefUpdates(`${A} ${B} refs/heads/devel\n\n  ${Z} ${A} refs/tags/4.19\n`)).toEqual([
      { old: A, new: B, ref: 'refs/heads/devel' },
      { old: Z, new: A, ref: 'refs/tags/4.19' },
    ]);
  });

  it('accepts SHA-256 object ids', () => {
    expect(parseRefUpdates(`${'c'.repeat(64)} ${'d'.repeat(64)} refs/heads/x`)).toHaveLength(1);
  });

  it.each([`${A} ${B}`, `${A} ${B} refs/heads/x extra`, `${A.slice(1)} ${B} refs/heads/x`, `devel ${B} refs/heads/x`])(
    '%j is refused with its line number',
    (line) => {
      expect(() => parseRefUpdates(`${A} ${B} refs/heads/ok\n${line}\n`)).toThrow(UsageError);
      expect(() => parseRefUpdates(`${A} ${B} refs/heads/ok\n${line}\n`)).toThrow('standard input line 2');
    },
  );
});

describe('branchUpdates', () => {
  it('keeps branch updates and creations, drops deletions and other refs', () => {
    const updates = parseRefUpdates(
      [
        `${A} ${B} refs/heads/devel`,
        `${Z} ${A} refs/heads/feature/1234-foo`,
        `${A} ${Z} refs/heads/gone`,
        `${Z} ${A} refs/tags/4.19`,
        `${A} ${B} refs/notes/commits`,
      ].join('\n'),
    );
    expect(branchUpdates(updates)).toEqual([
      { old: A, new: B, ref: 'refs/heads/devel' },
      { old: Z, new: A, ref: 'refs/heads/feature/1234-foo' },
    ]);
  });
});

describe('isZeroId', () => {
  it.each([
    [Z, true],
    ['0'.repeat(64), true],
    [A, false],
  ])('%s: %s', (id, zero) => expect(isZeroId(id)).toBe(zero));
});
