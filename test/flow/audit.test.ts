import { defaultConfig } from '../../src/config/defaults.js';
import {
  auditByFingerprint,
  auditHistory,
  auditJudge,
  type CommitToAudit,
  type PreviousVerdict,
} from '../../src/flow/audit.js';
import type { AuditedCommit } from '../../src/flow/audit-timeline.js';
import type { HistoryCommit } from '../../src/ports/history.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { tailsTree } from '../helpers/snapshot.js';

const RULES = '.github/apt-snapshots.yml';
/** Rules under which devel need not track latest: a frozen devel is right. */
const NO_DEVELOPMENT = 'branches:\n  development: []\n';
const FROZEN = tailsTree({ main: { debian: '2021042701', 'debian-security': 'latest', torproject: '2021042701' } });

const DAY = 24 * 3600_000;
const START = Date.UTC(2021, 3, 1, 10);

function commit(i: number, fingerprint: string): HistoryCommit {
  return {
    sha: `c${i}`,
    date: new Date(START + i * DAY),
    subject: `commit ${i}`,
    ...(i === 0 ? {} : { parent: `c${i - 1}` }),
    fingerprint,
  };
}

const rulesOf = (audited: AuditedCommit) => audited.findings.map((f) => `${f.severity} ${f.rule}`);

describe('auditJudge', () => {
  const reader = new MemoryReader({
    parent: { ...FROZEN, [RULES]: NO_DEVELOPMENT },
    child: { ...FROZEN, [RULES]: NO_DEVELOPMENT },
  });
  const child: CommitToAudit = { sha: 'child', date: new Date(START), subject: 'Freeze', parent: 'parent' };

  it("judges a commit under its first parent's rules, as of its own date, naming it by its own sha and subject", async () => {
    const audited = await auditJudge(reader, 'devel')(child);
    expect(audited).toEqual({
      sha: 'child',
      date: new Date(START),
      subject: 'Freeze',
      conclusion: 'success',
      findings: [],
      status: 'frozen',
    });
  });

  it('judges a root commit under the defaults, which want devel thawed', async () => {
    const { parent, ...root } = child;
    expect(parent).toBe('parent');
    const audited = await auditJudge(reader, 'devel')(root);
    expect(audited.conclusion).toBe('failure');
    expect(rulesOf(audited)).toContain('error tracks-latest');
  });

  it('judges every commit under the configuration given, whatever its parent says', async () => {
    const audited = await auditJudge(reader, 'devel', { config: defaultConfig(), configName: 'deploy.yml' })(child);
    expect(audited.conclusion).toBe('failure');
    expect(rulesOf(audited)).toContain('error tracks-latest');
  });

  it('is what auditHistory calls for each commit, oldest first', async () => {
    const judge = auditJudge(reader, 'devel');
    const { parent, ...root } = child;
    expect(parent).toBe('parent');
    const audited = await auditHistory([root, child], judge);
    expect(audited.map((a) => [a.sha, a.conclusion])).toEqual([
      ['child', 'failure'],
      ['child', 'success'],
    ]);
  });
});

/** A judge that says which commit it judged, in its one finding, and counts its calls. */
function fakeJudge(): { judge: (c: HistoryCommit) => Promise<AuditedCommit>; judged: string[]; most: () => number } {
  const judged: string[] = [];
  let inFlight = 0;
  let most = 0;
  return {
    judged,
    most: () => most,
    judge: async (c) => {
      judged.push(c.sha);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      return {
        sha: c.sha,
        date: c.date,
        subject: c.subject,
        conclusion: c.fingerprint === 'wrong' ? 'failure' : 'success',
        findings: [{ rule: 'fake', severity: 'notice', path: 'p', message: `judged at ${c.sha}` }],
        status: 'frozen',
      };
    },
  };
}

describe('auditByFingerprint', () => {
  it('judges a commit only when its files changed, or right after they did (it is the first under their rules)', async () => {
    const commits = ['a', 'a', 'a', 'wrong', 'wrong', 'wrong', 'wrong', 'a'].map((f, i) => commit(i, f));
    const { judge, judged } = fakeJudge();
    const audited = await auditByFingerprint(commits, judge);
    // c0 and c1: nothing tells whether c0's own parent had the same files.
    expect(judged.sort()).toEqual(['c0', 'c1', 'c3', 'c4', 'c7']);
    expect(audited.map((a) => [a.sha, a.subject, a.date, a.conclusion, a.findings[0]?.message])).toEqual(
      commits.map((c, i) => {
        const by = { 2: 'c1', 5: 'c4', 6: 'c4' }[i] ?? c.sha;
        return [c.sha, c.subject, c.date, c.fingerprint === 'wrong' ? 'failure' : 'success', `judged at ${by}`];
      }),
    );
  });

  it('copies a verdict: changing the copy leaves the original as it was', async () => {
    const audited = await auditByFingerprint(
      ['a', 'a', 'a'].map((f, i) => commit(i, f)),
      fakeJudge().judge,
    );
    (audited[2] as AuditedCommit).findings[0]!.message = 'changed';
    expect(audited[1]?.findings[0]?.message).toBe('judged at c1');
  });

  it("takes up from an earlier run's last verdict when it vouches for the first commit", async () => {
    const earlier = await fakeJudge().judge(commit(9, 'a'));
    const previous: PreviousVerdict = { fingerprint: 'a', parentFingerprint: 'a', audited: earlier };
    const commits = [commit(10, 'a'), commit(11, 'a'), commit(12, 'b')];
    const { judge, judged } = fakeJudge();
    const audited = await auditByFingerprint(commits, judge, { previous });
    expect(judged).toEqual(['c12']);
    expect(audited.map((a) => [a.sha, a.findings[0]?.message])).toEqual([
      ['c10', 'judged at c9'],
      ['c11', 'judged at c9'],
      ['c12', 'judged at c12'],
    ]);
  });

  it.each<[string, Partial<PreviousVerdict>, string[]]>([
    ['its files differ from the first commit', { fingerprint: 'b', parentFingerprint: 'b' }, ['c10', 'c11']],
    ['it changed the files itself', { fingerprint: 'a', parentFingerprint: 'b' }, ['c10']],
    ['its parent is unknown', { fingerprint: 'a' }, ['c10']],
  ])('judges the first commit afresh when the earlier verdict cannot vouch for it: %s', async (_, known, expected) => {
    const earlier = await fakeJudge().judge(commit(9, 'a'));
    const { judge, judged } = fakeJudge();
    const previous = { fingerprint: 'a', ...known, audited: earlier };
    await auditByFingerprint([commit(10, 'a'), commit(11, 'a'), commit(12, 'a')], judge, { previous });
    expect(judged).toEqual(expected);
  });

  it('judges nothing for no commits', async () => {
    const { judge, judged } = fakeJudge();
    expect(await auditByFingerprint([], judge)).toEqual([]);
    expect(judged).toEqual([]);
  });

  it('keeps at most `concurrency` judgements in flight', async () => {
    const commits = Array.from({ length: 20 }, (_, i) => commit(i, `f${i}`));
    const fake = fakeJudge();
    await auditByFingerprint(commits, fake.judge, { concurrency: 3 });
    expect(fake.judged).toHaveLength(20);
    expect(fake.most()).toBe(3);
    await expect(auditByFingerprint(commits, fake.judge, { concurrency: 0 })).rejects.toThrow(
      'auditByFingerprint: concurrency must be a whole number, 1 or more, not 0',
    );
  });

  it('gives what judging every commit gives, across a change of the rules file', async () => {
    // c1 brings rules under which a frozen devel is right: c1 itself is judged under c0's, c2 first under its own.
    const trees = [FROZEN, { ...FROZEN, [RULES]: NO_DEVELOPMENT }, { ...FROZEN, [RULES]: NO_DEVELOPMENT }];
    const reader = new MemoryReader({ c0: trees[0]!, c1: trees[1]!, c2: trees[2]!, c3: trees[2]! });
    const commits = ['x', 'y', 'y', 'y'].map((f, i) => commit(i, f));
    const judge = auditJudge(reader, 'devel');
    const every = await auditHistory(commits, judge);
    expect(every.map((a) => a.conclusion)).toEqual(['failure', 'failure', 'success', 'success']);
    expect(rulesOf(every[1] as AuditedCommit)).toContain('notice rules-change');
    const calls: string[] = [];
    const byFingerprint = await auditByFingerprint(commits, (c) => {
      calls.push(c.sha);
      return judge(c);
    });
    expect(byFingerprint).toEqual(every);
    expect(calls.sort()).toEqual(['c0', 'c1', 'c2']);
  });
});
