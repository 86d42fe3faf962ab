import { parseSubjectMarker, subjectMarker, type CheckSubject } from '../../src/report/check-subject.js';

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

describe('subject marker', () => {
  it.each<CheckSubject>([
    { kind: 'push', branch: 'devel', sha: SHA, before: OTHER },
    { kind: 'push', branch: 'feature/new-branch', sha: SHA },
    { kind: 'push', branch: 'testing', sha: SHA, created: true },
    {
      kind: 'pull_request',
      number: 12,
      branch: 'bugfix/1--x',
      sha: SHA,
      baseRef: 'stable',
      baseSha: OTHER,
      fromFork: true,
    },
  ])('round-trips %j inside a summary', (subject) => {
    const marker = subjectMarker(subject);
    expect(marker.slice('<!--'.length, -'-->'.length)).not.toContain('--');
    expect(parseSubjectMarker(`# Summary\n\ntext\n\n${marker}`)).toEqual(subject);
  });

  it.each([
    ['no marker', 'just a summary'],
    ['null summary', null],
    ['not JSON', '<!-- apt-snapshots-bot:subject {nope} -->'],
    ['bad sha', `<!-- apt-snapshots-bot:subject {"kind":"push","branch":"devel","sha":"123"} -->`],
    ['bad before', `<!-- apt-snapshots-bot:subject {"kind":"push","branch":"devel","sha":"${SHA}","before":"x"} -->`],
    ['unknown kind', `<!-- apt-snapshots-bot:subject {"kind":"tag","branch":"devel","sha":"${SHA}"} -->`],
    [
      'pull request without number',
      `<!-- apt-snapshots-bot:subject {"kind":"pull_request","branch":"x","sha":"${SHA}","baseRef":"devel","baseSha":"${OTHER}","fromFork":false} -->`,
    ],
    [
      'created not true',
      `<!-- apt-snapshots-bot:subject {"kind":"push","branch":"devel","sha":"${SHA}","created":1} -->`,
    ],
    ['empty branch', `<!-- apt-snapshots-bot:subject {"kind":"push","branch":"","sha":"${SHA}"} -->`],
  ])('finds nothing in a summary with %s', (_name, summary) => {
    expect(parseSubjectMarker(summary)).toBeUndefined();
  });
});
