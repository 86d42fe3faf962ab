import { fitSummary } from '../../src/adapters/fit-summary.js';
import { keepLines } from '../../src/report/markdown.js';

const MARKER = '<!-- marker {"a":1} -->';
const NOTE = (omitted: number) => `*(Summary cut: ${omitted} more characters not shown.)*`;

describe('keepLines', () => {
  it.each([
    [['aa', 'bb', 'cc'], 8, ['aa', 'bb', 'cc'], 0],
    [['aa', 'bb', 'cc'], 7, ['aa', 'bb'], 1],
    [['aa', 'bb', 'cc'], 1, [], 3],
    [[], 0, [], 0],
  ])('keeps what of %j fits in %i characters', (lines, budget, kept, omitted) => {
    expect(keepLines(lines, budget)).toEqual({ kept, omitted });
  });
});

describe('fitSummary', () => {
  it('leaves a summary that fits as it is', () => {
    expect(fitSummary(`body\n${MARKER}`, 100, NOTE)).toBe(`body\n${MARKER}`);
  });

  it.each([200, 300, 500])('cuts at a line, says so and keeps the marker, within %i characters', (max) => {
    const body = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const cut = fitSummary(`${body}\n${MARKER}`, max, NOTE);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut.endsWith(`\n\n${MARKER}`)).toBe(true);
    expect(cut).toMatch(/^line 0\nline 1\n[\s\S]*\n\n\*\(Summary cut: \d+ more characters not shown\.\)\*\n\n/);
    const shown = cut.slice(0, cut.indexOf('\n\n*(')).length;
    expect(cut).toContain(`: ${body.length - shown} more characters`);
  });

  it('closes a code block the cut leaves open, so the marker stays out of it', () => {
    const body = ['# title', '````diff', ...Array.from({ length: 100 }, (_, i) => `+line ${i}`), '````', 'after'].join(
      '\n',
    );
    const cut = fitSummary(`${body}\n${MARKER}`, 400, NOTE);
    expect(cut.length).toBeLessThanOrEqual(400);
    expect(cut).toMatch(/\n\+line \d+\n````\n\n\*\(Summary cut/);
  });

  it('cuts a summary without a marker line the same way, adding none', () => {
    const body = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const cut = fitSummary(body, 200, NOTE);
    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut).toMatch(/more characters not shown\.\)\*$/);
  });

  it('cuts within the first line when even that one is too long, keeping the marker', () => {
    const cut = fitSummary(`${'x'.repeat(5000)}\n${MARKER}`, 300, NOTE);
    expect(cut.length).toBeLessThanOrEqual(300);
    expect(cut).toMatch(/^x{200,}\n\n\*\(Summary cut: \d+ more characters not shown\.\)\*\n\n<!-- marker/);
  });

  it('never splits a surrogate pair, wherever the cut falls', () => {
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    const cuts = Array.from({ length: 120 }, (_, at) =>
      fitSummary(`${'a'.repeat(at)}😀${'b'.repeat(150 - at)}`, 100, NOTE),
    );
    expect(cuts.filter((cut) => loneSurrogate.test(cut) || cut.length > 100)).toEqual([]);
  });
});

describe('fitSummary, at the edges', () => {
  const body = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');

  it.each([
    ['followed by a newline', `${body}\n${MARKER}\n`],
    ['after CRLF line ends', `${body.replace(/\n/g, '\r\n')}\r\n${MARKER}\r\n`],
  ])('keeps a marker %s', (_what, summary) => {
    const cut = fitSummary(summary, 300, NOTE);
    expect(cut.length).toBeLessThanOrEqual(300);
    expect(cut.endsWith(`\n\n${MARKER}`)).toBe(true);
  });

  it('keeps a summary that is only a marker, when it fits', () => {
    expect(fitSummary(MARKER, 100, NOTE)).toBe(MARKER);
  });

  it.each([
    ['tildes', '~~~~', '~~~~'],
    ['an indented fence', '   ```', '```'],
  ])('closes a block of %s the cut leaves open', (_what, opener, closer) => {
    const fenced = ['# title', opener, ...Array.from({ length: 100 }, (_, i) => `+line ${i}`), closer, 'after'].join(
      '\n',
    );
    const cut = fitSummary(`${fenced}\n${MARKER}`, 400, NOTE);
    expect(cut).toMatch(new RegExp(`\\n\\+line \\d+\\n${opener.trim()}\\n\\n\\*\\(Summary cut`));
  });

  it('takes a closing fence with trailing spaces for closed, adding none', () => {
    const fenced = ['```', 'code', '```  ', ...Array.from({ length: 100 }, (_, i) => `line ${i}`)].join('\n');
    const cut = fitSummary(`${fenced}\n${MARKER}`, 300, NOTE);
    expect(cut).toMatch(/\nline \d+\n\n\*\(Summary cut/);
  });

  it('refuses a limit too small for the marker and the cut note', () => {
    expect(() => fitSummary(`${body}\n${MARKER}`, 30, NOTE)).toThrow(RangeError);
  });
});
