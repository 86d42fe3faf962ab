import {
  buildTimeline,
  freezeStatus,
  periodDays,
  summarizeTimeline,
  type AuditedCommit,
  type FreezeStatus,
} from '../../src/flow/audit-timeline.js';
import type { Finding } from '../../src/domain/finding.js';
import { fakeState, tailsTree } from '../helpers/snapshot.js';

describe('freezeStatus', () => {
  it.each<[string, Record<string, string>, FreezeStatus]>([
    ['every origin latest', { debian: 'latest', 'debian-security': 'latest', torproject: 'latest' }, 'thawed'],
    [
      'every origin but the exception pinned',
      { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' },
      'frozen',
    ],
    [
      'the exception pinned too',
      { debian: '2021051301', 'debian-security': '2021051301', torproject: '2021051301' },
      'frozen',
    ],
    [
      'only the exception pinned',
      { debian: 'latest', 'debian-security': '2021051301', torproject: 'latest' },
      'thawed',
    ],
    ['a mix', { debian: '2021051301', 'debian-security': 'latest', torproject: 'latest' }, 'partly frozen'],
    ['an invalid serial', { debian: '2021051300', 'debian-security': 'latest', torproject: 'latest' }, 'undecidable'],
    ['only the exception', { 'debian-security': 'latest' }, 'undecidable'],
  ])('%s', (_name, main, expected) => {
    expect(freezeStatus(fakeState(tailsTree({ main })))).toBe(expected);
  });

  it('ignores the builder set, which never thaws', () => {
    expect(freezeStatus(fakeState(tailsTree({ builder: { debian: 'latest', tails: 'latest' } })))).toBe('thawed');
  });
});

const error = (rule: string): Finding => ({
  rule,
  severity: 'error',
  path: `${rule}/path`,
  message: `${rule} is wrong`,
});
const warning = (rule: string): Finding => ({ rule, severity: 'warning', path: 'p', message: 'w' });

function commit(
  day: string,
  status: FreezeStatus,
  findings: Finding[] = [],
  subject = `commit of ${day}`,
): AuditedCommit {
  return {
    sha: `${day.replaceAll('-', '')}`.padEnd(40, '0'),
    date: new Date(`${day}T12:00:00Z`),
    subject,
    conclusion: findings.some((f) => f.severity === 'error') ? 'failure' : 'success',
    findings,
    status,
  };
}

describe('buildTimeline', () => {
  it('is empty without commits', () => {
    expect(buildTimeline([])).toEqual([]);
  });

  it('cuts a period where the status or the wrong rules change, and ends it when the next begins', () => {
    const commits = [
      commit('2021-04-01', 'thawed'),
      commit('2021-04-02', 'thawed', [warning('builder-frozen')]),
      commit('2021-04-27', 'frozen', [error('tracks-latest')], 'Freeze APT snapshots for 4.19~beta1.'),
      commit('2021-04-28', 'frozen', [error('tracks-latest'), error('base-branch-file')]),
      commit('2021-04-29', 'frozen', [error('base-branch-file'), error('tracks-latest')]),
      commit('2021-05-13', 'thawed', [], 'Thaw APT snapshots.'),
      commit('2021-07-13', 'thawed'),
    ];
    const periods = buildTimeline(commits);
    expect(
      periods.map((p) => [
        p.status,
        p.wrong,
        p.first.subject,
        p.commits,
        p.start.toISOString().slice(0, 10),
        p.end.toISOString().slice(0, 10),
        p.ongoing,
      ]),
    ).toEqual([
      ['thawed', [], 'commit of 2021-04-01', 2, '2021-04-01', '2021-04-27', false],
      ['frozen', ['tracks-latest'], 'Freeze APT snapshots for 4.19~beta1.', 1, '2021-04-27', '2021-04-28', false],
      ['frozen', ['base-branch-file', 'tracks-latest'], 'commit of 2021-04-28', 2, '2021-04-28', '2021-05-13', false],
      ['thawed', [], 'Thaw APT snapshots.', 2, '2021-05-13', '2021-07-13', true],
    ]);
  });

  it('makes one ongoing period of a single commit', () => {
    const [period, ...rest] = buildTimeline([commit('2021-05-13', 'frozen')]);
    expect(rest).toEqual([]);
    expect(period).toMatchObject({ status: 'frozen', commits: 1, ongoing: true });
    expect(period?.start).toEqual(period?.end);
  });
});

describe('periodDays', () => {
  it.each([
    ['2021-05-13T10:10:00Z', '2021-05-13T10:27:00Z', 0],
    ['2021-05-13T10:00:00Z', '2021-05-14T09:59:59Z', 0],
    ['2021-05-13T10:00:00Z', '2021-05-14T10:00:00Z', 1],
    ['2021-04-27T00:00:00Z', '2021-05-13T00:00:00Z', 16],
    ['2021-05-14T00:00:00Z', '2021-05-13T00:00:00Z', 0],
  ])('%s → %s: %d d', (start, end, days) => {
    expect(periodDays({ start: new Date(start), end: new Date(end) })).toBe(days);
  });
});

describe('summarizeTimeline', () => {
  it('counts stretches of a status once even when what is wrong changes inside them, and adds their time', () => {
    const periods = buildTimeline([
      commit('2021-01-01', 'thawed'),
      commit('2021-01-11', 'frozen', [error('tracks-latest')]),
      commit('2021-01-12', 'frozen', [error('tracks-latest'), error('base-branch-file')]),
      commit('2021-01-14', 'thawed', [error('base-branch-file')]),
      commit('2021-01-15', 'thawed'),
      commit('2021-02-01', 'frozen'),
      commit('2021-02-03', 'undecidable', [error('snapshot-layout')]),
    ]);
    expect(summarizeTimeline(periods)).toEqual({
      commits: 7,
      failures: 4,
      byStatus: {
        thawed: { periods: 2, days: 10 + 1 + 17 },
        frozen: { periods: 2, days: 1 + 2 + 2 },
        'partly frozen': { periods: 0, days: 0 },
        undecidable: { periods: 1, days: 0 },
      },
      // 01-11 → 01-15 is one wrong stretch (4 d) whatever the rules; 02-03 starts another.
      wrong: { periods: 2, days: 4 },
    });
  });
});
