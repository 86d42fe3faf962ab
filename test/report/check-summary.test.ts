import { checkRunSummary } from '../../src/adapters/github/check-output.js';
import { defaultConfig } from '../../src/config/defaults.js';
import type { Finding } from '../../src/domain/finding.js';
import { evaluate, type Evaluation } from '../../src/flow/evaluate.js';
import { readOnlyView } from '../../src/ports/repository.js';
import type { CheckSubject } from '../../src/report/check-subject.js';
import { parseSubjectMarker } from '../../src/report/check-subject.js';
import { checkTitle, renderCheck, SUMMARY_BUDGET, type CheckInput } from '../../src/report/check-summary.js';
import type { Verdict } from '../../src/rules/judge.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const NOW = new Date('2021-05-14T00:00:00Z');
const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const HEAD = '1'.repeat(40);
const BASE = '2'.repeat(40);
const BEFORE = '3'.repeat(40);

const PULL_REQUEST: CheckSubject = {
  kind: 'pull_request',
  number: 7,
  branch: 'feature/x',
  sha: HEAD,
  baseRef: 'devel',
  baseSha: BASE,
  fromFork: false,
};

async function evaluation(
  trees: Record<string, ReturnType<typeof tailsTree>>,
  branch: string,
  extra: { before?: boolean; base?: boolean } = {},
): Promise<Evaluation> {
  const reader = new MemoryReader(trees);
  return evaluate({
    repository: readOnlyView(reader),
    rev: 'head',
    branch,
    ...(extra.before ? { beforeRev: 'before' } : {}),
    ...(extra.base ? { baseRev: 'base' } : {}),
    rules: { kind: 'before-change', ...(extra.before ? { rev: 'before' } : {}), label: 'before' },
    defaults: defaultConfig(),
    now: NOW,
  });
}

function input(ev: Evaluation, overrides: Partial<CheckInput> = {}): CheckInput {
  const subject: CheckSubject = { kind: 'push', branch: 'devel', sha: HEAD, before: BEFORE };
  return {
    name: 'APT snapshots',
    subject,
    evaluation: ev,
    repoUrl: 'https://github.com/tails/tails',
    fixable: true,
    ...overrides,
  };
}

const finding = (severity: Finding['severity'], message: string): Finding => ({
  rule: 'r',
  severity,
  path: 'p',
  message,
});
const verdict = (findings: Finding[]): Verdict => ({
  conclusion: findings.some((f) => f.severity === 'error') ? 'failure' : 'success',
  findings,
  skipped: [],
  unanswered: [],
});

describe('checkTitle', () => {
  it.each([
    [[], 'All snapshot rules pass'],
    [[finding('notice', 'n1'), finding('notice', 'n2')], 'All snapshot rules pass (2 notices)'],
    [[finding('warning', 'soon expires')], '1 warning: soon expires'],
    [
      [finding('error', 'devel tracks frozen serials'), finding('error', 'other'), finding('warning', 'w')],
      '2 errors, 1 warning: devel tracks frozen serials',
    ],
  ])('%j -> %s', (findings, title) => {
    expect(checkTitle(verdict(findings))).toBe(title);
  });

  it('cuts a long message to one line of at most 120 characters', () => {
    const title = checkTitle(verdict([finding('error', `line one\n${'x'.repeat(300)}`)]));
    expect(title).toHaveLength(120);
    expect(title).toMatch(/^1 error: line one x+…$/);
  });
});

describe('renderCheck', () => {
  it('fails devel left frozen, with a table, findings with hints, annotations and a thaw button', async () => {
    const ev = await evaluation({ head: tailsTree({ main: FROZEN }), before: tailsTree() }, 'devel', { before: true });
    const report = renderCheck(input(ev));
    expect(report).toMatchObject({ name: 'APT snapshots', headSha: HEAD, conclusion: 'failure' });
    expect(report.title).toMatch(/^2 errors: devel was left frozen/);
    expect(report.summary).toContain('#### main — `config/APT_snapshots.d` (frozen)');
    expect(report.summary).toContain('| origin | this branch (`devel`) | before the push (`2222222`) |');
    expect(report.summary).toContain('| `debian` | `2021051301` | `latest` |');
    expect(report.summary).toContain('| `debian-security` | `latest` | `latest` |');
    expect(report.summary).toContain(
      `[\`${PATHS.MAIN}/debian/serial\`](https://github.com/tails/tails/blob/${HEAD}/${PATHS.MAIN}/debian/serial)`,
    );
    expect(report.summary).toContain('<br>↳ Thaw devel: write `latest` into every serial file of the main set.');
    expect(report.summary).toContain(
      '**Rules:** the defaults; there is no `.github/apt-snapshots.yml` at `2222222` (the commit before the push). A change never judges itself under rules it brings.',
    );
    expect(report.fixes).toEqual([
      {
        label: 'Fix it: thaw',
        description: 'Open a pull request that thaws it',
        identifier: 'fix-thaw',
        command: '/apt-snapshots thaw devel',
      },
    ]);
    const tracks = report.annotations.filter((a) => a.title === 'error: tracks-latest');
    expect(tracks.map((a) => [a.path, a.line, a.level])).toEqual([
      [`${PATHS.MAIN}/debian/serial`, 1, 'failure'],
      [`${PATHS.MAIN}/torproject/serial`, 1, 'failure'],
    ]);
    expect(tracks[0]?.message).toMatch(/pinned to 2021051301[\s\S]*\n\nThaw devel/);
  });

  it('passes a thawed devel and offers no button', async () => {
    const ev = await evaluation({ head: tailsTree() }, 'devel');
    const report = renderCheck(input(ev, { subject: { kind: 'push', branch: 'devel', sha: HEAD } }));
    expect(report.conclusion).toBe('success');
    expect(report.fixes).toEqual([]);
    expect(report.summary).toContain('✅ no errors or warnings** for `devel` at `1111111`, a new branch.');
    expect(report.summary).toContain('| origin | this branch (`devel`) |\n| --- | --- |\n| `debian` | `latest` |\n');
  });

  it('compares a topic branch with its base and bolds what differs', async () => {
    const ev = await evaluation(
      {
        head: tailsTree({ baseBranch: 'testing', main: { ...FROZEN, debian: '2021051401' } }),
        base: tailsTree({ baseBranch: 'testing', main: FROZEN }),
      },
      'bugfix/1-foo',
      { base: true },
    );
    const report = renderCheck(input(ev, { subject: { kind: 'push', branch: 'bugfix/1-foo', sha: HEAD } }));
    expect(report.summary).toContain(
      '| origin | this branch (`bugfix/1-foo`) | base branch (`testing` at `2222222`) |\n| --- | --- | --- |\n',
    );
    expect(report.summary).toContain('| `debian` | **`2021051401`** | `2021051301` |');
    expect(report.summary).toContain('| `torproject` | `2021051301` | `2021051301` |');
  });

  it('warns when a pull request goes somewhere else than config/base_branch says, and names the real base', async () => {
    const ev = await evaluation(
      { head: tailsTree({ baseBranch: 'testing', main: FROZEN }), base: tailsTree({ baseBranch: 'devel' }) },
      'bugfix/1-foo',
      { base: true },
    );
    const subject: CheckSubject = {
      kind: 'pull_request',
      number: 3,
      branch: 'bugfix/1-foo',
      sha: HEAD,
      baseRef: 'devel',
      baseSha: BASE,
      fromFork: false,
    };
    const report = renderCheck(input(ev, { subject }));
    expect(report.summary).toContain(
      "⚠️ `config/base_branch` names `testing`, but this pull request goes into `devel`: the serials were compared with `devel`. Check the pull request's base, or `config/base_branch`.",
    );
    expect(report.summary).toContain('| origin | this branch (`bugfix/1-foo`) | base branch (`devel` at `2222222`) |');
    const matching = renderCheck(input(ev, { subject: { ...subject, baseRef: 'testing' } }));
    expect(matching.summary).not.toContain('⚠️ `config/base_branch` names');
  });

  it('shows the fix only where the bot may push it', async () => {
    const ev = await evaluation({ head: tailsTree({ main: FROZEN }) }, 'devel');
    const report = renderCheck(input(ev, { fixable: false }));
    expect(report.fixes).toEqual([]);
    expect(report.summary).not.toContain('opens a pull request');
  });

  it("says a fork's pull request is fixed by its author, since the bot cannot push there", async () => {
    const ev = await evaluation({ head: tailsTree({ main: FROZEN }) }, 'devel');
    const fork: CheckSubject = {
      kind: 'pull_request',
      number: 7,
      branch: 'devel',
      sha: HEAD,
      baseRef: 'devel',
      baseSha: BASE,
      fromFork: true,
    };
    const report = renderCheck(input(ev, { subject: fork, fixable: false }));
    expect(report.fixes).toEqual([]);
    expect(report.summary).toContain(
      "This pull request comes from a fork, which the bot never pushes to: its author applies the fixes on the fork's branch, as each finding's ↳ says.",
    );
    const same = renderCheck(input(ev, { subject: { ...fork, fromFork: false }, fixable: false }));
    expect(same.summary).not.toContain('comes from a fork');
  });

  it('speaks GitLab where fixes are commands and change requests are merge requests', async () => {
    const ev = await evaluation({ head: tailsTree({ main: FROZEN }) }, 'devel');
    const gitlab = { changeRequestName: 'merge request', fixesAs: 'commands' as const };
    const report = renderCheck(input(ev, gitlab));
    expect(report.summary).toContain('(`/apt-snapshots thaw devel`, below, opens a merge request)');
    expect(report.summary).not.toMatch(/pull request|Fix it/);
    expect(report.fixes.map((f) => f.command)).toEqual(['/apt-snapshots thaw devel']);
    const fork: CheckSubject = { ...PULL_REQUEST, baseRef: 'testing', fromFork: true };
    const underBase = { ...ev, rules: { ...ev.rules, origin: 'pull-request-base' as const } };
    const forked = renderCheck(
      input(underBase, { ...gitlab, changeRequestLabel: 'merge request !7', subject: fork, fixable: false }),
    );
    expect(forked.summary).toContain('for merge request !7: `feature/x`');
    expect(forked.summary).toContain('This merge request comes from a fork');
    expect(forked.summary).toContain("the merge request's base");
    expect(forked.summary).not.toContain('pull request');
  });

  it('says where the rules of a pull request came from and shows its configuration change with its problems', async () => {
    const ev = await evaluation({ head: tailsTree() }, 'devel');
    const subject = PULL_REQUEST;
    ev.rules = {
      origin: 'pull-request-base',
      rev: BASE,
      path: '.github/apt-snapshots.yml',
      file: { kind: 'text', text: 'bot:\n  check_name: APT\n' },
      problems: [],
    };
    ev.rulesChange = {
      path: '.github/apt-snapshots.yml',
      before: { kind: 'text', text: 'bot:\n  check_name: APT\n' },
      after: { kind: 'text', text: 'bot:\n  check_name: APT\nbranches:\n  development: []\n' },
      fields: [{ field: 'branches.development', before: '["devel"]', after: '[]' }],
      problems: [{ file: '.github/apt-snapshots.yml', field: 'branches.development', message: 'nope' }],
    };
    const report = renderCheck(input(ev, { subject }));
    expect(report.summary).toContain('pull request #7: `feature/x` at `1111111` into `devel` at `2222222`');
    expect(report.summary).toContain(
      "**Rules:** the defaults, overridden by `.github/apt-snapshots.yml` at `2222222` (the pull request's base). A change never judges itself under rules it brings.",
    );
    expect(report.summary).toContain('### ⚠️ This change edits the rules, `.github/apt-snapshots.yml`');
    expect(report.summary).toContain('- branches.development: \\["devel"\\] → \\[\\]');
    expect(report.summary).toContain('```diff\n bot:\n   check_name: APT\n+branches:\n+  development: []\n```');
    expect(report.summary).toContain('- .github/apt-snapshots.yml: branches.development: nope');
    expect(parseSubjectMarker(report.summary)).toEqual(subject);
  });

  it('keeps the summary under GitHub limit by listing fewer findings', async () => {
    const ev = await evaluation({ head: tailsTree() }, 'devel');
    const many: Finding[] = Array.from({ length: 2000 }, (_, i) => ({
      rule: 'r',
      severity: 'warning',
      path: `f${i}`,
      message: 'm'.repeat(100),
    }));
    ev.verdict.findings = many;
    const report = renderCheck(input(ev));
    expect(report.summary.length).toBeGreaterThan(SUMMARY_BUDGET - 2000);
    expect(report.summary.length).toBeLessThanOrEqual(65535);
    expect(report.summary).toMatch(/- … and \d+ more findings, each also shown at its line\./);
    expect(report.annotations).toHaveLength(2000);
    expect(parseSubjectMarker(report.summary)?.sha).toBe(HEAD);
  });

  it.each([
    [
      'a branch with thousands of origins',
      'origins',
      'more lines of these tables not shown; every finding below names its file.)*',
    ],
    ['a pull request that rewrites a large configuration file', 'config', 'more lines of the change not shown.)*'],
    ['a note longer than the limit', 'note', "*(Summary cut to GitHub's limit: "],
  ])(
    'keeps %s under GitHub limit once shown there, with its subject marker, so it can still be re-run',
    async (_what, kind, cut) => {
      const origins =
        kind === 'origins'
          ? Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`origin-${i}`, '2021051301']))
          : FROZEN;
      const ev = await evaluation({ head: tailsTree({ main: origins }), before: tailsTree() }, 'devel', {
        before: true,
      });
      const big = (seed: string) =>
        Array.from({ length: 2000 }, (_, i) => `# ${seed} ${i} ${'x'.repeat(20)}`).join('\n');
      const subject = PULL_REQUEST;
      const overrides: Partial<CheckInput> =
        kind === 'config' ? { subject } : kind === 'note' ? { notes: ['n'.repeat(70_000)] } : {};
      if (kind === 'config') {
        ev.rulesChange = {
          path: '.github/apt-snapshots.yml',
          before: { kind: 'text', text: big('old') },
          after: { kind: 'text', text: big('new') },
          fields: [],
          problems: [],
        };
      }
      const shown = checkRunSummary(renderCheck(input(ev, overrides)).summary);
      expect(shown.length).toBeLessThanOrEqual(65535);
      expect(parseSubjectMarker(shown)).toEqual(overrides.subject ?? input(ev).subject);
      expect(shown).toContain(cut);
      if (kind !== 'note') expect(shown).toContain('### Findings');
    },
  );

  it('lists skipped rules and escapes hostile branch names', async () => {
    const ev = await evaluation({ head: tailsTree() }, 'devel');
    const report = renderCheck(input(ev, { subject: { kind: 'push', branch: 'a`b|<img>', sha: HEAD } }));
    expect(report.summary).toContain('### Skipped rules\n\n- `snapshot-expiry`: needs the snapshot server (offline)');
    expect(report.summary).toContain('this branch (``a`b\\|<img>``)');
  });

  it('adds the notes it is given at the top', async () => {
    const ev = await evaluation({ head: tailsTree() }, 'devel');
    const report = renderCheck(input(ev, { notes: ['Opened #12.'] }));
    expect(report.summary.split('\n')[2]).toBe('Opened #12.');
  });
});
