import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/domain/finding.js';
import { cloneFixture, removeFixtureClone } from '../helpers/fixture.js';
import { commitFiles, repoPerTest, type TestRepo } from '../helpers/git-repo.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { runCli } from './helpers/run-cli.js';
import { releaseRoute } from './helpers/snapshot-routes.js';

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const NOW = '2021-05-20T12:00:00Z';

const repo = repoPerTest();

function check(r: TestRepo, args: string[]) {
  return runCli(['check', '--repo', r.dir, '--now', NOW, ...args], { env: r.env });
}

const rulesOf = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.rule} ${f.path}`);

describe('check on temporary repositories, offline', () => {
  it('passes a thawed devel (exit 0) with a readable report', async () => {
    const r = await repo(tailsTree());
    const run = await check(r, ['--ref', 'devel', '--branch', 'devel', '--offline']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Checked devel = ${r.commit.slice(0, 10)} "Initial commit"`);
    expect(run.stdout).toMatch(
      /^ {2}main \(config\/APT_snapshots\.d\)\n {4}debian {11}latest\n {4}debian-security {2}latest\n {4}torproject {7}latest$/m,
    );
    expect(run.stdout).toContain('Findings: none');
    expect(run.stdout).toContain('Skipped rules:\n  snapshot-expiry: needs the snapshot server (offline)');
    expect(run.stdout).toMatch(/Conclusion: success \(0 errors, 0 warnings, 0 notices\)\n$/);
  });

  it('judges unpushed commits under the rules of what they would be pushed onto, origin/BRANCH', async () => {
    const r = await repo(tailsTree());
    await r.git(['update-ref', 'refs/remotes/origin/devel', r.commit]);
    await commitFiles(r, { '.github/apt-snapshots.yml': 'branches:\n  development: []\n' }, 'Relax the rules');
    await commitFiles(r, { [`${PATHS.MAIN}/debian/serial`]: '2021051301\n' }, 'Pin debian');
    const run = await check(r, ['--branch', 'devel', '--offline', '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.rules).toMatchObject({ origin: 'before', rev: r.commit });
    expect(rulesOf(report.findings)).toContain(`error tracks-latest ${PATHS.MAIN}/debian/serial`);
  });

  it('judges a commit under the rules of its parent, and shows what it changes in them', async () => {
    const r = await repo(tailsTree());
    const parent = r.commit;
    await commitFiles(
      r,
      {
        '.github/apt-snapshots.yml': 'branches:\n  development: []\n',
        [`${PATHS.MAIN}/debian/serial`]: '2021051301\n',
      },
      'Relax the rules and pin',
    );
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `Rules: the defaults (no .github/apt-snapshots.yml at ${parent.slice(0, 7)}) (the parent of the judged commit)\n`,
    );
    expect(run.stdout).toContain(
      'Rules change at this commit (takes effect once it has landed): .github/apt-snapshots.yml\n  branches.development: ["devel"] → []\n  --- /dev/null\n  +++ b/.github/apt-snapshots.yml\n',
    );
    expect(run.stdout).toContain('devel was left frozen');

    const json = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline', '--format', 'json']);
    expect(JSON.parse(json.stdout).rules).toEqual({
      origin: 'parent',
      path: '.github/apt-snapshots.yml',
      rev: parent,
      present: false,
      problems: [],
      change: { fields: [{ field: 'branches.development', before: '["devel"]', after: '[]' }], problems: [] },
    });
  });

  it('takes the rules from --before when given', async () => {
    const r = await repo({ ...tailsTree(), '.github/apt-snapshots.yml': 'branches:\n  development: []\n' });
    const before = r.commit;
    await commitFiles(r, { '.github/apt-snapshots.yml': null }, 'Back to the defaults');
    await commitFiles(r, { [`${PATHS.MAIN}/debian/serial`]: '2021051301\n' }, 'Pin');
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline', '--before', before]);
    expect(run.stdout).toContain(
      `Rules: .github/apt-snapshots.yml at ${before.slice(0, 7)} (the commit before the push)`,
    );
    expect(run.stdout).not.toContain('devel was left frozen');
    const parentRules = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline']);
    expect(parentRules.stdout).toContain('devel was left frozen');
  });

  it.each([
    ['latest\r\n', 'a carriage return'],
    ['\uFEFFlatest\n', 'a byte-order mark (U+FEFF)'],
  ])('fails a serial file holding %j, naming the invisible character', async (content, what) => {
    const r = await repo({ ...tailsTree(), [`${PATHS.MAIN}/debian/serial`]: content });
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline', '--format', 'json']);
    expect(run.code).toBe(1);
    const finding = (JSON.parse(run.stdout).findings as Finding[]).find((f) => f.rule === 'serial-syntax');
    expect(finding).toMatchObject({ severity: 'error', path: `${PATHS.MAIN}/debian/serial` });
    expect(finding?.message).toContain(`contains ${what}`);
  });

  it('fails a frozen devel (exit 1), printing each finding with its file and hint', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}error {4}config\/APT_snapshots\.d\/debian\/serial {2}devel was left frozen/m);
    expect(run.stdout).toMatch(/^ {11}hint: Thaw devel/m);
    expect(run.stdout).toContain('Conclusion: failure (2 errors, 0 warnings, 0 notices)');
  });

  it('prints exactly ref, branch, conclusion, findings and state as JSON', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline', '--format', 'json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual([
      'ref',
      'branch',
      'conclusion',
      'findings',
      'skipped',
      'unanswered',
      'rules',
      'state',
    ]);
    expect(json.rules).toEqual({ origin: 'defaults', path: '.github/apt-snapshots.yml', present: false, problems: [] });
    expect(json.skipped).toEqual([{ rule: 'snapshot-expiry', reason: 'needs the snapshot server (offline)' }]);
    expect(json).toMatchObject({ ref: 'HEAD', branch: 'devel', conclusion: 'failure' });
    expect(rulesOf(json.findings)).toEqual([
      `error tracks-latest ${PATHS.MAIN}/debian/serial`,
      `error tracks-latest ${PATHS.MAIN}/torproject/serial`,
    ]);
    expect(json.state.commit.sha).toBe(r.commit);
    expect(json.state.sets.main.origins.debian).toEqual({ path: `${PATHS.MAIN}/debian/serial`, serial: '2021051301' });
    expect(json.state.baseBranch.name).toBe('devel');
  });

  it('compares a topic branch with its base branch, found locally or given', async () => {
    const r = await repo(tailsTree());
    await r.git(['checkout', '--quiet', '-b', 'feature/1234-foo']);
    await commitFiles(r, { [`${PATHS.MAIN}/debian/serial`]: '2021051301\n' }, 'Pin debian');
    const found = JSON.parse(
      (await check(r, ['--ref', 'HEAD', '--branch', 'feature/1234-foo', '--offline', '--format', 'json'])).stdout,
    );
    expect(rulesOf(found.findings)).toContain(`warning diverges-from-base ${PATHS.MAIN}/debian/serial`);
    const given = await check(r, [
      '--ref',
      'HEAD',
      '--branch',
      'feature/1234-foo',
      '--base-ref',
      'HEAD',
      '--offline',
      '--format',
      'json',
    ]);
    expect(rulesOf(JSON.parse(given.stdout).findings).filter((f) => f.includes('diverges-from-base'))).toEqual([]);
  });

  // Tails topic branches live for weeks; testing is frozen anew meanwhile.
  it('does not blame a topic branch for its base moving on since it forked, only for what it changed itself', async () => {
    const r = await repo(
      tailsTree({ baseBranch: 'testing', main: { ...FROZEN, debian: '2021050101', torproject: '2021050101' } }),
      { branch: 'testing' },
    );
    await r.git(['branch', 'bugfix/1234-foo']);
    await commitFiles(
      r,
      { [`${PATHS.MAIN}/debian/serial`]: '2021051301\n', [`${PATHS.MAIN}/torproject/serial`]: '2021051301\n' },
      'Freeze APT snapshots for 4.20~rc1.',
    );
    await r.git(['checkout', '--quiet', 'bugfix/1234-foo']);
    const kept = await check(r, ['--ref', 'HEAD', '--branch', 'bugfix/1234-foo', '--offline']);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(
      new RegExp(`^Compared with base branch testing at [0-9a-f]{10}, forked at ${r.commit.slice(0, 10)}$`, 'm'),
    );
    await commitFiles(r, { [`${PATHS.MAIN}/torproject/serial`]: '2021040101\n' }, 'Go back');
    const moved = await check(r, ['--ref', 'HEAD', '--branch', 'bugfix/1234-foo', '--offline', '--format', 'json']);
    expect(moved.code).toBe(1);
    expect(rulesOf(JSON.parse(moved.stdout).findings)).toEqual([
      `error serial-regression ${PATHS.MAIN}/torproject/serial`,
    ]);
  });

  it('says when the base branch cannot be found', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing' }), { branch: 'feature/1234-foo' });
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'feature/1234-foo', '--offline']);
    expect(run.stdout).toContain('the base branch "testing" was not found');
  });

  it('catches a serial going back in time since --before', async () => {
    const r = await repo(tailsTree({ baseBranch: 'testing', main: { ...FROZEN, debian: '2021051302' } }), {
      branch: 'testing',
    });
    const before = r.commit;
    await commitFiles(r, { [`${PATHS.MAIN}/debian/serial`]: '2021051301\n' }, 'Go back');
    const run = await check(r, [
      '--ref',
      'HEAD',
      '--branch',
      'testing',
      '--before',
      before,
      '--offline',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(1);
    expect(rulesOf(JSON.parse(run.stdout).findings)).toContain(`error serial-regression ${PATHS.MAIN}/debian/serial`);
  });

  it('reports an invalid configuration at the ref as an error finding (exit 1)', async () => {
    const r = await repo({ ...tailsTree(), '.github/apt-snapshots.yml': 'branches:\n  development: [nope]\n' });
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings[0]).toMatchObject({
      rule: 'config',
      severity: 'error',
      path: '.github/apt-snapshots.yml',
    });
  });
});

describe('check --config', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('judges with the file given, merged over the defaults', async () => {
    const r = await repo(tailsTree({ main: FROZEN }));
    await writeFile(join(dir, 'c.yml'), 'branches:\n  development: []\n');
    const run = await check(r, [
      '--ref',
      'HEAD',
      '--branch',
      'devel',
      '--offline',
      '--config',
      join(dir, 'c.yml'),
      '--format',
      'json',
    ]);
    expect(rulesOf(JSON.parse(run.stdout).findings).filter((f) => f.includes('tracks-latest'))).toEqual([]);
  });

  it('is bad usage (exit 2) when the file cannot be read', async () => {
    const r = await repo(tailsTree());
    const run = await check(r, [
      '--ref',
      'HEAD',
      '--branch',
      'devel',
      '--offline',
      '--config',
      join(dir, 'missing.yml'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`apt-snapshots-bot check: cannot read --config ${join(dir, 'missing.yml')}: ENOENT`);
  });

  it.each([
    ['a huge file', 'huge.yml'],
    ['an endless device', '/dev/zero'],
  ])('is bad usage (exit 2), read no further than its limit, for %s', async (_name, file) => {
    const r = await repo(tailsTree());
    const path = file.startsWith('/') ? file : join(dir, file);
    if (!file.startsWith('/')) await writeFile(path, `# ${'x'.repeat(200_000)}\n`);
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline', '--config', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `apt-snapshots-bot check: cannot read --config ${path}: it is larger than 65536 bytes, far too large for a configuration file`,
    );
  });

  it('is bad usage (exit 2) when the file is invalid, naming the field', async () => {
    const r = await repo(tailsTree());
    await writeFile(join(dir, 'c.yml'), 'snapshot_server:\n  retries: 99\n');
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--offline', '--config', join(dir, 'c.yml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `invalid --config ${join(dir, 'c.yml')}:\n  ${join(dir, 'c.yml')}: snapshot_server.retries:`,
    );
  });
});

describe('check of what cannot be read (exit 2)', () => {
  it.each<[string, (r: TestRepo) => string[], string]>([
    ['a missing repository', (r) => ['--repo', join(r.dir, 'nope'), '--ref', 'HEAD'], 'is not a directory'],
    [
      'a directory that is no repository',
      (r) => ['--repo', join(r.dir, 'config'), '--ref', 'HEAD'],
      'not a git repository',
    ],
    [
      'a missing revision',
      (r) => ['--repo', r.dir, '--ref', 'no-such-branch'],
      'revision "no-such-branch" does not exist',
    ],
  ])('%s', async (_name, args, words) => {
    const r = await repo(tailsTree());
    const env = { ...r.env, GIT_CEILING_DIRECTORIES: r.dir };
    const run = await runCli(['check', ...args(r), '--branch', 'devel', '--offline'], { env });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(words);
  });
});

describe('check with a snapshot server', () => {
  let server: LocalHttpServer;
  const TESTING = tailsTree({
    baseBranch: 'testing',
    main: FROZEN,
    builder: { debian: '2021051301', 'debian-security': '2021051301', tails: '2021051301' },
  });
  beforeAll(async () => {
    server = await startHttpServer(
      Object.fromEntries([
        releaseRoute('debian', 'stable', '2021051301', 'Sat, 13 Nov 2021 10:00:00 UTC'),
        releaseRoute('torproject', 'buster', '2021051301', 'Sat, 22 May 2021 10:00:00 UTC'),
        releaseRoute('debian-security', 'buster/updates', '2021051301', null),
        releaseRoute('tails', 'stable', '2021051301', 'Sat, 13 Nov 2021 10:00:00 UTC'),
      ]),
    );
  });
  afterAll(() => server.close());

  it('checks the expiry of pinned snapshots', async () => {
    const r = await repo(TESTING, { branch: 'testing' });
    const run = await check(r, [
      '--ref',
      'HEAD',
      '--branch',
      'testing',
      '--snapshot-server',
      server.url,
      '--format',
      'json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const findings: Finding[] = JSON.parse(run.stdout).findings;
    expect(findings.filter((f) => f.rule === 'snapshot-expiry')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        path: `${PATHS.MAIN}/torproject/serial`,
        message: expect.stringContaining('expires on 2021-05-22 10:00 UTC'),
      }),
    ]);
    expect(server.requestsTo('/debian/dists/stable/snapshots/2021051301/Release')).toHaveLength(1);
    expect(server.requestsTo('/tails/dists/stable/snapshots/2021051301/Release')).toHaveLength(1);
  });

  it('fails a release branch whose snapshot expired', async () => {
    const r = await repo(TESTING, { branch: 'testing' });
    const run = await runCli(
      [
        'check',
        '--repo',
        r.dir,
        '--ref',
        'HEAD',
        '--branch',
        'testing',
        '--snapshot-server',
        server.url,
        '--now',
        '2021-06-01T00:00:00Z',
      ],
      { env: r.env },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /error {4}config\/APT_snapshots\.d\/torproject\/serial {2}Snapshot torproject 2021051301 .* expired on 2021-05-22 10:00 UTC/,
    );
  });

  // A 404 is an answer: the snapshot is gone (garbage-collected) or never was (a mistyped serial).
  it.each([
    ['testing', 1, 'error'],
    ['feature/1234-foo', 0, 'warning'],
  ] as const)(
    'judges a snapshot the server does not have on %s like an expired one, not as a server that did not answer',
    async (branch, code, severity) => {
      const files = { ...TESTING, [`${PATHS.MAIN}/debian/serial`]: '2021051399\n' };
      const r = await repo(files, { branch: 'testing' });
      const run = await check(r, [
        '--ref',
        'HEAD',
        '--branch',
        branch,
        '--base-ref',
        'HEAD',
        '--snapshot-server',
        server.url,
        '--format',
        'json',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(code);
      const findings: Finding[] = JSON.parse(run.stdout).findings;
      expect(findings.filter((f) => f.path === `${PATHS.MAIN}/debian/serial`)).toContainEqual(
        expect.objectContaining({
          rule: 'snapshot-expiry',
          severity,
          fix: 'bump',
          message: expect.stringContaining(
            `Snapshot debian 2021051399 (pinned in the main set (${PATHS.MAIN}) on ${branch}) is not on the snapshot server: ${server.url}/debian/dists/stable/snapshots/2021051399/Release: HTTP 404`,
          ),
        }),
      );
    },
  );

  it('exits 3 when the server cannot be reached, still printing the report', async () => {
    const r = await repo(TESTING, { branch: 'testing' });
    const down = await closedPortUrl();
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'testing', '--snapshot-server', down, '--format', 'json']);
    expect(run.code).toBe(3);
    const port = new URL(down).port;
    expect(run.stderr).toBe(
      [
        `apt-snapshots-bot check: the snapshot server ${down}/ (from --snapshot-server) could not answer 4 lookup(s):`,
        `  ${down}/debian/dists/stable/snapshots/2021051301/Release: connection refused by 127.0.0.1:${port} (after 3 attempts)`,
        `  ${down}/torproject/dists/buster/snapshots/2021051301/Release: connection refused by 127.0.0.1:${port} (after 3 attempts)`,
        `  ${down}/debian-security/dists/buster/updates/snapshots/2021051301/Release: connection refused by 127.0.0.1:${port} (after 3 attempts)`,
        `  ${down}/tails/dists/stable/snapshots/2021051301/Release: connection refused by 127.0.0.1:${port} (after 3 attempts)`,
        `hint: nothing listens at 127.0.0.1:${port}: check that the snapshot server is running and the port in its URL`,
        '',
      ].join('\n'),
    );
    // testing is a release branch: an expiry that could not be checked fails it closed.
    const json = JSON.parse(run.stdout);
    expect(json.conclusion).toBe('failure');
    expect(json.unanswered).toHaveLength(4);
  });

  // devel left frozen is wrong whatever the server says: a script that retries on 3 would retry for ever.
  it('exits 1, not 3, when a definite error stands beside the outage', async () => {
    const r = await repo(tailsTree({ main: FROZEN }), { branch: 'devel' });
    const down = await closedPortUrl();
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--snapshot-server', down, '--format', 'json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.unanswered.length).toBeGreaterThan(0);
    expect(json.findings).toContainEqual(expect.objectContaining({ rule: 'tracks-latest', severity: 'error' }));
  });

  it('says the judgement is incomplete when the server cannot be reached for a branch that needs no freeze', async () => {
    const r = await repo(tailsTree(), { branch: 'devel' });
    const down = await closedPortUrl();
    const text = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--snapshot-server', down]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(
      /Conclusion: incomplete \(0 errors, 3 warnings, 0 notices; the snapshot server did not answer 3 lookup\(s\), so the rules that need it could not decide everything\)/,
    );
    const json = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--snapshot-server', down, '--format', 'json']);
    expect(JSON.parse(json.stdout).conclusion).toBe('incomplete');
  });

  it('does not need the server for a thawed devel', async () => {
    const r = await repo(tailsTree({ builder: { debian: 'latest' } }));
    const run = await check(r, ['--ref', 'HEAD', '--branch', 'devel', '--snapshot-server', await closedPortUrl()]);
    expect(run.code).toBe(0);
  });

  it('refuses a server URL with credentials without echoing them', async () => {
    const r = await repo(tailsTree());
    const run = await check(r, [
      '--ref',
      'HEAD',
      '--branch',
      'devel',
      '--snapshot-server',
      'http://user:s3cret@127.0.0.1:1/',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('must not contain credentials');
    expect(run.stderr).not.toContain('s3cret');
  });
});

describe('check against the real Tails history', () => {
  let fixture: string;
  beforeAll(async () => {
    fixture = await cloneFixture();
  });
  afterAll(() => removeFixtureClone());

  it('passes devel right after the 4.19~rc1 thaw (207581b)', async () => {
    const run = await runCli([
      'check',
      '--repo',
      fixture,
      '--ref',
      '207581b',
      '--branch',
      'devel',
      '--offline',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ref: '207581b',
      branch: 'devel',
      conclusion: 'success',
      findings: [],
    });
  });

  it('fails the 4.19~rc1 freeze (bf1e35f) judged as devel with tracks-latest', async () => {
    const run = await runCli([
      'check',
      '--repo',
      fixture,
      '--ref',
      'bf1e35f',
      '--branch',
      'devel',
      '--offline',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.conclusion).toBe('failure');
    expect(rulesOf(json.findings)).toEqual([
      `error tracks-latest ${PATHS.MAIN}/debian/serial`,
      `error tracks-latest ${PATHS.MAIN}/torproject/serial`,
    ]);
    expect(json.state.changelog).toEqual({ path: 'debian/changelog', version: '4.19~beta1', distribution: 'unstable' });
  });
});
