import { escapeMarkdown, fencedBlock, inlineCode, tableCell } from '../../src/report/markdown.js';

describe('markdown helpers', () => {
  it.each([
    ['plain', 'plain'],
    ['[link](javascript:x)', '\\[link\\]\\(javascript:x\\)'],
    ['<img src=x>', '\\<img src=x\\>'],
    ['a\nb', 'a\\u000ab'],
    ['*bold* _it_ `code`', '\\*bold\\* \\_it\\_ \\`code\\`'],
  ])('escapeMarkdown(%j)', (text, expected) => {
    expect(escapeMarkdown(text)).toBe(expected);
  });

  it.each([
    ['devel', '`devel`'],
    ['a`b', '``a`b``'],
    ['`x', '`` `x ``'],
    ['two\nlines', '`two\\nlines`'],
  ])('inlineCode(%j)', (text, expected) => {
    expect(inlineCode(text)).toBe(expected);
  });

  it('escapes pipes for table cells', () => {
    expect(tableCell('`a|b` | c')).toBe('`a\\|b` \\| c');
  });

  it('fences a block with a fence no line of it can close', () => {
    expect(fencedBlock('a\n```\nb', 'diff')).toBe('````diff\na\n```\nb\n````');
    expect(fencedBlock('x\n')).toBe('```\nx\n```');
  });
});
