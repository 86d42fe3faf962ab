import {
  ANNOTATIONS_PER_REQUEST,
  annotationBatches,
  annotationsId,
  SUMMARY_LIMIT,
  toGitHubAnnotation,
  truncateSummary,
} from '../../../src/adapters/github/check-output.js';
import type { CheckAnnotation } from '../../../src/ports/forge.js';

describe('truncateSummary', () => {
  it.each([
    ['empty', ''],
    ['short', 'All good.'],
    ['exactly at the limit', 'x'.repeat(SUMMARY_LIMIT)],
  ])('leaves a summary that fits (%s) alone', (_what, summary) => {
    expect(truncateSummary(summary)).toBe(summary);
  });

  it.each([SUMMARY_LIMIT + 1, 70_000, 1_000_000])(
    'cuts a summary of %i characters to the limit and says how many were left out',
    (length) => {
      const summary = 'y'.repeat(length);
      const cut = truncateSummary(summary);

      const match = /\n\n\*\(Summary truncated: (\d+) more characters not shown\.\)\*$/.exec(cut);
      expect(match).not.toBeNull();
      const kept = cut.length - (match?.[0].length ?? 0);
      expect({
        fits: cut.length <= SUMMARY_LIMIT,
        accounted: kept + Number(match?.[1]),
        nearlyFull: cut.length > SUMMARY_LIMIT - 10,
      }).toEqual({
        fits: true,
        accounted: length,
        nearlyFull: true,
      });
    },
  );

  it('never splits a surrogate pair, wherever the cut falls', () => {
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    const cuts = Array.from({ length: 120 }, (_, at) =>
      truncateSummary(`${'a'.repeat(at)}😀${'b'.repeat(150 - at)}`, 100),
    );

    expect(cuts.filter((cut) => loneSurrogate.test(cut) || cut.length > 100)).toEqual([]);
  });
});

const annotation = (n: number): CheckAnnotation => ({
  path: `config/APT_snapshots.d/o${n}/serial`,
  line: 1,
  level: 'failure',
  title: `t${n}`,
  message: `m${n}`,
});

describe('annotationBatches', () => {
  it.each([
    [0, []],
    [1, [1]],
    [ANNOTATIONS_PER_REQUEST, [50]],
    [ANNOTATIONS_PER_REQUEST + 1, [50, 1]],
    [120, [50, 50, 20]],
  ])('splits %i annotations into batches of %j', (count, sizes) => {
    const batches = annotationBatches(Array.from({ length: count }, (_, i) => annotation(i)));

    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(batches.flat().map((a) => a.title)).toEqual(Array.from({ length: count }, (_, i) => `t${i}`));
  });
});

describe('toGitHubAnnotation', () => {
  it('marks the annotated line as both start and end', () => {
    expect(
      toGitHubAnnotation({ path: 'config/base_branch', line: 3, level: 'warning', title: 'T', message: 'M' }),
    ).toEqual({
      path: 'config/base_branch',
      start_line: 3,
      end_line: 3,
      annotation_level: 'warning',
      title: 'T',
      message: 'M',
    });
  });
});

describe('annotationsId', () => {
  const a: CheckAnnotation = { path: 'config/base_branch', line: 1, level: 'failure', title: 'x', message: 'y' };
  const b: CheckAnnotation = { ...a, path: 'debian/changelog' };

  it('is the same for the same annotations in the same order, and short enough for an external id', () => {
    expect(annotationsId([a, b])).toBe(annotationsId([{ ...a }, { ...b }]));
    expect(annotationsId([a, b])).toMatch(/^annotations-sha256:[0-9a-f]{32}$/);
  });

  it.each<[string, CheckAnnotation[]]>([
    ['none', []],
    ['another order', [b, a]],
    ['one fewer', [a]],
    ['another line', [{ ...a, line: 2 }, b]],
    ['another level', [{ ...a, level: 'warning' }, b]],
    ['another title', [{ ...a, title: 'z' }, b]],
    ['another message', [{ ...a, message: 'z' }, b]],
    ['fields that join the same way', [{ ...a, title: 'x", "y', message: '' }, b]],
  ])('differs for %s', (_what, annotations) => {
    expect(annotationsId(annotations)).not.toBe(annotationsId([a, b]));
  });
});
