import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeJenkins, type FakeJenkins } from '../adapters/triggers/fakes/fake-jenkins.js';
import {
  startFakeWebhookReceiver,
  type FakeWebhookReceiver,
} from '../adapters/triggers/fakes/fake-webhook-receiver.js';
import { repoPerTest, type TestRepo } from '../helpers/git-repo.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { EPOCH, MANIFEST, releaseTree } from './helpers/release-repo.js';
import { runCli, type CliRun } from './helpers/run-cli.js';

const USER = 'release-bot';
const TOKEN = 'jenkins-api-token-3f9a7c';
const SECRET = 'webhook-shared-secret-8d2e41';
const IUK_PARAMETERS = {
  TAILS_GIT_COMMIT: '4.20',
  SOURCE_DATE_EPOCH: EPOCH,
  NEW_VERSION: '4.20',
  SOURCE_VERSIONS: '4.19 4.20~rc1',
  EXTRA_ARGS: '',
};

const repo = repoPerTest();
let dir: string;
let jenkins: FakeJenkins;
let hook: FakeWebhookReceiver;
let manifests: LocalHttpServer;
let manifestUrl: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-trigger-'));
  jenkins = await startFakeJenkins({ user: USER, token: TOKEN, jobs: ['build_IUKs'], csrf: true });
  hook = await startFakeWebhookReceiver(SECRET);
  manifests = await startHttpServer({ '/4.20/tails.build-manifest': { body: MANIFEST } });
  manifestUrl = `${manifests.url}/4.20/tails.build-manifest`;
});
afterEach(async () => {
  await Promise.all([jenkins.server.close(), hook.server.close(), manifests.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** A deployment's file: build_IUKs through Jenkins, tag-apt-snapshots through the webhook. */
async function deployment(extra = ''): Promise<string> {
  const path = join(dir, 'deploy.yml');
  await writeFile(
    path,
    `jobs:
  build_IUKs:
    trigger: {type: jenkins, url: '${jenkins.url}', job: build_IUKs, user_env: JENKINS_USER, token_env: JENKINS_TOKEN, timeout_ms: 5000, queue_timeout_ms: 5000}
  tag-apt-snapshots:
    trigger: {type: webhook, url: '${hook.url}', secret_env: HOOK_SECRET, timeout_ms: 5000}
${extra}`,
  );
  return path;
}

async function release(options: { overlays?: string[] } = {}): Promise<TestRepo & { commit: string }> {
  const r = await repo(releaseTree(options), { message: 'Update changelog for 4.20.' });
  for (const tag of ['4.19', '4.20-rc1']) await r.git(['tag', tag]);
  await r.git(['tag', '-a', '-m', 'Tails 4.20', '4.20']);
  return r;
}

const CREDENTIALS = { JENKINS_USER: USER, JENKINS_TOKEN: TOKEN, HOOK_SECRET: SECRET };

function trigger(r: TestRepo, args: string[], env: NodeJS.ProcessEnv = CREDENTIALS): Promise<CliRun> {
  const base = Object.fromEntries(
    Object.entries(r.env).filter(([key]) => !['JENKINS_USER', 'JENKINS_TOKEN', 'HOOK_SECRET'].includes(key)),
  );
  return runCli(['trigger', ...args, '--repo', r.dir, '--tag', '4.20'], { env: { ...base, ...env } });
}

/** No output of any run names a secret, in any form a request carries it. */
function expectNoSecret(run: CliRun): void {
  const forms = [TOKEN, SECRET, Buffer.from(`${USER}:${TOKEN}`).toString('base64')];
  for (const secret of forms) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

describe('trigger --dry-run', () => {
  it('prints the exact Jenkins request, sends nothing, and needs no credential', async () => {
    const r = await release();
    const run = await trigger(
      r,
      ['build-iuks', '--config', await deployment(), '--offline', '--dry-run', '--format', 'json'],
      {},
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      job: 'build_IUKs',
      tag: '4.20',
      commit: r.commit,
      parameters: IUK_PARAMETERS,
      request: {
        method: 'POST',
        url: `${jenkins.url}/job/build_IUKs/buildWithParameters`,
        parameters: IUK_PARAMETERS,
        headers: ['Authorization', 'Content-Type', 'User-Agent'],
      },
      dryRun: true,
      release: { conclusion: 'success', findings: [] },
      credentials: [
        { variable: 'JENKINS_USER', set: false },
        { variable: 'JENKINS_TOKEN', set: false },
      ],
    });
    expect(jenkins.server.requests).toEqual([]);
  });

  it('prints it as text, saying which credential variables are set and never what they hold', async () => {
    const r = await release();
    const run = await trigger(r, ['build-iuks', '--config', await deployment(), '--offline', '--dry-run'], {
      JENKINS_TOKEN: TOKEN,
    });
    expect(run.code).toBe(0);
    const [first, ...rest] = run.stdout.split('\n');
    expect(first).toMatch(
      new RegExp(
        `^Release check of tag 4\\.20 = ${r.commit.slice(0, 10)} "Update changelog for 4\\.20\\." \\(\\d{4}-\\d\\d-\\d\\d\\): success \\(0 errors, 0 warnings, 0 notices\\)$`,
      ),
    );
    expect(rest.join('\n')).toBe(
      [
        '',
        `build_IUKs through Jenkins at ${jenkins.url}, job build_IUKs:`,
        `  POST ${jenkins.url}/job/build_IUKs/buildWithParameters`,
        '  headers: Authorization, Content-Type, User-Agent',
        '  parameters:',
        '    TAILS_GIT_COMMIT=4.20',
        `    SOURCE_DATE_EPOCH=${EPOCH}`,
        '    NEW_VERSION=4.20',
        '    SOURCE_VERSIONS=4.19 4.20~rc1',
        '    EXTRA_ARGS=',
        '  credentials: JENKINS_USER (NOT set), JENKINS_TOKEN (set): a real run stops until each is set',
        '',
        'Dry run: nothing was sent.',
        '',
      ].join('\n'),
    );
    expectNoSecret(run);
    expect(jenkins.server.requests).toEqual([]);
  });

  it('prints the signed webhook request of tag-apt-snapshots, its manifest URL as BUILD_MANIFEST', async () => {
    const r = await release();
    const config = await deployment();
    const args = ['tag-apt-snapshots', '--config', config, '--offline', '--dry-run', '--manifest', manifestUrl];
    const json = await trigger(r, [...args, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      job: 'tag-apt-snapshots',
      parameters: { TAG: '4.20', BUILD_MANIFEST: manifestUrl },
      request: {
        method: 'POST',
        url: hook.url,
        parameters: { TAG: '4.20', BUILD_MANIFEST: manifestUrl },
        headers: ['Content-Type', 'User-Agent', 'X-Apt-Snapshots-Delivery', 'X-Apt-Snapshots-Signature-256'],
      },
      dryRun: true,
      release: { conclusion: 'success' },
      credentials: [{ variable: 'HOOK_SECRET', set: true }],
    });
    const text = await trigger(r, args);
    expect(text.stdout).toContain(
      [
        `tag-apt-snapshots through webhook at ${hook.url}:`,
        `  POST ${hook.url}`,
        '  headers: Content-Type, User-Agent, X-Apt-Snapshots-Delivery, X-Apt-Snapshots-Signature-256',
        '  parameters:',
        '    TAG=4.20',
        `    BUILD_MANIFEST=${manifestUrl}`,
        '  credentials: HOOK_SECRET (set)',
        '',
        'Dry run: nothing was sent.',
      ].join('\n'),
    );
    for (const run of [json, text]) expectNoSecret(run);
    expect(hook.server.requests).toEqual([]);
    // The release check read the manifest it passes on, and found it agrees with Git.
    expect(manifests.requestsTo('/4.20/tails.build-manifest')).toHaveLength(2);
  });
});

describe('trigger', () => {
  it('starts build_IUKs through Jenkins and prints where to follow it', async () => {
    const r = await release();
    const run = await trigger(r, ['build-iuks', '--config', await deployment(), '--offline']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(jenkins.received).toEqual([expect.objectContaining({ parameters: IUK_PARAMETERS })]);
    expect(run.stdout).toMatch(new RegExp(`\nStarted build_IUKs: ${jenkins.url}/job/build_IUKs/42/ \\(id 42\\)\n$`));
    expectNoSecret(run);
  });

  it('sends nothing for build_IUKs of the first release of a major version, and exits 0 saying why', async () => {
    const r = await repo(releaseTree({ version: '5.0' }), { message: 'Update changelog for 5.0.' });
    await r.git(['tag', '4.20']);
    await r.git(['tag', '5.0']);
    const run = await runCli(
      ['trigger', 'build-iuks', '--repo', r.dir, '--tag', '5.0', '--config', await deployment(), '--offline'],
      { env: { ...r.env, ...CREDENTIALS } },
    );
    expect(run.code).toBe(0);
    expect(jenkins.received).toEqual([]);
    expect(run.stdout).toContain(
      'Nothing to start for build_IUKs: no earlier release of major version 5 to upgrade from (SOURCE_VERSIONS is empty, as bin/iuk-source-versions 5.0 prints nothing). Nothing was sent.',
    );
    const json = await runCli(
      [
        'trigger',
        'build-iuks',
        '--repo',
        r.dir,
        '--tag',
        '5.0',
        '--config',
        await deployment(),
        '--offline',
        '--format',
        'json',
      ],
      { env: { ...r.env, ...CREDENTIALS } },
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ nothing: expect.stringContaining('no earlier release') });
    expect(jenkins.received).toEqual([]);
  });

  it('starts build_IUKs while the configured manifest is not published yet; tag-apt-snapshots needs it (exit 2)', async () => {
    const r = await release();
    const config = await deployment(`    manifest_url: '${manifests.url}/unpublished/{tag}.build-manifest'\n`);
    const iuks = await trigger(r, ['build-iuks', '--config', config, '--offline']);
    expect(iuks.code).toBe(0);
    expect(iuks.stderr).toContain('HTTP 404 Not Found');
    expect(jenkins.received).toHaveLength(1);
    const tag = await trigger(r, ['tag-apt-snapshots', '--config', config, '--offline']);
    expect(tag.code).toBe(2);
    expect(tag.stderr).toMatch(
      /cannot read the build manifest .*unpublished\/4\.20\.build-manifest: HTTP 404 Not Found/,
    );
    expect(hook.received).toEqual([]);
  });

  it('starts tag-apt-snapshots through a signed webhook, the receiver checking its HMAC', async () => {
    const r = await release();
    const run = await trigger(r, [
      'tag-apt-snapshots',
      '--config',
      await deployment(),
      '--offline',
      '--manifest',
      manifestUrl,
      '--format',
      'json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(hook.deliveries).toHaveLength(1);
    expect(hook.received).toEqual([
      expect.objectContaining({
        parameters: { TAG: '4.20', BUILD_MANIFEST: manifestUrl },
        headerNames: expect.arrayContaining(['x-apt-snapshots-signature-256', 'x-apt-snapshots-delivery']),
      }),
    ]);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ job: 'tag-apt-snapshots', dryRun: false, release: { conclusion: 'success' } });
    expect(json.triggered).toEqual({ status: 'started', url: 'https://ci.example/jobs/77', id: '77' });
    expect(json.credentials).toBeUndefined();
    expectNoSecret(run);
  });

  it('takes the manifest URL from the configured template', async () => {
    const r = await release();
    const config = await deployment(`    manifest_url: '${manifests.url}/{tag}/tails.build-manifest'\n`);
    const run = await trigger(r, ['tag-apt-snapshots', '--config', config, '--offline']);
    expect(run.code).toBe(0);
    expect(hook.received[0]?.parameters).toEqual({ TAG: '4.20', BUILD_MANIFEST: manifestUrl });
  });

  it('refuses to start a job of a release the check fails (exit 1), saying why; nothing is sent', async () => {
    const r = await release({ overlays: ['bugfix-1234'] });
    const run = await trigger(r, ['build-iuks', '--config', await deployment(), '--offline']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^Release check of tag 4\.20 = .*: failure \(1 error, 0 warnings, 0 notices\)\n {2}error {4}config\/APT_overlays\.d {2}/,
    );
    expect(run.stderr).toBe(
      "apt-snapshots-bot trigger: not starting build_IUKs: the release check of 4.20 fails (1 error, 0 warnings, 0 notices): fix the release first ('apt-snapshots-bot release check' with the same options shows the whole report)\n",
    );
    expect(jenkins.server.requests).toEqual([]);
    const json = JSON.parse(
      (await trigger(r, ['build-iuks', '--config', await deployment(), '--offline', '--format', 'json'])).stdout,
    );
    expect(json.refused).toContain('the release check of 4.20 fails');
    expect(json.triggered).toBeUndefined();
  });

  it('refuses when the snapshot server cannot answer the release check (exit 3); nothing is sent', async () => {
    const r = await release();
    const run = await trigger(r, [
      'build-iuks',
      '--config',
      await deployment(),
      '--snapshot-server',
      await closedPortUrl(),
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('apt-snapshots-bot trigger: the snapshot server http://127.0.0.1:');
    expect(run.stderr).toContain(
      'apt-snapshots-bot trigger: not starting build_IUKs: the snapshot server could not answer',
    );
    expect(jenkins.server.requests).toEqual([]);
  });

  it('says a job refused was not started (exit 1)', async () => {
    const r = await release();
    hook.behaviour = 'refuse';
    const run = await trigger(r, [
      'tag-apt-snapshots',
      '--config',
      await deployment(),
      '--offline',
      '--manifest',
      manifestUrl,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^apt-snapshots-bot trigger: webhook at .*: could not start tag-apt-snapshots: .*422/);
    expect(run.stderr).toMatch(/\nThe job was not started\.\n$/);
    expectNoSecret(run);
  });

  it('says a job whose start failed after sending may have started (exit 1)', async () => {
    const r = await release();
    jenkins.behaviour = 'fail';
    const run = await trigger(r, ['build-iuks', '--config', await deployment(), '--offline', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('502');
    expect(run.stderr).toMatch(
      /\nThe job may have started all the same: look at the CI before running this again\.\n$/,
    );
    expect(JSON.parse(run.stdout).error).toEqual({ message: expect.stringContaining('502'), sent: true });
    expectNoSecret(run);
  });

  it('stops before reading anything when a credential variable is not set (exit 2), naming it', async () => {
    const r = await release();
    const run = await trigger(r, ['build-iuks', '--config', await deployment(), '--offline'], { JENKINS_USER: USER });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('the environment variable JENKINS_TOKEN (named by token_env) is not set');
    expect(jenkins.server.requests).toEqual([]);
  });

  it.each([
    [
      ['build-iuks'],
      'no trigger is configured for build_IUKs: set jobs.build_IUKs.trigger in the file given with --config',
    ],
    [
      ['tag-apt-snapshots', '--config', 'DEPLOY'],
      "tag-apt-snapshots needs the URL of the release build's manifest (its BUILD_MANIFEST parameter): pass --manifest URL, or set jobs.tag-apt-snapshots.manifest_url in --config",
    ],
    [
      ['tag-apt-snapshots', '--config', 'DEPLOY', '--manifest', 'tails.build-manifest'],
      '--manifest tails.build-manifest is a file, and tag-apt-snapshots fetches the manifest from a URL (BUILD_MANIFEST)',
    ],
    [['build_IUKs'], 'unknown job "build_IUKs"; the jobs are tag-apt-snapshots, build-iuks'],
    [[], 'a job is required: tag-apt-snapshots, build-iuks'],
  ])('%j is bad usage (exit 2)', async (argv, message) => {
    const r = await release();
    const config = await deployment();
    const run = await trigger(r, [...argv.map((a) => (a === 'DEPLOY' ? config : a)), '--offline']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(message);
    expect(hook.server.requests).toEqual([]);
  });
});
