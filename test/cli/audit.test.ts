import { rm } from 'node:fs/promises';
import { parseSince } from '../../src/cli/commands/audit.js';
import { StatusLine } from '../../src/cli/progress.js';
import { UsageError } from '../../src/errors.js';
import { auditHistory, auditJudge, type CommitToAudit } from '../../src/flow/audit.js';
import { cloneFixture, removeFixtureClone } from '../helpers/fixture.js';
import { commitFiles, makeRepo, runIn, type TestRepo } from '../helpers/git-repo.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { collector, runCli } from './helpers/run-cli.js';

const FROZEN = { [`${PATHS.MAIN}/debian/serial`]: '2021042701\n', [`${PATHS.MAIN}/torproject/serial`]: '2021042701\n' };
const THAWED = { [`${PATHS.MAIN}/debian/serial`]: 'latest\n', [`${PATHS.MAIN}/torproject/serial`]: 'latest\n' };

describe('audit of a short history', () => {
  let r: TestRepo & { commit: string };
  const shas: string[] = [];
  beforeAll(async () => {
    r = await makeRepo(tailsTree(), { date: new Date('2021-04-01T10:00:00Z') });
    shas.push(r.commit);
    shas.push(
      await commitFiles(r, FROZEN, 'Freeze APT snapshots for 4.19~beta1.', { date: new Date('2021-04-27T10:00:00Z') }),
    );
    shas.push(await commitFiles(r, { README: 'x\n' }, 'Unrelated', { date: new Date('2021-05-01T10:00:00Z') }));
    shas.push(await commitFiles(r, THAWED, 'Thaw APT snapshots.', { date: new Date('2021-05-13T10:00:00Z') }));
  });
  afterAll(() => r.cleanup());

  it('tells when devel was frozen, thawed and wrong, and for how long', async () => {
    const run = await runCli(['audit', '--repo', r.dir], { env: r.env, stderrIsTTY: true });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'Audit of HEAD as branch devel, first-parent history 2021-04-01 → 2021-05-13:',
      '',
    ]);
    expect(lines[2]).toBe(
      `2021-04-01 → 2021-04-27 (26 d)  thawed after 'Initial commit' (${shas[0]!.slice(0, 10)}, 1 commit)`,
    );
    expect(lines[3]).toMatch(
      new RegExp(
        `^2021-04-27 → 2021-05-13 \\(16 d\\)  frozen after 'Freeze APT snapshots for 4\\.19~beta1\\.' \\(${shas[1]!.slice(0, 10)}, 2 commits\\); wrong: tracks-latest: ${PATHS.MAIN}/debian/serial: devel was left frozen`,
      ),
    );
    expect(lines[4]).toBe(
      `2021-05-13 → 2021-05-13 (0 d)  thawed after 'Thaw APT snapshots.' (${shas[3]!.slice(0, 10)}, 1 commit); still so at the tip`,
    );
    expect(lines.slice(5)).toEqual([
      '',
      'Summary: 4 commits, 2 wrong (failure); frozen 1 time (16 d in all), thawed 2 times (26 d in all), wrong 1 time (16 d in all).',
      '',
    ]);
  });

  it('reports every commit, oldest first, as JSON', async () => {
    const run = await runCli(['audit', '--repo', r.dir, '--rev', 'devel', '--format', 'json'], {
      env: r.env,
      stderrIsTTY: true,
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const { commits } = JSON.parse(run.stdout);
    expect(commits.map((c: Record<string, unknown>) => Object.keys(c))).toEqual(
      Array(4).fill(['sha', 'date', 'subject', 'conclusion', 'status', 'findings']),
    );
    expect(
      commits.map((c: { sha: string; date: string; conclusion: string }) => [c.sha, c.date, c.conclusion]),
    ).toEqual([
      [shas[0], '2021-04-01T10:00:00.000Z', 'success'],
      [shas[1], '2021-04-27T10:00:00.000Z', 'failure'],
      [shas[2], '2021-05-01T10:00:00.000Z', 'failure'],
      [shas[3], '2021-05-13T10:00:00.000Z', 'success'],
    ]);
    expect(commits[1].findings.map((f: { rule: string; path: string }) => `${f.rule} ${f.path}`)).toEqual([
      `tracks-latest ${PATHS.MAIN}/debian/serial`,
      `tracks-latest ${PATHS.MAIN}/torproject/serial`,
    ]);
  });

  it('carries the timeline and the summary the text shows, and what each status means, in its JSON', async () => {
    const json = JSON.parse((await runCli(['audit', '--repo', r.dir, '--format', 'json'], { env: r.env })).stdout);
    expect(Object.keys(json)).toEqual(['rev', 'branch', 'commits', 'timeline', 'summary', 'statuses']);
    expect(json).toMatchObject({ rev: 'HEAD', branch: 'devel' });
    expect(json.commits.map((c: { status: string }) => c.status)).toEqual(['thawed', 'frozen', 'frozen', 'thawed']);
    const day = (d: string) => `${d}T10:00:00.000Z`;
    expect(json.timeline).toEqual([
      {
        status: 'thawed',
        wrong: [],
        first: { sha: shas[0], subject: 'Initial commit' },
        commits: 1,
        start: day('2021-04-01'),
        end: day('2021-04-27'),
        days: 26,
        ongoing: false,
      },
      {
        status: 'frozen',
        wrong: ['tracks-latest'],
        first: { sha: shas[1], subject: 'Freeze APT snapshots for 4.19~beta1.' },
        commits: 2,
        start: day('2021-04-27'),
        end: day('2021-05-13'),
        days: 16,
        ongoing: false,
      },
      {
        status: 'thawed',
        wrong: [],
        first: { sha: shas[3], subject: 'Thaw APT snapshots.' },
        commits: 1,
        start: day('2021-05-13'),
        end: day('2021-05-13'),
        days: 0,
        ongoing: true,
      },
    ]);
    expect(json.summary).toEqual({
      commits: 4,
      failures: 2,
      byStatus: {
        frozen: { periods: 1, days: 16 },
        thawed: { periods: 2, days: 26 },
        'partly frozen': { periods: 0, days: 0 },
        undecidable: { periods: 0, days: 0 },
      },
      wrong: { periods: 1, days: 16 },
    });
    expect(Object.keys(json.statuses)).toEqual(['frozen', 'thawed', 'partly frozen', 'undecidable']);
  });

  it('prints the timeline as the raw source of a Mermaid gantt chart, for mmdc', async () => {
    const run = await runCli(['audit', '--repo', r.dir, '--format', 'mermaid'], { env: r.env, stderrIsTTY: true });
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'gantt',
        '    title Audit of HEAD as branch devel',
        '    dateFormat YYYY-MM-DD HH:mm',
        '    axisFormat %Y-%m-%d',
        '    section devel',
        '    thawed :2021-04-01 10:00, 2021-04-27 10:00',
        '    frozen, wrong (tracks-latest) :crit, 2021-04-27 10:00, 2021-05-13 10:00',
        // The ongoing period began at the tip: one minute, so that Mermaid draws it.
        '    thawed :active, 2021-05-13 10:00, 2021-05-13 10:01',
        '',
      ].join('\n'),
    });
  });

  it('charts from --since, and neutralises what Mermaid would read in a branch name', async () => {
    const run = await runCli(
      ['audit', '--repo', r.dir, '--since', '2021-04-28', '--branch', 'x%%{init#a;b', '--format', 'mermaid'],
      { env: r.env },
    );
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[1]).toBe('    title Audit of HEAD as branch x___init_a_b');
    expect(lines[4]).toBe('    section x___init_a_b');
    // Judged as a topic branch, frozen is not wrong. The chart begins at --since, in the state the commit
    // before it (the freeze of 27 April) left, not at the first commit after it.
    expect(lines.slice(5)).toEqual([
      '    frozen :2021-04-28 00:00, 2021-05-13 10:00',
      '    thawed :active, 2021-05-13 10:00, 2021-05-13 10:01',
      '',
    ]);
  });

  it('prints no chart for an empty range, saying why on standard error', async () => {
    const run = await runCli(['audit', '--repo', r.dir, '--since', '2030-01-01', '--format', 'mermaid'], {
      env: r.env,
    });
    expect(run).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No commits in the first-parent history of HEAD in that range.\n',
    });
  });

  it('is bad usage (exit 2) for a format it does not know, naming the three it knows', async () => {
    const run = await runCli(['audit', '--repo', r.dir, '--format', 'svg'], { env: r.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--format must be "text", "json" or "mermaid", not "svg"');
  });

  it('starts at --since and judges as --branch', async () => {
    const since = JSON.parse(
      (await runCli(['audit', '--repo', r.dir, '--since', '2021-04-28', '--format', 'json'], { env: r.env })).stdout,
    );
    expect(since.commits.map((c: { sha: string }) => c.sha)).toEqual([shas[2], shas[3]]);
    const asTesting = await runCli(['audit', '--repo', r.dir, '--branch', 'testing', '--format', 'json'], {
      env: r.env,
    });
    expect(JSON.parse(asTesting.stdout).commits[1].findings.map((f: { rule: string }) => f.rule)).not.toContain(
      'tracks-latest',
    );
  });

  it('warns that a shallow clone holds only part of the history, whose first period may have begun earlier', async () => {
    const shallow = `${r.dir}-shallow`;
    await runIn(r.dir, r.env, ['clone', '--quiet', '--depth', '2', '--branch', 'devel', `file://${r.dir}`, shallow]);
    try {
      const run = await runCli(['audit', '--repo', shallow, '--rev', 'devel'], { env: r.env });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(
        `apt-snapshots-bot audit: ${shallow} is a shallow clone: the history stops at its oldest fetched commit, so the first period may have begun earlier (git fetch --unshallow for all of it)\n`,
      );
      expect(run.stdout).toContain('Summary: 2 commits');
    } finally {
      await rm(shallow, { recursive: true, force: true });
    }
  });

  it('says so when the range is empty', async () => {
    const run = await runCli(['audit', '--repo', r.dir, '--since', '2030-01-01'], { env: r.env });
    expect(run).toEqual({
      code: 0,
      stdout: 'No commits in the first-parent history of HEAD in that range.\n',
      stderr: '',
    });
  });

  it('is bad usage (exit 2) for a revision that does not exist', async () => {
    const run = await runCli(['audit', '--repo', r.dir, '--rev', 'nope'], { env: r.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"nope"');
  });
});

describe('audit of a history whose state cannot be told', () => {
  let r: TestRepo & { commit: string };
  beforeAll(async () => {
    r = await makeRepo(
      { ...tailsTree(), [`${PATHS.MAIN}/debian/serial`]: 'junk\n' },
      { date: new Date('2021-04-01T10:00:00Z') },
    );
    await commitFiles(r, THAWED, 'Repair debian', { date: new Date('2021-04-11T10:00:00Z') });
  });
  afterAll(() => r.cleanup());

  it('says why a period is undecidable, and what undecidable means, in text and JSON', async () => {
    const text = await runCli(['audit', '--repo', r.dir], { env: r.env });
    const why = `${PATHS.MAIN}/debian/serial "junk" is not a serial`;
    expect(text.stdout).toContain(`2021-04-01 → 2021-04-11 (10 d)  undecidable (${why}`);
    expect(text.stdout).toMatch(/\nUndecidable: whether the branch was frozen cannot be told from the commit: .*\n$/);
    const json = JSON.parse((await runCli(['audit', '--repo', r.dir, '--format', 'json'], { env: r.env })).stdout);
    expect(json.commits[0]).toMatchObject({ status: 'undecidable', undecidable: expect.stringContaining(why) });
    expect(json.timeline[0]).toMatchObject({ status: 'undecidable', undecidable: expect.stringContaining(why) });
    expect(json.timeline[1]).not.toHaveProperty('undecidable');
    expect(json.statuses.undecidable).toMatch(/^whether the branch was frozen cannot be told from the commit: /);
  });
});

describe('auditHistory progress', () => {
  const commits: CommitToAudit[] = Array.from({ length: 40 }, (_, i) => ({
    sha: `c${i}`,
    date: new Date(Date.UTC(2021, 0, 1) + i * 3600_000),
    subject: `commit ${i}`,
  }));
  const reader = new MemoryReader(Object.fromEntries(commits.map((c) => [c.sha, tailsTree()])));

  it('says how far it got on a status line, then clears it', async () => {
    const stderr = collector(true);
    // No delay: the line shows at once (the command waits a second first).
    const audited = await auditHistory(commits, auditJudge(reader, 'devel'), { progress: new StatusLine(stderr, 0) });
    expect(audited.map((a) => a.sha)).toEqual(commits.map((c) => c.sha));
    expect(stderr.text).toMatch(/^\raudit: \d+ of 40 commits judged \(0 s\)\x1b\[K/);
    expect(stderr.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('writes nothing for a history judged within the delay', async () => {
    const stderr = collector(true);
    await auditHistory(commits, auditJudge(reader, 'devel'), { progress: new StatusLine(stderr) });
    expect(stderr.text).toBe('');
  });
});

describe('parseSince', () => {
  it.each([
    [undefined, undefined],
    ['2021-05-13', '2021-05-13T00:00:00.000Z'],
  ])('--since %j', (value, iso) => expect(parseSince(value)?.toISOString()).toBe(iso));
  it('refuses a date it cannot read', () => expect(() => parseSince('May 13')).toThrow(UsageError));
});

describe('audit of the real devel history', () => {
  let fixture: string;
  beforeAll(async () => {
    fixture = await cloneFixture();
  });
  afterAll(() => removeFixtureClone());

  it('judges every first-parent commit in well under 5 s', async () => {
    const started = performance.now();
    const run = await runCli(['audit', '--repo', fixture, '--format', 'json']);
    const elapsed = performance.now() - started;
    expect(run.code).toBe(0);
    const count = Number(
      (await runIn(fixture, process.env, ['rev-list', '--first-parent', '--count', 'devel'])).trim(),
    );
    expect(JSON.parse(run.stdout).commits).toHaveLength(count);
    expect(count).toBeGreaterThan(700);
    expect(elapsed).toBeLessThan(5000);
  });

  it('reports the 4.19~rc1 freeze left on devel for minutes, and the thaw that ends at the tip', async () => {
    const { stdout } = await runCli(['audit', '--repo', fixture, '--rev', 'devel', '--since', '2021-01-01']);
    expect(stdout).toMatch(
      /^2021-05-13 → 2021-05-13 \(0 d\) {2}frozen after 'Freeze APT snapshots for 4\.19~rc1\.' \(bf1e35f1cb, 1 commit\); wrong: tracks-latest: config\/APT_snapshots\.d\/debian\/serial: devel was left frozen/m,
    );
    expect(stdout).toMatch(
      /^2021-05-13 → 2021-07-13 \(61 d\) {2}thawed after 'Thaw APT snapshots\.' \(207581b5f7, 22 commits\); still so at the tip$/m,
    );
    expect(stdout).toMatch(/^Summary: \d+ commits, \d+ wrong \(failure\); frozen \d+ times? \(\d+ d in all\)/m);
  });
});
