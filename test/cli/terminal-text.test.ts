import { terminalLine, terminalText } from '../../src/cli/terminal-text.js';

describe('terminal text', () => {
  it.each([
    ['plain words', 'plain words', 'plain words'],
    ['an escape sequence that clears the screen', 'devel\u001b[2J', 'devel\\u001b[2J'],
    ['a window title and a bell', 'x\u001b]0;owned\u0007', 'x\\u001b]0;owned\\u0007'],
    ['a carriage return that hides what came before', 'error\rok   ', 'error\\u000dok   '],
    ['DEL and an 8-bit CSI', 'a\u007fb\u009b2J', 'a\\u007fb\\u009b2J'],
    ['a right-to-left override', 'abc\u202edcba', 'abc\\u202edcba'],
    ['a Unicode line separator', 'a\u2028b', 'a\\u2028b'],
    ['non-ASCII letters', 'résumé ü 日本', 'résumé ü 日本'],
  ])('terminalText shows %s safely', (_name, text, shown) => {
    expect(terminalText(text)).toBe(shown);
  });

  it('terminalText keeps newlines and tabs, which lay out reports and diffs', () => {
    expect(terminalText('a\n\tb\u001b\n')).toBe('a\n\tb\\u001b\n');
  });

  it('terminalLine also escapes newlines and tabs, so a value cannot forge a line of its own', () => {
    expect(terminalLine('x\nerror    forged\tfinding')).toBe('x\\u000aerror    forged\\u0009finding');
  });
});
