import type { FreezeStatus, Period } from '../../src/flow/audit-timeline.js';
import { mermaidGantt, mermaidText, type BranchTimeline } from '../../src/report/mermaid-gantt.js';
import { period as fixturePeriod } from './dashboard-fixtures.js';

const HEADER = ['gantt', '    dateFormat YYYY-MM-DD HH:mm', '    axisFormat %Y-%m-%d'];

/** The fixtures' period, with the dates first: most of these tests are about dates. */
function period(start: string, end: string, status: FreezeStatus, options: Partial<Period> = {}): Period {
  return fixturePeriod(status, start, end, options);
}

const FROM = new Date('2021-01-01T00:00:00Z');
const TO = new Date('2021-12-31T00:00:00Z');

/** Every line the chart may hold: anything else would be Mermaid syntax that a name smuggled in. */
const LINE =
  /^(gantt| {4}title [^#:;%\n`{}<>]+| {4}dateFormat YYYY-MM-DD HH:mm| {4}axisFormat %Y-%m-%d| {4}section [^#:;%\n`{}<>]+| {4}[^#:;%\n`{}<>]+ :(crit, )?(active, )?\d{4}-\d\d-\d\d \d\d:\d\d, \d{4}-\d\d-\d\d \d\d:\d\d| {4}%% [a-z0-9 :,]+)$/;

function lines(source: string): string[] {
  expect(source.endsWith('\n')).toBe(true);
  return source.slice(0, -1).split('\n');
}

describe('mermaidGantt', () => {
  it('has one section per branch and one task per period, wrong ones critical, the ongoing one active', () => {
    const timelines: BranchTimeline[] = [
      {
        branch: 'devel',
        periods: [
          period('2021-02-01T10:00:00Z', '2021-03-01T12:30:00Z', 'thawed'),
          period('2021-03-01T12:30:00Z', '2021-03-02T08:00:00Z', 'frozen', { wrong: ['tracks-latest'] }),
          period('2021-03-02T08:00:00Z', '2021-06-01T00:00:00Z', 'thawed', { ongoing: true }),
        ],
      },
      {
        branch: 'stable',
        periods: [
          period('2021-01-10T00:00:00Z', '2021-04-01T00:00:00Z', 'partly frozen', {
            wrong: ['partly-frozen', 'always-frozen'],
          }),
          period('2021-04-01T00:00:00Z', '2021-04-01T00:00:00Z', 'undecidable', { ongoing: true }),
        ],
      },
    ];
    expect(lines(mermaidGantt(timelines, { from: FROM, to: TO, title: 'APT snapshots' }))).toEqual([
      'gantt',
      '    title APT snapshots',
      ...HEADER.slice(1),
      '    section devel',
      '    thawed :2021-02-01 10:00, 2021-03-01 12:30',
      // A wrong period keeps its status: frozen and wrong is not thawed and wrong.
      '    frozen, wrong (tracks-latest) :crit, 2021-03-01 12:30, 2021-03-02 08:00',
      // Ongoing: until `to`, not the last commit's date.
      '    thawed :active, 2021-03-02 08:00, 2021-12-31 00:00',
      '    section stable',
      '    partly frozen, wrong (partly-frozen, always-frozen) :crit, 2021-01-10 00:00, 2021-04-01 00:00',
      '    undecidable :active, 2021-04-01 00:00, 2021-12-31 00:00',
    ]);
  });

  it('clips periods to the range: those over before it are left out, the first starts at `from`, none ends after `to`', () => {
    const periods = [
      period('2019-01-01T00:00:00Z', '2020-06-01T00:00:00Z', 'frozen'),
      // Over exactly at `from`: no sliver of it is drawn.
      period('2020-06-01T00:00:00Z', '2021-01-01T00:00:00Z', 'undecidable'),
      period('2021-01-01T00:00:00Z', '2021-03-01T00:00:00Z', 'thawed'),
      period('2021-03-01T00:00:00Z', '2022-02-01T00:00:00Z', 'frozen'),
      period('2022-02-01T00:00:00Z', '2022-03-01T00:00:00Z', 'thawed', { ongoing: true }),
    ];
    expect(lines(mermaidGantt([{ branch: 'testing', periods }], { from: FROM, to: TO }))).toEqual([
      ...HEADER,
      '    section testing',
      '    thawed :2021-01-01 00:00, 2021-03-01 00:00',
      '    frozen :2021-03-01 00:00, 2021-12-31 00:00',
    ]);
  });

  it('draws a period shorter than a minute, or of no length at all, as one minute: Mermaid needs end > start', () => {
    const periods = [
      period('2021-05-13T10:00:30Z', '2021-05-13T10:00:50Z', 'frozen', { wrong: ['tracks-latest'] }),
      period('2021-05-13T10:00:50Z', '2021-05-13T10:02:10Z', 'thawed'),
      period('2021-05-13T10:02:10Z', '2021-05-13T10:02:10Z', 'frozen', { ongoing: true }),
    ];
    const to = new Date('2021-05-13T10:02:10Z');
    expect(lines(mermaidGantt([{ branch: 'devel', periods }], { from: FROM, to }))).toEqual([
      ...HEADER,
      '    section devel',
      '    frozen, wrong (tracks-latest) :crit, 2021-05-13 10:00, 2021-05-13 10:01',
      '    thawed :2021-05-13 10:00, 2021-05-13 10:02',
      '    frozen :active, 2021-05-13 10:02, 2021-05-13 10:03',
    ]);
  });

  it('ends each period on the minute its successor starts, both rounded down alike: no bar overlaps the next', () => {
    const periods = [
      period('2021-05-13T10:00:30Z', '2021-05-13T12:30:45Z', 'thawed'),
      period('2021-05-13T12:30:45Z', '2021-05-14T08:59:59Z', 'frozen'),
      period('2021-05-14T08:59:59Z', '2021-05-15T00:00:00Z', 'thawed', { ongoing: true }),
    ];
    const to = new Date('2021-05-15T00:00:00Z');
    expect(lines(mermaidGantt([{ branch: 'devel', periods }], { from: FROM, to })).slice(4)).toEqual([
      '    thawed :2021-05-13 10:00, 2021-05-13 12:30',
      '    frozen :2021-05-13 12:30, 2021-05-14 08:59',
      '    thawed :active, 2021-05-14 08:59, 2021-05-15 00:00',
    ]);
  });

  it('draws a period whose end comes before its start (history rewritten with older dates) as one minute', () => {
    const periods = [period('2021-05-13T10:00:00Z', '2021-05-12T10:00:00Z', 'frozen')];
    expect(lines(mermaidGantt([{ branch: 'devel', periods }], { from: FROM, to: TO }))[4]).toBe(
      '    frozen :2021-05-13 10:00, 2021-05-13 10:01',
    );
  });

  it('neutralises what Mermaid or a Markdown fence would read in branch, rule and title text', () => {
    const hostile = [
      'devel\n```\n%%{init: {"theme": "dark"}}%%',
      'a:b#c;d',
      'x\r\n    section injected',
      '~~~\n<script>alert(1)</script>&amp;',
      'click devel call alert()',
    ];
    const timelines = hostile.map((branch) => ({
      branch,
      periods: [
        period('2021-02-01T00:00:00Z', '2021-03-01T00:00:00Z', 'frozen', { wrong: hostile }),
        period('2021-03-01T00:00:00Z', '2021-04-01T00:00:00Z', 'thawed', { ongoing: true }),
      ],
    }));
    const source = mermaidGantt(timelines, { from: FROM, to: TO, title: 'title: x\n%%{init}%% `#;' });
    const all = lines(source);
    for (const line of all) expect(line).toMatch(LINE);
    expect(all).toHaveLength(4 + hostile.length * 3);
    expect(source).not.toMatch(/%%\{|```|~~~|<|&|#|;/);
    expect(all[1]).toBe('    title title_ x____init___ ___');
    expect(all.filter((l) => l.startsWith('    section '))).toEqual([
      '    section devel________init_ __theme__ _dark_____',
      '    section a_b_c_d',
      '    section x__ section injected',
      '    section _____script_alert(1)_/script__amp_',
      // Harmless: only the start of a line can be a click statement.
      '    section click devel call alert()',
    ]);
    expect(all[5]).toBe(
      `    frozen, wrong (${hostile.map(mermaidText).join(', ')}) :crit, 2021-02-01 00:00, 2021-03-01 00:00`,
    );
  });

  it('says so when no branch has a period in the range', () => {
    const expected = [...HEADER, '    %% no period in this range'];
    expect(lines(mermaidGantt([], { from: FROM, to: TO }))).toEqual(expected);
    const old = [period('2019-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'frozen')];
    expect(
      lines(
        mermaidGantt(
          [
            { branch: 'devel', periods: [] },
            { branch: 'stable', periods: old },
          ],
          { from: FROM, to: TO },
        ),
      ),
    ).toEqual(expected);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => mermaidGantt([], { from: TO, to: FROM })).toThrow(/from \(2021-12-31T00:00:00.000Z\) is after to/);
  });
});

describe('mermaidGantt within maxChars', () => {
  const HOUR = 3600_000;
  const START = Date.UTC(2021, 0, 1);

  /** `count` periods of an hour each, every third one wrong, the last ongoing. */
  function history(count: number): Period[] {
    return Array.from({ length: count }, (_, i) =>
      period(
        new Date(START + i * HOUR).toISOString(),
        new Date(START + (i + 1) * HOUR).toISOString(),
        i % 2 === 0 ? 'frozen' : 'thawed',
        { wrong: i % 3 === 0 ? ['tracks-latest'] : [], ongoing: i === count - 1 },
      ),
    );
  }

  const timelines: BranchTimeline[] = [
    { branch: 'devel', periods: history(6000) },
    { branch: 'testing', periods: history(1500) },
    { branch: 'stable', periods: history(10) },
  ];
  const to = new Date(START + 6000 * HOUR);

  function span(line: string): [string, string] {
    const [, from, until] = /(\d{4}-\d\d-\d\d \d\d:\d\d), (\d{4}-\d\d-\d\d \d\d:\d\d)$/.exec(line) as RegExpExecArray;
    return [from as string, until as string];
  }

  function sections(source: string): Map<string, string[]> {
    const bySection = new Map<string, string[]>();
    let current: string[] = [];
    for (const line of lines(source)) {
      if (line.startsWith('    section ')) bySection.set(line.slice(12), (current = []));
      else if (bySection.size > 0) current.push(line);
    }
    return bySection;
  }

  it('merges the oldest periods of the longest histories into one "earlier" task until it fits, keeping the newest', () => {
    const full = mermaidGantt(timelines, { from: FROM, to });
    expect(full.length).toBeGreaterThan(200_000);
    const source = mermaidGantt(timelines, { from: FROM, to, maxChars: 20_000 });
    expect(source.length).toBeLessThanOrEqual(20_000);
    // Not needlessly short: a task less would not have fitted.
    expect(source.length).toBeGreaterThan(20_000 - 100);
    for (const line of lines(source)) expect(line).toMatch(LINE);
    const fitted = sections(source);
    const whole = sections(full);
    expect([...fitted.keys()]).toEqual(['devel', 'testing', 'stable']);
    for (const [branch, tasks] of fitted) {
      const all = whole.get(branch) as string[];
      const merged = /^ {4}earlier \((\d+) periods, (\d+) wrong\) :/.exec(tasks[0] as string);
      if (merged === null) {
        expect(tasks).toEqual(all);
        continue;
      }
      const count = Number(merged[1]);
      // Every period is in the chart, merged or not; the newest are as they were.
      expect(count + tasks.length - 1).toBe(all.length);
      expect(tasks.slice(1)).toEqual(all.slice(count));
      expect(Number(merged[2])).toBe(all.slice(0, count).filter((l) => l.includes(':crit')).length);
      const [from] = span(all[0] as string);
      const [, until] = span(all[count - 1] as string);
      expect(tasks[0]).toBe(`    earlier (${count} periods, ${merged[2]} wrong) :${from}, ${until}`);
    }
    // The longest history gave up the most; the short one nothing.
    expect(fitted.get('stable')).toEqual(whole.get('stable'));
    expect((fitted.get('devel') as string[])[0]).toMatch(/^ {4}earlier/);
  });

  it('leaves whole branches out, saying how many, when even one task each does not fit', () => {
    const one = mermaidGantt(timelines, { from: FROM, to, maxChars: 1 }).length;
    expect(one).toBe(0);
    const source = mermaidGantt(timelines, { from: FROM, to, maxChars: 300 });
    expect(source.length).toBeLessThanOrEqual(300);
    expect(lines(source).slice(3)).toEqual([
      '    section devel',
      '    earlier (5999 periods, 2000 wrong) :2021-01-01 00:00, 2021-09-07 23:00',
      // The newest period stays itself: it is the branch's state now.
      '    thawed :active, 2021-09-07 23:00, 2021-09-08 00:00',
      '    %% 2 more branches left out: the chart would be too long',
    ]);
    for (const line of lines(source)) expect(line).toMatch(LINE);
  });

  it('is the whole chart when it fits', () => {
    const full = mermaidGantt(timelines, { from: FROM, to });
    expect(mermaidGantt(timelines, { from: FROM, to, maxChars: full.length })).toBe(full);
    expect(mermaidGantt(timelines, { from: FROM, to, maxChars: full.length - 1 })).not.toBe(full);
  });
});

describe('mermaidText', () => {
  it.each([
    ['feature/bookworm', 'feature/bookworm'],
    ['devel-é', 'devel-é'],
    ['   ', '_'],
    ['a%%b', 'a__b'],
    ['4.19~rc1\t x', '4.19_rc1_ x'],
    ['x'.repeat(100), `${'x'.repeat(79)}…`],
  ])('%j is %j', (text, safe) => expect(mermaidText(text)).toBe(safe));
});
