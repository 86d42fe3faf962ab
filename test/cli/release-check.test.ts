import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHOWN_PACKAGE_CHANGES } from '../../src/cli/release-report.js';
import { commitFiles, repoPerTest, type TestRepo } from '../helpers/git-repo.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { PATHS } from '../helpers/snapshot.js';
import { BUILDER, EPOCH, MAIN, MANIFEST, manifestYaml, releaseTree } from './helpers/release-repo.js';
import { runCli } from './helpers/run-cli.js';
import { releaseRoute } from './helpers/snapshot-routes.js';

const NOW = '2021-07-13T00:00:00Z';
const repo = repoPerTest();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-release-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function releaseCheck(r: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(['release', 'check', '--repo', r.dir, '--now', NOW, ...args], { env: { ...r.env, ...env } });
}

async function tagged(
  tag = '4.20',
  options: { annotated?: boolean; version?: string } = {},
): Promise<TestRepo & { commit: string }> {
  const r = await repo(releaseTree({ version: options.version ?? '4.20' }), { message: 'Update changelog for 4.20.' });
  await r.git(options.annotated ? ['tag', '-a', '-m', `Tails ${tag}`, tag] : ['tag', tag]);
  return r;
}

describe('release check, offline', () => {
  it('passes a sound release (exit 0) and says what it judged, the jobs and their parameters', async () => {
    const r = await tagged('4.20', { annotated: true });
    await r.git(['tag', '4.19']);
    await r.git(['tag', '4.20-rc1']);
    await r.git(['tag', '4.19-beta1']);
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^Checked tag 4\\.20 = ${r.commit.slice(0, 10)} "Update changelog for 4\\.20\\." \\(\\d{4}-\\d\\d-\\d\\d\\)\n`,
      ),
    );
    expect(run.stdout).toContain('Rules: the defaults (nothing came before this commit)\n');
    expect(run.stdout).toContain(`Version:     4.20 (unstable; SOURCE_DATE_EPOCH ${EPOCH}, 2021-07-12 11:50:41 UTC)\n`);
    expect(run.stdout).toContain('Overlays:    none\n');
    expect(run.stdout).toContain(
      `  main (${PATHS.MAIN})\n    debian           ${MAIN.debian}\n    debian-security  latest\n    torproject       ${MAIN.torproject}\n`,
    );
    expect(run.stdout).toContain(
      'Build manifest: none (--manifest FILE|URL, or jobs.tag-apt-snapshots.manifest_url)\n',
    );
    expect(run.stdout).toContain(
      'Skipped rules:\n  snapshots-available: needs the snapshot server (offline)\n  build-manifest: no build manifest was given\n',
    );
    expect(run.stdout).toContain(
      [
        'Jobs:',
        '  tag-apt-snapshots (waits for the build manifest: --manifest URL, or jobs.tag-apt-snapshots.manifest_url)',
        '    TAG=4.20',
        '    BUILD_MANIFEST=',
        '    trigger: none (set jobs.tag-apt-snapshots.trigger in --config FILE)',
        '  build_IUKs (waits for the released images: the app polls jobs.build_IUKs.readiness_url; trigger build-iuks starts it)',
        '    TAILS_GIT_COMMIT=4.20',
        `    SOURCE_DATE_EPOCH=${EPOCH}`,
        '    NEW_VERSION=4.20',
        '    SOURCE_VERSIONS=4.19 4.20~rc1',
        '    EXTRA_ARGS=',
        '    trigger: none (set jobs.build_IUKs.trigger in --config FILE)',
        '',
        'Conclusion: success (0 errors, 0 warnings, 0 notices)',
        '',
      ].join('\n'),
    );
    expect(run.stdout.endsWith('Conclusion: success (0 errors, 0 warnings, 0 notices)\n')).toBe(true);
  });

  it('prints the JSON the README documents', async () => {
    const r = await tagged();
    await r.git(['tag', '4.19', 'HEAD']);
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      tag: '4.20',
      commit: r.commit,
      version: '4.20',
      conclusion: 'success',
      findings: [],
      skipped: [
        { rule: 'snapshots-available', reason: 'needs the snapshot server (offline)' },
        { rule: 'build-manifest', reason: 'no build manifest was given' },
      ],
      unanswered: [],
      rules: { origin: 'defaults', path: '.github/apt-snapshots.yml', present: false, problems: [] },
      jobs: [
        {
          job: 'tag-apt-snapshots',
          parameters: { TAG: '4.20', BUILD_MANIFEST: '' },
          waitingFor: 'manifest',
          trigger: null,
        },
        {
          job: 'build_IUKs',
          parameters: {
            TAILS_GIT_COMMIT: '4.20',
            SOURCE_DATE_EPOCH: EPOCH,
            NEW_VERSION: '4.20',
            SOURCE_VERSIONS: '4.19',
            EXTRA_ARGS: '',
          },
          waitingFor: 'readiness',
          trigger: null,
        },
      ],
    });
  });

  it('fails a release that is not one (exit 1), on the right file, with hints', async () => {
    const r = await repo(releaseTree({ overlays: ['bugfix-1234'], main: { ...MAIN, torproject: 'latest' } }));
    await r.git(['tag', '4.20']);
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Overlays:    bugfix-1234\n');
    expect(run.stdout).toMatch(/\n {2}error {4}config\/APT_overlays\.d {2}.*bugfix-1234.*\n {11}hint: /);
    expect(run.stdout).toMatch(/\n {2}error {4}config\/APT_snapshots\.d\/torproject\/serial {2}/);
    expect(run.stdout).toMatch(/Conclusion: failure \(2 errors, 0 warnings, 0 notices\)\n$/);
    const json = JSON.parse((await releaseCheck(r, ['--tag', '4.20', '--offline', '--format', 'json'])).stdout);
    expect(json.findings.map((f: { rule: string; path: string }) => `${f.rule} ${f.path}`)).toEqual([
      'overlays-at-release config/APT_overlays.d',
      'release-frozen config/APT_snapshots.d/torproject/serial',
    ]);
  });

  it('fails a tag that is not the changelog version', async () => {
    const r = await tagged('4.21');
    const run = await releaseCheck(r, ['--tag', '4.21', '--offline', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings).toEqual([
      expect.objectContaining({ rule: 'release-tag', severity: 'error', path: 'debian/changelog', line: 1 }),
    ]);
  });

  it('shows what the repository holds escaped, in text and as it is in JSON', async () => {
    const r = await repo(releaseTree(), { message: 'Release \u001b[2Jnow' });
    await r.git(['tag', '4.20']);
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline']);
    expect(run.stdout).toContain('"Release \\u001b[2Jnow"');
    expect(run.stdout).not.toContain('\u001b');
  });

  it('colours the severities and the conclusion only when asked', async () => {
    const r = await repo(releaseTree({ overlays: ['x'] }));
    await r.git(['tag', '4.20']);
    const colour = await runCli(['release', 'check', '--repo', r.dir, '--tag', '4.20', '--offline'], {
      env: r.env,
      colorEnv: { FORCE_COLOR: '1' },
    });
    expect(colour.stdout).toContain('\u001b[1;31merror\u001b[0m');
    expect(colour.stdout).toContain('Conclusion: \u001b[1;31mfailure\u001b[0m');
  });
});

describe('release check with a build manifest', () => {
  let server: LocalHttpServer;
  beforeEach(async () => {
    server = await startHttpServer({
      '/4.20/tails-amd64-4.20.build-manifest': { body: MANIFEST },
      '/4.19/tails-amd64-4.19.build-manifest': {
        body: manifestYaml({ debian: '2021051301', 'debian-security': '2021051302', torproject: '2021051301' }, [
          'tor=0.4.5.8-1',
          'thunderbird=1:78.10.0-1',
          'oldpkg=2.0',
        ]),
      },
      '/slow.build-manifest': { hang: true },
      '/huge.build-manifest': { stream: { chunk: 'x'.repeat(4096) } },
    });
  });
  afterEach(() => server.close());

  it('reads it from a URL, fills BUILD_MANIFEST with it, and shows the serials the build used', async () => {
    const r = await tagged();
    const url = `${server.url}/4.20/tails-amd64-4.20.build-manifest`;
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--manifest', url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Build manifest: ${url} (--manifest)\n  debian           ${MAIN.debian}\n  debian-security  2021071102\n  torproject       ${MAIN.torproject}\n`,
    );
    expect(run.stdout).toContain(`  tag-apt-snapshots\n    TAG=4.20\n    BUILD_MANIFEST=${url}\n`);
    expect(run.stdout).toContain(
      'notice   config/APT_snapshots.d/debian-security/serial  debian-security is latest at the tag 4.20; the build used snapshot 2021071102',
    );
    const json = JSON.parse(
      (await releaseCheck(r, ['--tag', '4.20', '--offline', '--manifest', url, '--format', 'json'])).stdout,
    );
    expect(json.manifest).toEqual({
      source: url,
      from: '--manifest',
      serials: { debian: MAIN.debian, 'debian-security': '2021071102', torproject: MAIN.torproject },
    });
    expect(json.jobs[0]).toEqual({
      job: 'tag-apt-snapshots',
      parameters: { TAG: '4.20', BUILD_MANIFEST: url },
      trigger: null,
    });
  });

  it('reads it from a file, which gives tag-apt-snapshots no URL', async () => {
    const r = await tagged();
    const path = await file('tails.build-manifest', MANIFEST);
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--manifest', path, '--format', 'json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.manifest).toMatchObject({ source: path, from: '--manifest' });
    expect(json.jobs[0]).toMatchObject({ parameters: { TAG: '4.20', BUILD_MANIFEST: '' }, waitingFor: 'manifest' });
  });

  it('fails a manifest that disagrees with Git on the serial file it disagrees with', async () => {
    const r = await tagged();
    const url = `${server.url}/4.19/tails-amd64-4.19.build-manifest`;
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--manifest', url, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([
      {
        rule: 'build-manifest',
        severity: 'error',
        path: `${PATHS.MAIN}/debian/serial`,
        message: `The build manifest ${url} says debian came from snapshot 2021051301, but Git pins ${MAIN.debian} at the tag 4.20: the manifest is not of this release's build.`,
        hint: 'Use the manifest of the build of this very commit, or rebuild it.',
      },
      expect.objectContaining({ rule: 'build-manifest', path: `${PATHS.MAIN}/torproject/serial` }),
    ]);
  });

  it('reports a file that is read but is no manifest as a build-manifest finding (exit 1)', async () => {
    const r = await tagged();
    const path = await file('notes.txt', 'origin_references: nope\n');
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--manifest', path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Build manifest: ${path} (--manifest)\n  not a build manifest: see the findings\n`);
    expect(run.stdout).toContain(
      `error    ${path}  The build manifest cannot be used: ${path} is not a build manifest: origin_references:`,
    );
  });

  it('lists what changed since the previous release, each list capped in text, whole in JSON', async () => {
    const r = await tagged();
    const many = Array.from({ length: SHOWN_PACKAGE_CHANGES + 5 }, (_, i) => `pkg${String(i).padStart(2, '0')}=1.${i}`);
    const current = await file(
      'current.build-manifest',
      manifestYaml(
        { ...MAIN, 'debian-security': '2021071102' },
        ['tor=0.4.6.5-1', 'thunderbird=1:78.11.0-1', ...many],
        ['tor=0.4.6.5-1'],
      ),
    );
    const previous = `${server.url}/4.19/tails-amd64-4.19.build-manifest`;
    const args = ['--tag', '4.20', '--offline', '--manifest', current, '--previous-manifest', previous];
    const run = await releaseCheck(r, args);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      [
        `Since the previous release's manifest, ${previous} (--previous-manifest):`,
        `  serials: debian 2021051301 → ${MAIN.debian}, debian-security 2021051302 → 2021071102, torproject 2021051301 → ${MAIN.torproject}`,
        `  binary packages: ${many.length} added, 1 removed, 2 upgraded, 0 downgraded`,
        `    added       ${'pkg00:amd64'.padEnd('thunderbird:amd64'.length)}  1.0`,
      ].join('\n'),
    );
    // Each list capped on its own: the many added hide neither the removed nor the upgraded.
    expect(run.stdout).toContain(
      `    … and ${many.length - SHOWN_PACKAGE_CHANGES} more added (--format json lists them all)\n    removed     oldpkg:amd64 `,
    );
    expect(run.stdout).toContain('    upgraded    tor:amd64');
    expect(run.stdout).toContain(
      '  source packages: 1 added, 0 removed, 0 upgraded, 0 downgraded\n    added       tor  0.4.6.5-1\n\n',
    );
    const json = JSON.parse((await releaseCheck(r, [...args, '--format', 'json'])).stdout);
    expect(json.manifest.changes.binary.added).toHaveLength(many.length);
    expect(json.manifest.changes.binary.removed).toEqual([{ package: 'oldpkg', arch: 'amd64', from: '2.0' }]);
    expect(json.manifest.changes.binary.upgraded).toEqual([
      { package: 'thunderbird', arch: 'amd64', from: '1:78.10.0-1', to: '1:78.11.0-1' },
      { package: 'tor', arch: 'amd64', from: '0.4.5.8-1', to: '0.4.6.5-1' },
    ]);
    expect(json.manifest.changes.serials).toEqual([
      { origin: 'debian', from: '2021051301', to: MAIN.debian },
      { origin: 'debian-security', from: '2021051302', to: '2021071102' },
      { origin: 'torproject', from: '2021051301', to: MAIN.torproject },
    ]);
  });

  it('takes the manifest from the configured template, {tag} and {version} filled in, and says so', async () => {
    const r = await tagged();
    const config = await file(
      'deploy.yml',
      `jobs:\n  tag-apt-snapshots:\n    manifest_url: ${server.url}/{tag}/tails-amd64-{version}.build-manifest\n`,
    );
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--config', config, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const url = `${server.url}/4.20/tails-amd64-4.20.build-manifest`;
    expect(JSON.parse(run.stdout).manifest).toMatchObject({
      source: url,
      from: `jobs.tag-apt-snapshots.manifest_url of --config ${config}`,
    });
    const text = await releaseCheck(r, ['--tag', '4.20', '--offline', '--config', config]);
    expect(text.stdout).toContain(
      `Build manifest: ${url} (jobs.tag-apt-snapshots.manifest_url of --config ${config})\n`,
    );
    expect(text.stdout).toContain(`    BUILD_MANIFEST=${url}\n`);
  });

  it('waits for a configured manifest not published yet: build-manifest skipped, saying why (exit 0)', async () => {
    const r = await tagged();
    const config = await file(
      'deploy.yml',
      `jobs:\n  tag-apt-snapshots:\n    manifest_url: ${server.url}/unpublished/{tag}.build-manifest\n`,
    );
    const url = `${server.url}/unpublished/4.20.build-manifest`;
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--config', config, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `apt-snapshots-bot: warning: cannot read the build manifest ${url}: HTTP 404 Not Found (jobs.tag-apt-snapshots.manifest_url of --config ${config}): build-manifest is skipped, and tag-apt-snapshots waits for it\n`,
    );
    const report = JSON.parse(run.stdout);
    expect(report.skipped).toContainEqual({
      rule: 'build-manifest',
      reason: expect.stringMatching(/^the build manifest could not be read: cannot read the build manifest .*404/),
    });
    expect(report.jobs[0]).toMatchObject({ job: 'tag-apt-snapshots', waitingFor: 'manifest' });
    const text = await releaseCheck(r, ['--tag', '4.20', '--offline', '--config', config]);
    expect(text.stdout).toContain(`Build manifest: cannot read the build manifest ${url}: HTTP 404 Not Found`);
    expect(text.stdout).toContain(
      'tag-apt-snapshots (waits for the build manifest, which the configured URL does not give yet: see above)',
    );
  });

  it.each([
    [
      'a missing file',
      () => join(dir, 'missing.build-manifest'),
      /cannot read the build manifest .*missing\.build-manifest: ENOENT: no such file or directory/,
    ],
    [
      'an HTTP 404',
      () => `${server.url}/4.21/tails.build-manifest`,
      /cannot read the build manifest http:\/\/127\.0\.0\.1:\d+\/4\.21\/tails\.build-manifest: HTTP 404 Not Found \(--manifest\)/,
    ],
    [
      'a timeout',
      () => `${server.url}/slow.build-manifest`,
      /slow\.build-manifest: no answer within 300 ms \(--manifest\)/,
    ],
    [
      'an answer larger than a manifest can be',
      () => `${server.url}/huge.build-manifest`,
      /huge\.build-manifest: larger than 4194304 bytes/,
    ],
    [
      'a closed port',
      async () => `${await closedPortUrl()}/m`,
      /cannot read the build manifest http:\/\/127\.0\.0\.1:\d+\/m: ECONNREFUSED/,
    ],
  ])('is unreadable input (exit 2) for %s, naming it', async (_what, where, message) => {
    const r = await tagged();
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--timeout', '0.3', '--manifest', await where()]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^apt-snapshots-bot release: cannot read the build manifest /);
    expect(run.stderr).toMatch(message);
  });

  it('refuses a previous manifest without one of this release to compare it with (exit 2)', async () => {
    const r = await tagged();
    const run = await releaseCheck(r, [
      '--tag',
      '4.20',
      '--offline',
      '--previous-manifest',
      `${server.url}/4.19/tails-amd64-4.19.build-manifest`,
    ]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('--previous-manifest needs this release’s manifest to compare with');
    expect(server.requests).toEqual([]);
  });

  it('refuses a previous manifest that is no manifest (exit 2): nothing would show what changed', async () => {
    const r = await tagged();
    const previous = await file('previous.txt', 'hello\n');
    const run = await releaseCheck(r, [
      '--tag',
      '4.20',
      '--offline',
      '--manifest',
      `${server.url}/4.20/tails-amd64-4.20.build-manifest`,
      '--previous-manifest',
      previous,
    ]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`--previous-manifest: ${previous} is not a build manifest`);
  });

  it('refuses a manifest URL that is not http(s), or carries credentials, without echoing them', async () => {
    const r = await tagged();
    const ftp = await releaseCheck(r, ['--tag', '4.20', '--offline', '--manifest', 'ftp://example.org/m']);
    expect(ftp).toMatchObject({ code: 2, stdout: '' });
    expect(ftp.stderr).toContain('--manifest: ftp://example.org/m is not an http(s) URL');
    const secret = await releaseCheck(r, [
      '--tag',
      '4.20',
      '--offline',
      '--manifest',
      `http://me:hunter2@127.0.0.1:1/m`,
    ]);
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain('must not carry credentials');
    expect(secret.stderr).not.toContain('hunter2');
  });
});

describe('release check with the snapshot server', () => {
  let server: LocalHttpServer;
  beforeEach(async () => {
    server = await startHttpServer(
      Object.fromEntries([
        releaseRoute('debian', 'stable', MAIN.debian, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        releaseRoute('torproject', 'buster', MAIN.torproject, 'Sun, 01 Aug 2021 10:00:00 UTC'),
        releaseRoute('debian', 'stable', BUILDER.debian, null),
        releaseRoute('debian-security', 'buster/updates', BUILDER['debian-security'], null),
        releaseRoute('tails', 'stable', BUILDER.tails, null),
      ]),
    );
  });
  afterEach(() => server.close());

  it('fails a snapshot that will not stay available long enough', async () => {
    const r = await tagged();
    const run = await releaseCheck(r, ['--tag', '4.20', '--snapshot-server', server.url, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.skipped).toEqual([{ rule: 'build-manifest', reason: 'no build manifest was given' }]);
    expect(json.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([
      expect.objectContaining({
        rule: 'snapshots-available',
        path: `${PATHS.MAIN}/torproject/serial`,
        message: expect.stringContaining('expires in 20 day(s)'),
      }),
    ]);
  });

  it('exits 3 when the server cannot answer, still printing the report', async () => {
    const r = await tagged();
    const down = await closedPortUrl();
    const run = await releaseCheck(r, ['--tag', '4.20', '--snapshot-server', down]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        `^apt-snapshots-bot release check: the snapshot server ${down}/ \\(from --snapshot-server\\) could not answer \\d+ lookup\\(s\\):\n`,
      ),
    );
    expect(run.stderr).toContain('hint: nothing listens at');
    expect(run.stdout).toContain('Conclusion: failure');
  });
});

describe('release check usage', () => {
  it.each([
    [['release', 'check'], '--tag TAG is required: the release tag, e.g. 4.19-rc1'],
    [['release'], 'an action is required: check'],
    [['release', 'judge', '--tag', '4.20'], 'unknown action "judge"; the actions are check'],
    [['release', 'check', '--tag', '4.20', '--format', 'xml'], '--format must be "text" or "json", not "xml"'],
  ])('%j is bad usage (exit 2)', async (argv, message) => {
    const r = await tagged();
    const run = await runCli([...argv, '--repo', r.dir], { env: r.env });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(message);
  });

  it('needs a tag: a branch or commit of that name is not one (exit 2)', async () => {
    const r = await tagged('4.20');
    await r.git(['branch', '4.21']);
    const run = await releaseCheck(r, ['--tag', '4.21', '--offline']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`repository ${r.dir} has no tag 4.21 that names a commit`);
    const bad = await releaseCheck(r, ['--tag', 'a..b', '--offline']);
    expect(bad.stderr).toContain('--tag "a..b" is not a valid tag name');
  });

  it('judges under the rules of the tagged commit’s parent, never its own', async () => {
    const r = await repo({ ...releaseTree(), '.github/apt-snapshots.yml': 'release:\n  availability_days: 3\n' });
    await commitFiles(
      r,
      { '.github/apt-snapshots.yml': 'release:\n  tag_pattern: "^v.*$"\n' },
      'Update changelog for 4.20.',
    );
    await r.git(['tag', '4.20']);
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).rules).toMatchObject({ origin: 'parent', rev: r.commit, present: true });
  });
  it('merges the parent’s rules over --config, the deployment’s file, as the app does', async () => {
    const r = await repo({ ...releaseTree(), '.github/apt-snapshots.yml': 'release:\n  tag_pattern: "^v.*$"\n' });
    await commitFiles(r, { 'debian/control': 'Source: tails\n' }, 'Update changelog for 4.20.');
    await r.git(['tag', '4.20']);
    const config = await file('deploy.yml', 'release:\n  availability_days: 3\n');
    const run = await releaseCheck(r, ['--tag', '4.20', '--offline', '--config', config, '--format', 'json']);
    const report = JSON.parse(run.stdout);
    expect(report.rules).toMatchObject({ origin: 'parent', present: true });
    expect(run.code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'release-tag', severity: 'error' })]);
  });
});

describe('release check with triggers configured', () => {
  it('shows the request each trigger would send, with no credential, set or not', async () => {
    const r = await tagged();
    const config = await file(
      'deploy.yml',
      `jobs:
  build_IUKs:
    trigger: {type: jenkins, url: 'https://jenkins.example.org', job: release/build_IUKs, user_env: J_USER, token_env: J_TOKEN, timeout_ms: 30000, queue_timeout_ms: 0}
  tag-apt-snapshots:
    trigger: {type: gitlab, url: 'https://gitlab.example.org', project: tails/tails, ref: master, token_env: GL_TOKEN, timeout_ms: 30000}
`,
    );
    const secrets = { J_USER: 'rm', J_TOKEN: 'jenkins-token-5e1f', GL_TOKEN: 'glptt-0b7c9d' };
    const json = await releaseCheck(r, ['--tag', '4.20', '--offline', '--config', config, '--format', 'json'], secrets);
    expect(json.code).toBe(0);
    const jobs = JSON.parse(json.stdout).jobs;
    expect(jobs[1].trigger).toEqual({
      method: 'POST',
      url: 'https://jenkins.example.org/job/release/job/build_IUKs/buildWithParameters',
      parameters: jobs[1].parameters,
      headers: ['Authorization', 'Content-Type', 'User-Agent'],
    });
    expect(jobs[0].trigger).toMatchObject({
      method: 'POST',
      url: 'https://gitlab.example.org/api/v4/projects/tails%2Ftails/trigger/pipeline',
    });
    const text = await releaseCheck(r, ['--tag', '4.20', '--offline', '--config', config]);
    expect(text.stdout).toContain(
      '    trigger: Jenkins at https://jenkins.example.org, job release/build_IUKs: POST https://jenkins.example.org/job/release/job/build_IUKs/buildWithParameters\n',
    );
    const unset = await releaseCheck(r, ['--tag', '4.20', '--offline', '--config', config]);
    expect(unset.stdout).toBe(text.stdout);
    for (const run of [json, text])
      for (const secret of Object.values(secrets).slice(1)) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
  });
});
