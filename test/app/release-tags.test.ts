import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../../bench/fake-github.js';
import type { FakeCommit } from '../../bench/fake-ref-graphql.js';
import { startProbotServer, type RunningServer } from '../../bench/probot-server.js';
import { sendWebhooks, signWebhook } from '../../bench/webhook-load.js';
import type { Timers } from '../../src/app/follow-ups.js';
import { parseReleaseMarker } from '../../src/report/release-subject.js';
import { startHttpServer, type LocalHttpServer, type RecordedRequest } from '../helpers/http-server.js';
import { fixture } from '../helpers/probot-app.js';
import { RELEASE_MANIFEST, RELEASE_TREE, RELEASED_CHANGELOG } from '../helpers/release-fixture.js';

const SECRET = 'release-test-secret-7c1e';
const CI_SECRET = 'ci-hmac-key-5d2a';
const PRIVATE_KEY = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

const TAGGED = 'aa'.repeat(20);
const PARENT = 'ab'.repeat(20);
const UNRELEASED_COMMIT = 'ac'.repeat(20);
const MOVED = 'ad'.repeat(20);

const commit = (sha: string, files: Record<string, string>, parents: string[] = []): FakeCommit => ({
  sha,
  parents,
  date: new Date('2021-05-13T10:18:48Z'),
  message: 'Mark Tails 4.19~rc1 as released.',
  files,
});

const COMMITS = new Map<string, FakeCommit>([
  [TAGGED, commit(TAGGED, RELEASE_TREE, [PARENT])],
  [PARENT, commit(PARENT, RELEASE_TREE)],
  [MOVED, commit(MOVED, RELEASE_TREE, [PARENT])],
  [
    UNRELEASED_COMMIT,
    commit(
      UNRELEASED_COMMIT,
      { ...RELEASE_TREE, 'debian/changelog': RELEASED_CHANGELOG.replace('unstable', 'UNRELEASED') },
      [PARENT],
    ),
  ],
]);

/** Timers fired by the test: the readiness polls run when it says so, never on their own. */
class ManualTimers implements Timers {
  private readonly pending = new Map<number, { run: () => Promise<void>; ms: number }>();
  private next = 1;
  setTimeout(run: () => Promise<void>, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { run, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get delays(): number[] {
    return [...this.pending.values()].map((p) => p.ms);
  }
  async fire(): Promise<void> {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) await timer.run();
  }
}

const push = fixture<{ ref: string; before: string; after: string; created?: boolean; deleted?: boolean }>('push-tag');

describe('release tags in the GitHub App', () => {
  let github: FakeGitHub;
  let ci: LocalHttpServer;
  let files: LocalHttpServer;
  let dir: string;
  let timers: ManualTimers;
  let app: RunningServer;
  let tags: Map<string, string>;

  const ciCalls = (job: string): RecordedRequest[] => ci.requestsTo(`/ci/${job}`);
  const deliver = async (event: string, payload: unknown) => {
    const result = await sendWebhooks(app.webhooksUrl, [signWebhook(event, payload, SECRET)], {
      concurrency: 1,
      timeLimitMs: 20_000,
    });
    expect(result.failures).toEqual([]);
  };
  const run = (sha: string, name: string) => github.checkRun(sha, `APT snapshots: ${name}`);
  /** "Re-run" on a check, as GitHub sends it: the check's name and summary. */
  const rerun = (name: string, summary: string | null | undefined, sha = TAGGED) =>
    deliver('check_run', {
      ...fixture<Record<string, unknown>>('check-run-rerequested'),
      check_run: { name: `APT snapshots: ${name}`, head_sha: sha, output: { summary } },
    });
  const comment = (body: string, id = 77) =>
    deliver('issue_comment', { ...fixture<Record<string, unknown>>('issue-comment-check'), comment: { id, body } });

  async function startApp(config: string): Promise<void> {
    const path = join(dir, `deployment-${Math.random().toString(36).slice(2)}.yml`);
    await writeFile(path, config);
    app = await startProbotServer(
      {
        app: 'real',
        appId: 1,
        privateKey: PRIVATE_KEY,
        secret: SECRET,
        githubUrl: github.url,
        env: { APT_SNAPSHOTS_BOT_CONFIG: path, CI_SECRET },
      },
      undefined,
      { timers },
    );
  }

  const deployment = (overrides = '') => `
jobs:
  tag-apt-snapshots:
    trigger: { type: webhook, url: '${ci.url}/ci/tag', secret_env: CI_SECRET, timeout_ms: 5000 }
    manifest_url: '${files.url}/manifests/{tag}.build-manifest'
    manifest_hosts: ['${new URL(files.url).host}']
  build_IUKs:
    trigger: { type: webhook, url: '${ci.url}/ci/iuks', secret_env: CI_SECRET, timeout_ms: 5000 }
    readiness_url: '${files.url}/iso/{version}/'
    poll_first_seconds: 60
    poll_max_seconds: 600
    give_up_hours: 1
${overrides}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-release-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    // The fake's tags are read live, so a test can move one; its claims start empty for each test.
    tags = new Map([
      ['4.19-rc1', TAGGED],
      ['4.18', PARENT],
    ]);
    github = await startFakeGitHub({
      appId: 1,
      appSlug: 'apt-snapshots-bot',
      installationId: 4242,
      repository: { owner: 'tails', repo: 'tails' },
      commitOf: (rev) => COMMITS.get(rev),
      tags,
      issues: [12],
      collaborators: { intrigeri: 'write' },
    });
    timers = new ManualTimers();
    ci = await startHttpServer({
      'POST /ci/tag': { status: 200, body: '{"url":"https://ci.example/tag/1"}' },
      'POST /ci/iuks': { status: 200, body: '{"url":"https://ci.example/iuks/1"}' },
    });
    files = await startHttpServer({
      '/manifests/4.19-rc1.build-manifest': { body: RELEASE_MANIFEST },
      '/iso/4.19~rc1/': [{ status: 404 }, { status: 200, body: 'ok' }],
    });
    await startApp(deployment());
  });
  afterEach(async () => {
    // Every request the app made is one GitHub knows.
    expect(github.unexpected()).toEqual([]);
    await app.stop();
    await ci.close();
    await files.close();
    await github.close();
  });

  it('judges a pushed tag, starts tag-apt-snapshots with the manifest, and build_IUKs once the images are out', async () => {
    await deliver('push', { ...push, after: TAGGED, created: true });

    const release = run(TAGGED, 'release');
    expect(release).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      title: '4.19-rc1: a sound release (1 notice)',
    });
    // The configured manifest is found again on a re-run: only one a person gave is carried.
    expect(parseReleaseMarker(release?.summary)).toEqual({ kind: 'release', tag: '4.19-rc1', sha: TAGGED });
    expect(ciCalls('tag')).toHaveLength(1);
    const tagCall = JSON.parse(ciCalls('tag')[0]!.body);
    expect(tagCall).toEqual({
      job: 'tag-apt-snapshots',
      parameters: { TAG: '4.19-rc1', BUILD_MANIFEST: `${files.url}/manifests/4.19-rc1.build-manifest` },
    });
    expect(ciCalls('tag')[0]!.headers['x-apt-snapshots-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(run(TAGGED, 'tag-apt-snapshots')).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      detailsUrl: 'https://ci.example/tag/1',
    });

    // The images are not out yet: build_IUKs waits, and a poll is set.
    expect(ciCalls('iuks')).toHaveLength(0);
    expect(run(TAGGED, 'build_IUKs')).toMatchObject({ status: 'queued' });
    expect(timers.delays).toEqual([60_000]);
    await timers.fire(); // 404: not yet, poll again later, twice as late
    expect(ciCalls('iuks')).toHaveLength(0);
    expect(timers.delays).toEqual([120_000]);
    await timers.fire(); // 200
    expect(ciCalls('iuks')).toHaveLength(1);
    expect(JSON.parse(ciCalls('iuks')[0]!.body)).toEqual({
      job: 'build_IUKs',
      parameters: {
        TAILS_GIT_COMMIT: '4.19-rc1',
        SOURCE_DATE_EPOCH: '1620901128',
        NEW_VERSION: '4.19~rc1',
        SOURCE_VERSIONS: '4.18',
        EXTRA_ARGS: '',
      },
    });
    expect(run(TAGGED, 'build_IUKs')).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(timers.delays).toEqual([]);
  });

  it('starts each job once however often the tag is delivered, by push or by create', async () => {
    const payload = { ...push, after: TAGGED, created: true };
    await deliver('push', payload);
    await deliver('push', payload);
    await deliver('create', { ...payload, ref: '4.19-rc1', ref_type: 'tag', master_branch: 'devel' });
    expect(ciCalls('tag')).toHaveLength(1);
    // The claim of attempt 1, and the record that it started.
    expect(github.counts()['POST /repos/{owner}/{repo}/git/refs']).toBe(2);
  });

  it('starts nothing for a release that fails its check, and says why on each job', async () => {
    tags.set('4.19-rc1', UNRELEASED_COMMIT);
    await deliver('push', { ...push, after: UNRELEASED_COMMIT, created: true });
    expect(run(UNRELEASED_COMMIT, 'release')).toMatchObject({ conclusion: 'failure' });
    expect(run(UNRELEASED_COMMIT, 'release')?.title).toMatch(/is still UNRELEASED/);
    expect(run(UNRELEASED_COMMIT, 'tag-apt-snapshots')).toMatchObject({ conclusion: 'neutral' });
    expect(run(UNRELEASED_COMMIT, 'tag-apt-snapshots')?.title).toMatch(
      /^not started: Not started: the release check fails/,
    );
    expect(ci.requests).toEqual([]);
    expect(timers.delays).toEqual([]);
  });

  it('never acts twice on a tag pushed again at another commit', async () => {
    await deliver('push', { ...push, after: TAGGED, created: true });
    tags.set('4.19-rc1', MOVED);
    await deliver('push', { ...push, before: TAGGED, after: MOVED, created: false, forced: true });
    expect(ciCalls('tag')).toHaveLength(1);
    expect(run(MOVED, 'tag-apt-snapshots')?.summary).toContain(
      `4.19-rc1 was released from commit ${TAGGED.slice(0, 7)} already, and the tag was pushed again here`,
    );
  });

  it('tells the commit a deleted tag named that nothing will start', async () => {
    await deliver('push', { ...push, before: TAGGED, after: '0'.repeat(40), deleted: true, created: false });
    expect(run(TAGGED, 'tag-apt-snapshots')?.summary).toContain('The tag 4.19-rc1 was deleted');
    expect(ci.requests).toEqual([]);
  });

  it('ignores a tag that is not a release tag', async () => {
    await deliver('push', { ...push, ref: 'refs/tags/fe-1234', after: TAGGED, created: true });
    // Only who the app is, asked once of any webhook: nothing about the repository.
    expect(Object.keys(github.counts())).toEqual(['GET /app']);
  });

  it('retries a job whose trigger failed, as the next attempt, when its check is re-run; never a job that started', async () => {
    ci.route('POST /ci/tag', [
      { status: 400, body: 'bad parameters' },
      { status: 200, body: '{}' },
    ]);
    await deliver('push', { ...push, after: TAGGED, created: true });
    const failed = run(TAGGED, 'tag-apt-snapshots');
    expect(failed).toMatchObject({ conclusion: 'failure' });
    expect(failed?.summary).toContain('Nothing reached the CI. Re-run this check to try attempt 2.');

    await rerun('tag-apt-snapshots', failed?.summary);
    expect(ciCalls('tag')).toHaveLength(2);
    const started = run(TAGGED, 'tag-apt-snapshots');
    expect(started).toMatchObject({ conclusion: 'success' });
    expect(parseReleaseMarker(started?.summary)).toMatchObject({ kind: 'job', state: 'started', attempt: 2 });

    await rerun('tag-apt-snapshots', started?.summary);
    expect(ciCalls('tag')).toHaveLength(2);
    // A second click on the failed check, delivered late, starts nothing more.
    await rerun('tag-apt-snapshots', failed?.summary);
    expect(ciCalls('tag')).toHaveLength(2);
  });

  it('waits for a manifest when none is configured, and starts tag-apt-snapshots with the one a release manager gives', async () => {
    await app.stop();
    await startApp(
      deployment().replace(`manifest_url: '${files.url}/manifests/{tag}.build-manifest'`, 'manifest_url: null'),
    );
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(run(TAGGED, 'tag-apt-snapshots')).toMatchObject({ status: 'queued' });
    expect(run(TAGGED, 'tag-apt-snapshots')?.summary).toContain(
      'comment /apt-snapshots release 4.19-rc1 MANIFEST\\_URL with the URL',
    );
    expect(ciCalls('tag')).toHaveLength(0);

    await comment('/apt-snapshots release 4.19-rc1 https://elsewhere.example/m.build-manifest');
    expect(ciCalls('tag')).toHaveLength(0);
    await comment(`/apt-snapshots release 4.19-rc1 ${files.url}/manifests/4.19-rc1.build-manifest`);
    expect(ciCalls('tag')).toHaveLength(1);
  });

  it('polls for a manifest not published yet, and starts tag-apt-snapshots once it is', async () => {
    files.route('/manifests/4.19-rc1.build-manifest', [{ status: 404 }, { body: RELEASE_MANIFEST }]);
    await deliver('push', { ...push, after: TAGGED, created: true });
    const waiting = run(TAGGED, 'tag-apt-snapshots');
    expect(waiting).toMatchObject({ status: 'queued' });
    expect(waiting?.summary).toContain(
      `not published yet \\(${files.url}/manifests/4.19-rc1.build-manifest: HTTP 404 Not Found\\)`,
    );
    expect(waiting?.summary).toContain('| `BUILD_MANIFEST` | _(empty)_ |');
    expect(waiting?.summary).toContain('To be started by webhook');
    expect(run(TAGGED, 'release')?.summary).toContain('the build manifest');
    expect(ciCalls('tag')).toHaveLength(0);
    // One poll for the manifest, one for the images.
    expect(timers.delays).toEqual([60_000, 60_000]);

    await timers.fire(); // the manifest answers 200 now; the images are not out yet
    expect(ciCalls('tag')).toHaveLength(1);
    expect(JSON.parse(ciCalls('tag')[0]!.body).parameters.BUILD_MANIFEST).toBe(
      `${files.url}/manifests/4.19-rc1.build-manifest`,
    );
    expect(run(TAGGED, 'tag-apt-snapshots')).toMatchObject({ status: 'completed', conclusion: 'success' });
    // Only the images' poll is left.
    expect(timers.delays).toEqual([120_000]);
    expect(ciCalls('iuks')).toHaveLength(0);
  });

  it('says on the tagged commit that the release could not be judged when GitHub fails, and judges it on a re-run', async () => {
    github.fail('POST /graphql', 100);
    await deliver('push', { ...push, after: TAGGED, created: true });
    const failed = run(TAGGED, 'release');
    expect(failed).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      title: 'Could not judge: GitHub API error 502',
    });
    expect(failed?.summary).toContain('**Could not judge the release `4.19-rc1` at `aaaaaaa`.**');
    expect(ci.requests).toEqual([]);

    github.fail('POST /graphql', 0);
    await rerun('release', failed?.summary);
    expect(run(TAGGED, 'release')).toMatchObject({ conclusion: 'success' });
    expect(ciCalls('tag')).toHaveLength(1);
  });

  it('starts build_IUKs at once on /apt-snapshots build-iuks, and stops polling', async () => {
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(timers.delays).toEqual([60_000]);
    await comment('/apt-snapshots build-iuks 4.19-rc1', 78);
    expect(ciCalls('iuks')).toHaveLength(1);
    expect(timers.delays).toEqual([]);
  });

  it('starts a job even when saying it is starting failed, since its claim is taken', async () => {
    github.fail('POST /repos/{owner}/{repo}/check-runs', 1, (body) => {
      const { name, status } = body as { name?: string; status?: string };
      return name === 'APT snapshots: tag-apt-snapshots' && status === 'in_progress';
    });
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(ciCalls('tag')).toHaveLength(1);
    expect(run(TAGGED, 'tag-apt-snapshots')).toMatchObject({ conclusion: 'success' });
  });

  it('shows an attempt whose outcome was not recorded as unknown, and starts the next when a person re-runs that', async () => {
    github.fail('POST /repos/{owner}/{repo}/git/refs', 1, (body) => /-started$/.test((body as { ref: string }).ref));
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(ciCalls('tag')).toHaveLength(1);
    const shown = run(TAGGED, 'tag-apt-snapshots');
    expect(parseReleaseMarker(shown?.summary)).toMatchObject({ state: 'started', attempt: 1 });

    await rerun('tag-apt-snapshots', shown?.summary);
    expect(ciCalls('tag')).toHaveLength(1);
    const unknown = run(TAGGED, 'tag-apt-snapshots');
    expect(unknown).toMatchObject({ conclusion: 'failure' });
    expect(unknown?.summary).toContain('how it went was never recorded');
    expect(parseReleaseMarker(unknown?.summary)).toMatchObject({ state: 'unknown', attempt: 1 });

    await rerun('tag-apt-snapshots', unknown?.summary);
    expect(ciCalls('tag')).toHaveLength(2);
    expect(parseReleaseMarker(run(TAGGED, 'tag-apt-snapshots')?.summary)).toMatchObject({
      state: 'started',
      attempt: 2,
    });
  });

  it('starts nothing from a watch once the tag has moved to another commit', async () => {
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(timers.delays).toEqual([60_000]);
    tags.set('4.19-rc1', MOVED);
    await timers.fire(); // 404
    await timers.fire(); // 200: the images are out, but the tag names another commit now
    expect(ciCalls('iuks')).toHaveLength(0);
    expect(run(TAGGED, 'build_IUKs')?.summary).toContain(`The tag 4.19-rc1 names commit ${MOVED.slice(0, 7)} now`);
  });

  it('starts nothing on a re-run once the tag is deleted, and keeps the check of a job that started', async () => {
    ci.route('POST /ci/iuks', { status: 400, body: 'bad parameters' });
    await deliver('push', { ...push, after: TAGGED, created: true });
    await comment('/apt-snapshots build-iuks 4.19-rc1');
    const failed = run(TAGGED, 'build_IUKs');
    expect(failed).toMatchObject({ conclusion: 'failure' });

    tags.delete('4.19-rc1');
    await deliver('push', { ...push, before: TAGGED, after: '0'.repeat(40), deleted: true, created: false });
    expect(run(TAGGED, 'tag-apt-snapshots')).toMatchObject({ conclusion: 'success' });
    await rerun('build_IUKs', failed?.summary);
    expect(ciCalls('iuks')).toHaveLength(1);
    expect(run(TAGGED, 'build_IUKs')?.summary).toContain('The tag 4.19-rc1 was deleted');
  });

  it('acts only on a re-run whose check is the one its marker names', async () => {
    ci.route('POST /ci/tag', [
      { status: 400, body: 'bad parameters' },
      { status: 200, body: '{}' },
    ]);
    await deliver('push', { ...push, after: TAGGED, created: true });
    const failed = run(TAGGED, 'tag-apt-snapshots');
    await rerun('build_IUKs', failed?.summary);
    await rerun('tag-apt-snapshots', `${failed?.summary ?? ''}\n\nQuoted by someone.`);
    expect(ciCalls('tag')).toHaveLength(1);
  });

  it('watches the manifest a release manager gives in place of the one configured', async () => {
    files.route('/manifests/4.19-rc1.build-manifest', { status: 404 });
    files.route('/other/4.19-rc1.build-manifest', [{ status: 404 }, { body: RELEASE_MANIFEST }]);
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(timers.delays).toEqual([60_000, 60_000]);
    await comment(`/apt-snapshots release 4.19-rc1 ${files.url}/other/4.19-rc1.build-manifest`);
    expect(ciCalls('tag')).toHaveLength(0);
    // Still one watch for the manifest, now the one given, and one for the images.
    expect(timers.delays).toHaveLength(2);
    await timers.fire();
    expect(ciCalls('tag')).toHaveLength(1);
    expect(JSON.parse(ciCalls('tag')[0]!.body).parameters.BUILD_MANIFEST).toBe(
      `${files.url}/other/4.19-rc1.build-manifest`,
    );
  });

  it('refuses a manifest URL given that redirects to a host the deployment does not list', async () => {
    await app.stop();
    await startApp(
      deployment().replace(`manifest_url: '${files.url}/manifests/{tag}.build-manifest'`, 'manifest_url: null'),
    );
    files.route('/redirect.build-manifest', { status: 302, headers: { location: `${ci.url}/ci/manifest` } });
    await deliver('push', { ...push, after: TAGGED, created: true });
    await comment(`/apt-snapshots release 4.19-rc1 ${files.url}/redirect.build-manifest`);
    expect(ci.requests).toEqual([]);
    expect(run(TAGGED, 'tag-apt-snapshots')?.summary).toContain('is not a host a manifest may come from');
  });

  it('starts no build_IUKs, and polls for nothing, when no earlier release of the major version exists', async () => {
    tags.delete('4.18');
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(ciCalls('tag')).toHaveLength(1);
    expect(timers.delays).toEqual([]);
    const iuks = run(TAGGED, 'build_IUKs');
    expect(iuks).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(iuks?.summary).toContain('Nothing to start: no earlier release of major version 4 to upgrade from');
    expect(ciCalls('iuks')).toHaveLength(0);
  });

  it('retries with the configured manifest when no host is listed for given ones', async () => {
    await app.stop();
    await startApp(deployment().replace(/manifest_hosts: .*\n/, 'manifest_hosts: []\n'));
    ci.route('POST /ci/tag', [
      { status: 400, body: 'bad parameters' },
      { status: 200, body: '{}' },
    ]);
    await deliver('push', { ...push, after: TAGGED, created: true });
    await rerun('tag-apt-snapshots', run(TAGGED, 'tag-apt-snapshots')?.summary);
    expect(ciCalls('tag')).toHaveLength(2);
    expect(run(TAGGED, 'tag-apt-snapshots')).toMatchObject({ conclusion: 'success' });
  });

  it('keeps the attempt on a check a re-run could not act on, so that the next re-run starts it', async () => {
    ci.route('POST /ci/tag', [
      { status: 400, body: 'bad parameters' },
      { status: 200, body: '{}' },
    ]);
    await deliver('push', { ...push, after: TAGGED, created: true });
    const failed = run(TAGGED, 'tag-apt-snapshots');
    files.route('/manifests/4.19-rc1.build-manifest', [{ status: 404 }, { body: RELEASE_MANIFEST }]);
    await rerun('tag-apt-snapshots', failed?.summary);
    const waiting = run(TAGGED, 'tag-apt-snapshots');
    expect(parseReleaseMarker(waiting?.summary)).toMatchObject({ state: 'waiting', attempt: 1 });
    expect(ciCalls('tag')).toHaveLength(1);
    await rerun('tag-apt-snapshots', waiting?.summary);
    expect(ciCalls('tag')).toHaveLength(2);
  });

  it('says the outcome is unknown when GitHub fails the claim, and starts the job on a re-run', async () => {
    github.fail('POST /repos/{owner}/{repo}/git/refs', 1, (body) => /\/1$/.test((body as { ref: string }).ref));
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(ciCalls('tag')).toHaveLength(0);
    const unknown = run(TAGGED, 'tag-apt-snapshots');
    expect(unknown?.summary).toContain('Could not tell whether attempt 1 was claimed');
    expect(parseReleaseMarker(unknown?.summary)).toMatchObject({ state: 'unknown', attempt: 1 });
    await rerun('tag-apt-snapshots', unknown?.summary);
    expect(ciCalls('tag')).toHaveLength(1);
    expect(parseReleaseMarker(run(TAGGED, 'tag-apt-snapshots')?.summary)).toMatchObject({
      state: 'started',
      attempt: 1,
    });
  });

  it('starts nothing for a late delivery of a tag that has moved since', async () => {
    tags.set('4.19-rc1', MOVED);
    await deliver('push', { ...push, after: TAGGED, created: true });
    expect(ci.requests).toEqual([]);
    expect(run(TAGGED, 'tag-apt-snapshots')?.summary).toContain(`names commit ${MOVED.slice(0, 7)} now`);
  });

  it('gives up a manifest poll at its deadline even when the URL answers but cannot be read', async () => {
    files.route('/manifests/4.19-rc1.build-manifest', { body: Buffer.from([0xff, 0xfe, 0x00]) });
    await deliver('push', { ...push, after: TAGGED, created: true });
    let fired = 0;
    while (timers.delays.length > 0 && fired < 50) {
      await timers.fire();
      fired += 1;
    }
    // 60 + 120 + 240 + 480 + 600 × 4 + 300 s: the hour is over, and the poll gives up.
    expect(fired).toBeLessThan(15);
    expect(ciCalls('tag')).toHaveLength(0);
    expect(run(TAGGED, 'tag-apt-snapshots')?.summary).toContain('did not lead to a start within 1 hours');
  });
});
