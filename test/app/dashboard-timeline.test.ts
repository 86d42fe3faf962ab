import { branchTimeline, cacheOf, EMBED_KEY, readTimelineCache } from '../../src/app/dashboard-timeline.js';
import type { AuditedCommit, FreezeStatus, Period } from '../../src/flow/audit-timeline.js';
import type { HistoryCommit, HistoryReader } from '../../src/ports/history.js';

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2021-01-01T00:00:00Z');
const sha = (n: number) => n.toString(16).padStart(40, '0');

/** A first-parent history whose content (the fingerprint) says the verdict: "frozen", "thawed", "frozen!" (wrong). */
class History implements HistoryReader {
  commits: HistoryCommit[] = [];
  readonly asked: { stopAt?: string }[] = [];

  push(...contents: string[]): this {
    for (const content of contents) {
      const n = this.commits.length + 1;
      const parent = this.commits[this.commits.length - 1]?.sha;
      this.commits.push({
        sha: sha(n),
        date: new Date(START.getTime() + n * DAY),
        subject: `commit ${n}`,
        ...(parent === undefined ? {} : { parent }),
        fingerprint: content,
      });
    }
    return this;
  }

  /** A force push: the last `n` commits replaced by `contents`. */
  rewrite(n: number, ...contents: string[]): this {
    const kept = this.commits.slice(0, this.commits.length - n);
    const offset = 1000;
    this.commits = kept;
    for (const [i, content] of contents.entries()) {
      const parent = this.commits[this.commits.length - 1]?.sha;
      this.commits.push({
        sha: sha(offset + i),
        date: new Date(START.getTime() + (kept.length + i + 1) * DAY),
        subject: `rewritten ${i}`,
        ...(parent === undefined ? {} : { parent }),
        fingerprint: content,
      });
    }
    return this;
  }

  async firstParentHistory(_branch: string, options: { since: Date; paths: readonly string[]; stopAt?: string }) {
    this.asked.push(options.stopAt === undefined ? {} : { stopAt: options.stopAt });
    const from = options.stopAt === undefined ? -1 : this.commits.findIndex((c) => c.sha === options.stopAt);
    return this.commits.slice(from + 1).filter((c) => c.date.getTime() >= options.since.getTime());
  }
}

function judge(calls: string[]) {
  return async (commit: HistoryCommit): Promise<AuditedCommit> => {
    calls.push(commit.sha);
    const wrong = commit.fingerprint.endsWith('!');
    return {
      sha: commit.sha,
      date: commit.date,
      subject: commit.subject,
      conclusion: wrong ? 'failure' : 'success',
      findings: wrong ? [{ rule: 'freeze-consistency', severity: 'error', path: 'x', message: 'wrong' }] : [],
      status: commit.fingerprint.replace('!', '') as FreezeStatus,
    };
  };
}

const shape = (periods: Period[]) =>
  periods.map((p) => ({
    status: p.status,
    wrong: p.wrong,
    first: p.first.sha,
    commits: p.commits,
    start: p.start.toISOString(),
    end: p.end.toISOString(),
    ongoing: p.ongoing,
  }));

const input = { branch: 'testing', paths: ['config/APT_snapshots.d'], since: START };

describe('branchTimeline', () => {
  it('judges only the commits whose files changed and those right after, and tells the periods', async () => {
    const history = new History().push('thawed', 'thawed', 'thawed', 'frozen', 'frozen', 'frozen', 'frozen!');
    const calls: string[] = [];
    const update = await branchTimeline(history, judge(calls), input);
    // The first, each change, and the commit after each change (judged under the changed rules).
    expect(calls).toEqual([sha(1), sha(2), sha(4), sha(5), sha(7)]);
    expect(shape(update.periods)).toEqual([
      expect.objectContaining({ status: 'thawed', first: sha(1), commits: 3, ongoing: false }),
      expect.objectContaining({ status: 'frozen', wrong: [], first: sha(4), commits: 3, ongoing: false }),
      expect.objectContaining({
        status: 'frozen',
        wrong: ['freeze-consistency'],
        first: sha(7),
        commits: 1,
        ongoing: true,
      }),
    ]);
    expect(update.entry?.tip).toBe(sha(7));
  });

  it('continues from its cache, judging only what was pushed since, with the same periods as from scratch', async () => {
    const history = new History().push('thawed', 'thawed', 'frozen', 'frozen');
    const first = await branchTimeline(history, judge([]), input);
    history.push('frozen', 'frozen', 'thawed', 'thawed');
    const calls: string[] = [];
    const cached = readTimelineCache({ [EMBED_KEY]: cacheOf(new Map([['testing', first.entry]])) }).branches.testing;
    expect(cached).toBeDefined();
    const next = await branchTimeline(history, judge(calls), { ...input, ...(cached ? { cached } : {}) });
    expect(history.asked[history.asked.length - 1]).toEqual({ stopAt: sha(4) });
    expect(calls).toEqual([sha(7), sha(8)]);
    const scratch = await branchTimeline(history, judge([]), input);
    expect(shape(next.periods)).toEqual(shape(scratch.periods));
    expect(next.entry).toEqual(scratch.entry);
  });

  it('judges nothing when the tip has not moved', async () => {
    const history = new History().push('thawed', 'frozen');
    const first = await branchTimeline(history, judge([]), input);
    const calls: string[] = [];
    const again = await branchTimeline(history, judge(calls), {
      ...input,
      ...(first.entry ? { cached: first.entry } : {}),
    });
    expect(calls).toEqual([]);
    expect(shape(again.periods)).toEqual(shape(first.periods));
  });

  it('starts from scratch after a force push took the cached tip out of the history', async () => {
    const history = new History().push('thawed', 'frozen', 'frozen');
    const first = await branchTimeline(history, judge([]), input);
    history.rewrite(2, 'thawed', 'thawed!');
    const next = await branchTimeline(history, judge([]), {
      ...input,
      ...(first.entry ? { cached: first.entry } : {}),
    });
    const scratch = await branchTimeline(history, judge([]), input);
    expect(shape(next.periods)).toEqual(shape(scratch.periods));
    expect(next.periods.map((p) => p.status)).toEqual(['thawed', 'thawed']);
  });

  it('drops the periods that ended before the window, and keeps the ongoing one however old', async () => {
    const history = new History().push('thawed', 'frozen', 'frozen', 'frozen');
    const late = { ...input, since: new Date(START.getTime() + 2.5 * DAY) };
    const update = await branchTimeline(history, judge([]), late);
    expect(update.periods.map((p) => p.status)).toEqual(['frozen']);
    expect(update.periods[0]?.ongoing).toBe(true);
  });
});

describe('readTimelineCache', () => {
  it('reads back what cacheOf wrote', async () => {
    const history = new History().push('thawed', 'frozen');
    const { entry } = await branchTimeline(history, judge([]), input);
    const cache = cacheOf(new Map([['testing', entry]]));
    expect(readTimelineCache(JSON.parse(JSON.stringify({ [EMBED_KEY]: cache })) as Record<string, unknown>)).toEqual(
      cache,
    );
  });

  it.each([
    ['nothing', undefined],
    ['another version', { [EMBED_KEY]: { v: 2, branches: {} } }],
    ['a sha that is not one', { [EMBED_KEY]: { v: 1, branches: { testing: { tip: 'HEAD' } } } }],
    ['a huge subject', { [EMBED_KEY]: { v: 1, branches: { testing: { subject: 'x'.repeat(10_000) } } } }],
    ['a string', { [EMBED_KEY]: 'timeline' }],
  ])('starts afresh from %s, which a person may have edited into the issue', (_what, embedded) => {
    expect(readTimelineCache(embedded as Record<string, unknown> | undefined)).toEqual({ v: 1, branches: {} });
  });
});
