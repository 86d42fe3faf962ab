import { fitSummary, keepLines } from '../../src/report/fit-summary.js';

const MARKER = '<!-- marker -->';

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
  it('leaves a summary that fits as it is, the marker last', () => {
    expect(fitSummary('body', MARKER, 100)).toBe(`body\n${MARKER}`);
  });

  it.each([200, 300, 500])('cuts at a line, says so and keeps the marker, within %i characters', (max) => {
    const body = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const cut = fitSummary(body, MARKER, max);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut.endsWith(`\n\n${MARKER}`)).toBe(true);
    expect(cut).toMatch(
      /^line 0\nline 1\n[\s\S]*\n\n\*\(Summary cut to GitHub's limit: \d+ more characters not shown; every finding is also an annotation on its file\.\)\*\n\n/,
    );
  });

  it('closes a code block the cut leaves open, so the marker stays out of it', () => {
    const body = ['# title', '````diff', ...Array.from({ length: 100 }, (_, i) => `+line ${i}`), '````', 'after'].join(
      '\n',
    );
    const cut = fitSummary(body, MARKER, 400);
    expect(cut.length).toBeLessThanOrEqual(400);
    expect(cut).toMatch(/\n\+line \d+\n````\n\n\*\(Summary cut/);
  });
});
