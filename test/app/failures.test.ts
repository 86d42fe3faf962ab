import { parseSubjectMarker } from '../../src/report/check-subject.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { guardNock } from '../helpers/nock-guard.js';
import { mockCheck, mockCreateBranch, mockFindPullRequest } from '../helpers/github-rest.js';
import { captureLog, deliver, fixture, testPrivateKey, testProbot } from '../helpers/probot-app.js';
import { tailsTree } from '../helpers/snapshot.js';
import { githubApi, rev, SHA, topicPushApi, TREES } from './scenario.js';

const guard = guardNock();

const CHECK = 'APT snapshots';

interface CheckBody {
  conclusion: string;
  output: { title: string; summary: string };
}

describe('failures are visible checks', () => {
  it.each([
    [
      'a 500',
      500,
      {},
      'Could not judge: GitHub API error 500',
      'GitHub had an internal error (POST https://api.github.com/graphql)',
    ],
    [
      'a 403 rate limit',
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1621000000' },
      'Could not judge: GitHub API rate limit exceeded',
      "the app's API rate limit is exhausted (POST https://api.github.com/graphql); the limit resets at 2021-05-14T13:46:40Z. Re-run this check after that.",
    ],
    [
      'a 403 asking to retry later',
      403,
      { 'retry-after': '60' },
      'Could not judge: GitHub API rate limit exceeded',
      'GitHub asks to wait 60 s before retrying',
    ],
  ])('reading answered %s: a failed check says so and can be re-run', async (_name, status, headers, title, detail) => {
    const api = topicPushApi();
    api.scope.post('/graphql').reply(status, { message: 'API rate limit exceeded for installation ID 4242.' }, headers);
    // Nothing was read, so the forge looks for the run itself.
    const written = mockCheck(api.scope, SHA.topicAfter, CHECK);

    await deliver(await testProbot(), 'push', fixture('push-topic-branch'));

    const body = written[0] as unknown as CheckBody;
    expect(body).toMatchObject({ conclusion: 'failure', output: { title } });
    expect(body.output.summary).toContain(detail);
    expect(parseSubjectMarker(body.output.summary)).toEqual({
      kind: 'push',
      branch: 'feature/1234-foo',
      sha: SHA.topicAfter,
      before: SHA.topicBefore,
    });
  });

  it('says so when the snapshot server is down, and judges everything else', async () => {
    const api = githubApi({
      'refs/heads/testing': rev(TREES.testing, SHA.testingTip),
      [SHA.testingTip]: rev(TREES.testing, SHA.testingTip),
    });
    api.read();
    const written = api.check(SHA.testingTip, CHECK);
    const payload = fixture<{ ref: string; before: string; after: string; created: boolean }>('push-new-branch');
    Object.assign(payload, { ref: 'refs/heads/testing', after: SHA.testingTip });
    const refused = [
      'debian/2021051301',
      'torproject/2021051301',
      'debian/2021042702',
      'debian-security/2021042702',
      'tails/2021050302',
    ];
    const down = new FakeSnapshotServer({
      failures: Object.fromEntries(refused.map((key) => [key, 'connection refused'])),
    });

    await deliver(await testProbot({ app: { snapshotServer: down } }), 'push', payload);

    // testing is a release branch: an expiry that could not be checked fails it closed.
    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('failure');
    expect(body.output.title).toMatch(
      /^5 errors: Could not check when snapshot debian 2021051301 \(pinned in the main set/,
    );
    expect(body.output.summary).toContain('connection refused');
    expect(body.output.summary).not.toContain('Skipped rules');
  });

  it('is neutral, not passed, when the snapshot server does not answer for a branch that needs no freeze', async () => {
    const port = tailsTree({ baseBranch: 'feature/bookworm' });
    const api = githubApi({ [SHA.develAfter]: rev(port, SHA.develAfter) });
    api.read();
    const written = api.check(SHA.develAfter, CHECK);
    const payload = fixture<{ ref: string; before: string; after: string; created: boolean }>('push-new-branch');
    Object.assign(payload, { ref: 'refs/heads/feature/bookworm', after: SHA.develAfter });
    const refused = ['debian/2021042702', 'debian-security/2021042702', 'tails/2021050302'];
    const down = new FakeSnapshotServer({
      failures: Object.fromEntries(refused.map((key) => [key, 'connection refused'])),
    });

    await deliver(await testProbot({ app: { snapshotServer: down } }), 'push', payload);

    const body = written[0] as unknown as CheckBody;
    expect(body.conclusion).toBe('neutral');
    expect(body.output.title).toMatch(/^Incomplete, the snapshot server did not answer 3 lookups; 3 warnings: /);
  });

  it('never crashes when even the failed check cannot be written: the delivery fails and the next one works', async () => {
    const capture = captureLog();
    const probot = await testProbot({ log: capture.logger });
    const api = topicPushApi();
    api.scope.post('/graphql').reply(500, { message: 'Server Error' });
    api.scope
      .get(`/repos/tails/tails/commits/${SHA.topicAfter}/check-runs`)
      .query(true)
      .reply(500, { message: 'Server Error' });

    await expect(deliver(probot, 'push', fixture('push-topic-branch'))).rejects.toThrow(/ensureCheck.*answered 500/);

    const next = { ...fixture<{ ref: string }>('push-tag'), ref: 'refs/tags/fe-1234' };
    await deliver(probot, 'push', next);
    expect(capture.text()).toContain('could not judge (cannot read');
  });

  it('honours a rate limit when throttling is on (as in production): waits for the reset, then goes on', async () => {
    const api = topicPushApi();
    // GitHub's reset is in whole seconds; the throttling plugin waits until a second after it.
    const reset = Math.floor(Date.now() / 1000);
    api.scope
      .post('/graphql')
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      );
    api.read();
    const written = api.check(SHA.topicAfter, CHECK);
    const started = Date.now();

    await deliver(await testProbot({ throttle: true }), 'push', fixture('push-topic-branch'));

    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((written[0] as unknown as CheckBody).conclusion).toBe('success');
  });
});

describe('idempotence', () => {
  it('a redelivered webhook updates the one check run instead of creating a second', async () => {
    const probot = await testProbot();
    const api = topicPushApi();
    api.read();
    const first = api.check(SHA.topicAfter, CHECK);
    await deliver(probot, 'push', fixture('push-topic-branch'), 'delivery-1');
    const created = first[0] as unknown as CheckBody & { external_id: string; output: { annotations: unknown[] } };

    api.read();
    const second = api.check(SHA.topicAfter, CHECK, {
      existing: {
        id: 6001,
        externalId: created.external_id,
        annotationsCount: created.output.annotations.length,
      },
    });
    await deliver(probot, 'push', fixture('push-topic-branch'), 'delivery-1');

    expect(api.log.filter((l) => l === 'POST /repos/tails/tails/check-runs')).toHaveLength(1);
    expect(api.log.filter((l) => l === 'PATCH /repos/tails/tails/check-runs/6001')).toHaveLength(1);
    expect(second[0]).toMatchObject({ conclusion: 'success', output: { title: created.output.title } });
    expect(second[0]).not.toHaveProperty('output.annotations');
  });
});

describe('secrets', () => {
  it('never logs the private key or the installation token, even at trace level and on errors', async () => {
    const capture = captureLog();
    const probot = await testProbot({ log: capture.logger });
    const api = topicPushApi();
    api.read();
    api.check(SHA.topicAfter, CHECK);
    await deliver(probot, 'push', fixture('push-topic-branch'));
    // No mock for the check: nock's error then dumps the request, token
    // included, deep in the error's causes, which Probot would log whole.
    api.scope.post('/graphql').reply(500, { message: 'Server Error' });
    await expect(deliver(probot, 'push', fixture('push-topic-branch'))).rejects.toThrow(/ensureCheck/);
    expect(guard.unexpected.splice(0)).toEqual([expect.stringMatching(/^GET .*\/check-runs/)]);

    const logged = capture.text();
    expect(logged.length).toBeGreaterThan(1000);
    const keyBody = testPrivateKey()
      .split('\n')
      .filter((line) => line.length > 20);
    for (const line of keyBody) expect(logged).not.toContain(line);
    expect(logged).not.toContain('ghs_installationtoken');
  });
});

describe('one check run per commit', () => {
  it('an outage, its re-run that finds devel frozen, and the note about the thaw pull request: all in one run', async () => {
    const probot = await testProbot();
    const frozen = rev(TREES.develFrozen, SHA.develAfter);
    const api = githubApi({
      [SHA.develAfter]: frozen,
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
      'refs/heads/devel': frozen,
    });
    // The push: GitHub fails the read, so the run says it could not judge (no annotations).
    api.scope.post('/graphql').reply(502, { message: 'Bad Gateway' });
    const outage = mockCheck(api.scope, SHA.develAfter, CHECK);
    await deliver(probot, 'push', fixture('push-devel-left-frozen'));
    expect(outage[0]).toMatchObject({ output: { title: 'Could not judge: GitHub API error 502' } });
    const failed = outage[0] as unknown as { external_id: string };

    // The re-run: the findings go into that run, annotations included; then the pull request fails, and the
    // note about it updates the same run again, its annotations now those the run carries.
    api.read();
    const recovered = api.check(SHA.develAfter, CHECK, {
      existing: { id: 6001, externalId: failed.external_id, annotationsCount: 0 },
    });
    api.read();
    mockCreateBranch(api.scope, 'apt-snapshots-bot/thaw-devel', SHA.develAfter);
    mockFindPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel');
    api.scope.post('/repos/tails/tails/pulls').reply(502, { message: 'Bad Gateway' });
    const noted = mockCheck(api.scope, SHA.develAfter, CHECK, {
      existing: () => {
        const body = recovered[0] as { external_id: string; output: { annotations: unknown[] } };
        return { id: 6001, externalId: body.external_id, annotationsCount: body.output.annotations.length };
      },
    });
    await deliver(probot, 'check_run', fixture('check-run-rerequested'));

    expect(recovered[0]).toMatchObject({ conclusion: 'failure', output: { annotations: [{}, {}] } });
    expect(noted[0]).not.toHaveProperty('output.annotations');
    expect((noted[0] as unknown as CheckBody).output.summary).toContain('could not be opened or updated');
    expect(api.log.filter((l) => l === 'POST /repos/tails/tails/check-runs')).toHaveLength(1);
    expect(api.log.filter((l) => l === 'PATCH /repos/tails/tails/check-runs/6001')).toHaveLength(2);
  });
});
