import {
  ANNOTATIONS_PER_REQUEST,
  annotationBatches,
  annotationsId,
  checkRunActions,
  checkRunSummary,
  SUMMARY_LIMIT,
  toGitHubAnnotation,
} from '../../../src/adapters/github/check-output.js';
import type { CheckAnnotation } from '../../../src/ports/forge.js';

describe('checkRunSummary', () => {
  const MARKER = '<!-- apt-snapshots-bot subject {"kind":"push"} -->';

  it.each([
    ['short', `All good.\n${MARKER}`],
    ['exactly at the limit', `${'x'.repeat(SUMMARY_LIMIT - MARKER.length - 1)}\n${MARKER}`],
  ])('leaves a summary that fits (%s) alone', (_what, summary) => {
    expect(checkRunSummary(summary)).toBe(summary);
  });

  it.each([SUMMARY_LIMIT + 1, 70_000, 1_000_000])(
    'cuts a summary of %i characters to the limit at a line, says how many were left out, and keeps the marker',
    (length) => {
      const lines = Array.from({ length: Math.ceil(length / 10) }, (_, i) => `line ${i}`.padEnd(9, '.'));
      const body = lines.join('\n').slice(0, length);
      const cut = checkRunSummary(`${body}\n${MARKER}`);

      const match =
        /\n\n\*\(Summary cut to GitHub's limit: (\d+) more characters not shown; every finding is also an annotation on its file\.\)\*\n\n(.*)$/.exec(
          cut,
        );
      expect(match?.[2]).toBe(MARKER);
      const kept = cut.length - (match?.[0].length ?? 0);
      expect({ fits: cut.length <= SUMMARY_LIMIT, accounted: kept + Number(match?.[1]) }).toEqual({
        fits: true,
        accounted: body.length,
      });
    },
  );
});

describe('checkRunActions', () => {
  it('makes a button of each fix, cutting its texts to what GitHub accepts', () => {
    const fix = { identifier: 'fix-thaw', command: '/apt-snapshots thaw devel' };
    expect(
      checkRunActions([
        { ...fix, label: 'Fix it: thaw', description: 'Open a pull request that thaws it' },
        { ...fix, label: 'Fix it: a label far too long 😀', description: 'd'.repeat(41) },
      ]),
    ).toEqual([
      { label: 'Fix it: thaw', description: 'Open a pull request that thaws it', identifier: 'fix-thaw' },
      { label: 'Fix it: a label far…', description: `${'d'.repeat(39)}…`, identifier: 'fix-thaw' },
    ]);
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
