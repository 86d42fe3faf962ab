import { createTrigger } from '../../../src/adapters/triggers/create-trigger.js';
import type { TriggerConfig } from '../../../src/config/schema.js';
import { UsageError } from '../../../src/errors.js';
import type { JobRequest, JobTrigger } from '../../../src/ports/job-trigger.js';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../../helpers/http-server.js';
import { triggerFailure } from './failure.js';
import { fakeClock, recordingLogger, type FakeClock, type RecordingLogger } from './fakes/fake-clock.js';
import {
  queueCancelled,
  queueStarted,
  queueWaiting,
  startFakeJenkins,
  type FakeJenkins,
  type FakeJenkinsOptions,
} from './fakes/fake-jenkins.js';

const USER = 'apt-snapshots-bot';
const TOKEN = '11d7c3f1e0b6d6a4b2c9e8f7a6b5c4d3e2';
const BASIC = Buffer.from(`${USER}:${TOKEN}`).toString('base64');
const ENV = { JENKINS_USER: USER, JENKINS_TOKEN: TOKEN };
const JOB = 'release/build_IUKs';

const REQUEST: JobRequest = {
  job: 'build_IUKs',
  parameters: {
    TAILS_GIT_COMMIT: '4.19-rc1',
    SOURCE_DATE_EPOCH: '1621418400',
    NEW_VERSION: '4.19~rc1',
    SOURCE_VERSIONS: '4.14 4.15 4.15.1 4.16 4.17 4.18',
    EXTRA_ARGS: '',
  },
};

let jenkins: FakeJenkins;
let other: LocalHttpServer | undefined;
let clock: FakeClock;
let log: RecordingLogger;

async function start(options: Partial<FakeJenkinsOptions> = {}): Promise<void> {
  jenkins = await startFakeJenkins({ user: USER, token: TOKEN, jobs: [JOB], csrf: true, ...options });
}

function trigger(config: Partial<Extract<TriggerConfig, { type: 'jenkins' }>> = {}, env = ENV): JobTrigger {
  return createTrigger(
    {
      type: 'jenkins',
      url: jenkins.url,
      job: JOB,
      user_env: 'JENKINS_USER',
      token_env: 'JENKINS_TOKEN',
      timeout_ms: 1000,
      queue_timeout_ms: 60_000,
      ...config,
    },
    env,
    { sleep: clock.sleep, now: clock.now, log },
  );
}

function paths(): string[] {
  return jenkins.server.requests.map((r) => `${r.method} ${r.url}`);
}

beforeEach(() => {
  clock = fakeClock();
  log = recordingLogger();
});

afterEach(async () => {
  expect(log.lines.join('\n')).not.toContain(TOKEN);
  await jenkins.server.close();
  await other?.close();
  other = undefined;
});

describe('JenkinsTrigger', () => {
  it('posts the parameters as a form to the job in its folder, with the crumb and its session, and follows the queue item to the build', async () => {
    await start({ prefix: '/jenkins' });
    jenkins.queue = [
      queueWaiting(),
      queueWaiting('Waiting for next available executor'),
      queueStarted(`${jenkins.url}/job/release/job/build_IUKs/42/`),
    ];

    const started = await trigger().trigger(REQUEST);

    expect(started).toEqual({ status: 'started', url: `${jenkins.url}/job/release/job/build_IUKs/42/`, id: '42' });
    expect(paths()).toEqual([
      'GET /jenkins/crumbIssuer/api/json',
      'POST /jenkins/job/release/job/build_IUKs/buildWithParameters',
      'GET /jenkins/queue/item/7/api/json',
      'GET /jenkins/queue/item/7/api/json',
      'GET /jenkins/queue/item/7/api/json',
    ]);
    const post = jenkins.server.requests[1]!;
    expect(post.headers.authorization).toBe(`Basic ${BASIC}`);
    expect(post.headers['jenkins-crumb']).toBe('crumb-1');
    expect(post.headers.cookie).toBe('JSESSIONID.3a4f1b2c=node0session1');
    expect(post.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(jenkins.received[0]?.parameters).toEqual(REQUEST.parameters);
    // Waits grow: Jenkins' quiet period alone is 5 s.
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('sends no crumb when crumbIssuer answers 404 (CSRF protection off)', async () => {
    await start({ csrf: false });
    const started = await trigger().trigger(REQUEST);
    expect(started.status).toBe('started');
    const post = jenkins.server.requestsTo('/job/release/job/build_IUKs/buildWithParameters')[0]!;
    expect(post.headers['jenkins-crumb']).toBeUndefined();
    expect(post.headers.cookie).toBeUndefined();
  });

  it('refuses an unusable crumb answer before posting anything', async () => {
    await start();
    jenkins.server.route('GET /crumbIssuer/api/json', { status: 200, body: '<html>login</html>' });
    const error = await triggerFailure(trigger().trigger(REQUEST));
    expect(error.sent).toBe(false);
    expect(error.message).toMatch(/the crumb from GET .*\/crumbIssuer\/api\/json is unusable: the body is not JSON/);
    expect(jenkins.received).toHaveLength(0);
  });

  it('names the credential variables when Jenkins refuses them, and never the token', async () => {
    await start();
    const error = await triggerFailure(
      trigger({}, { JENKINS_USER: USER, JENKINS_TOKEN: 'wrong-token-000' }).trigger(REQUEST),
    );
    expect(error).toMatchObject({ status: 401, sent: false });
    expect(error.message).toContain('HTTP 401');
    expect(error.message).toContain('Jenkins does not accept the user and API token in JENKINS_USER and JENKINS_TOKEN');
    expect(error.message).not.toContain('wrong-token-000');
  });

  it('hides the token when Jenkins echoes the request in its error', async () => {
    await start({ csrf: false });
    jenkins.server.route('POST /job/release/job/build_IUKs/buildWithParameters', (request) => ({
      status: 400,
      body: `bad request: Authorization: ${request.headers.authorization ?? ''} token=${TOKEN}`,
    }));
    const error = await triggerFailure(trigger().trigger(REQUEST));
    expect(error.message).toContain('bad request: Authorization: Basic [redacted] token=[redacted]');
    expect(error.message).not.toContain(BASIC);
  });

  it('returns the queue item, still queued, when the build has not started by queue_timeout_ms', async () => {
    await start();
    jenkins.queue = [queueWaiting('Waiting for next available executor on amd64')];
    const queued = await trigger({ queue_timeout_ms: 30_000 }).trigger(REQUEST);
    expect(queued).toEqual({ status: 'queued', url: `${jenkins.url}/queue/item/7/` });
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 10_000, 5000]);
    expect(log.lines).toContain(
      `info: Jenkins at ${jenkins.url}, job ${JOB}: build_IUKs still queued after 30000 ms: Waiting for next available executor on amd64`,
    );
  });

  it('does not follow the queue item when queue_timeout_ms is 0', async () => {
    await start();
    const queued = await trigger({ queue_timeout_ms: 0 }).trigger(REQUEST);
    expect(queued).toEqual({ status: 'queued', url: `${jenkins.url}/queue/item/7/` });
    expect(jenkins.server.requestsTo('/queue/item/7/api/json')).toHaveLength(0);
  });

  it('fails when the queue item is cancelled, saying Jenkins had taken the job', async () => {
    await start();
    jenkins.queue = [queueWaiting(), queueCancelled()];
    const error = await triggerFailure(trigger().trigger(REQUEST));
    expect(error.sent).toBe(true);
    expect(error.message).toContain(`Jenkins cancelled queue item ${jenkins.url}/queue/item/7/ before it started`);
  });

  it('keeps following through a queue item that answers 500 or garbage, and gives up on one Jenkins forgot', async () => {
    await start();
    jenkins.queue = [{ status: 500, body: 'oops' }, { body: 'not json' }, { status: 404, body: 'gone' }];
    const queued = await trigger().trigger(REQUEST);
    expect(queued).toEqual({ status: 'queued', url: `${jenkins.url}/job/release/job/build_IUKs/` });
    expect(jenkins.server.requestsTo('/queue/item/7/api/json')).toHaveLength(3);
    expect(log.lines.join('\n')).toMatch(/could not read queue item .*: HTTP 500/);
  });

  it('stops following a queue item it may not read', async () => {
    await start();
    jenkins.queue = [{ status: 403, body: 'Access denied' }];
    const queued = await trigger().trigger(REQUEST);
    expect(queued).toEqual({ status: 'queued', url: `${jenkins.url}/queue/item/7/` });
    expect(jenkins.server.requestsTo('/queue/item/7/api/json')).toHaveLength(1);
  });

  it('does not take its credentials to a queue item on another origin', async () => {
    await start();
    other = await startHttpServer({ '/queue/item/7/api/json': queueStarted('https://x/1/') });
    jenkins.location = `${other.url}/queue/item/7/`;
    const queued = await trigger().trigger(REQUEST);
    expect(queued).toEqual({ status: 'queued', url: `${other.url}/queue/item/7/` });
    expect(other.requests).toHaveLength(0);
  });

  it('is queued at the job page when Jenkins names no queue item', async () => {
    await start();
    jenkins.location = null;
    const queued = await trigger().trigger(REQUEST);
    expect(queued).toEqual({ status: 'queued', url: `${jenkins.url}/job/release/job/build_IUKs/` });
  });

  it('follows a redirect on the same origin, and refuses one to another origin without sending it anything', async () => {
    await start({ csrf: false });
    const moved = createTrigger(
      {
        type: 'jenkins',
        url: jenkins.url,
        job: 'old',
        user_env: 'U',
        token_env: 'T',
        timeout_ms: 1000,
        queue_timeout_ms: 0,
      },
      { U: USER, T: TOKEN },
    );
    // The job "old" was moved; Jenkins' reverse proxy sends its endpoint on.
    jenkins.server.route('POST /job/old/buildWithParameters', {
      status: 307,
      headers: { location: `${jenkins.url}/job/release/job/build_IUKs/buildWithParameters` },
    });
    expect((await moved.trigger(REQUEST)).status).toBe('queued');
    expect(jenkins.received.map((r) => r.parameters)).toEqual([REQUEST.parameters]);

    other = await startHttpServer();
    jenkins.server.route('POST /job/release/job/build_IUKs/buildWithParameters', {
      status: 307,
      headers: { location: `${other.url}/job/release/job/build_IUKs/buildWithParameters?x=secret-query` },
    });
    const error = await triggerFailure(trigger().trigger(REQUEST));
    expect(error).toMatchObject({ status: 307, sent: false });
    expect(error.message).toContain(
      `redirects to ${other.url}/job/release/job/build_IUKs/buildWithParameters, not followed`,
    );
    expect(error.message).not.toContain('secret-query');
    expect(other.requests).toHaveLength(0);
  });

  it('does not turn the POST into a GET on a 302', async () => {
    await start({ csrf: false });
    jenkins.server.route('POST /job/release/job/build_IUKs/buildWithParameters', {
      status: 302,
      headers: { location: '/login?from=%2Fjob' },
    });
    const error = await triggerFailure(trigger().trigger(REQUEST));
    expect(error).toMatchObject({ status: 302, sent: false });
    expect(error.message).toContain('a 302 would turn the POST into a GET');
  });

  it('gives up on a redirect loop, and on a redirect that says not where', async () => {
    await start();
    jenkins.server.route('GET /crumbIssuer/api/json', { status: 302, headers: { location: '/crumbIssuer/api/json' } });
    const loop = await triggerFailure(trigger().trigger(REQUEST));
    expect(loop).toMatchObject({ status: 302, sent: false });
    expect(loop.message).toContain('more than 5 redirects from GET');
    expect(jenkins.server.requestsTo('/crumbIssuer/api/json')).toHaveLength(6);

    jenkins.server.route('GET /crumbIssuer/api/json', { status: 301 });
    const nowhere = await triggerFailure(trigger().trigger(REQUEST));
    expect(nowhere.message).toContain('HTTP 301 from GET');
    expect(nowhere.message).toContain('a redirect without a usable Location');
  });

  it('refuses a crumb that cannot go into a header, before posting anything', async () => {
    await start();
    jenkins.server.route('GET /crumbIssuer/api/json', {
      headers: { 'content-type': 'application/json' },
      body: '{"crumb":"a\\nb","crumbRequestField":"Jenkins-Crumb"}',
    });
    const error = await triggerFailure(trigger().trigger(REQUEST));
    expect(error.sent).toBe(false);
    expect(error.message).toContain('is unusable: no crumbRequestField and crumb fit for a header');
    expect(jenkins.received).toHaveLength(0);
  });

  it('follows a same-origin redirect of the crumb request', async () => {
    await start();
    jenkins.server.route('GET /crumbIssuer/api/json', { status: 302, headers: { location: '/crumbIssuer/api/json/' } });
    jenkins.server.route('GET /crumbIssuer/api/json/', {
      headers: { 'content-type': 'application/json' },
      body: '{"crumb":"c","crumbRequestField":"Jenkins-Crumb"}',
    });
    jenkins.server.route('POST /job/release/job/build_IUKs/buildWithParameters', (request) =>
      request.headers['jenkins-crumb'] === 'c' ? { status: 201 } : { status: 403 },
    );
    expect(await trigger().trigger(REQUEST)).toEqual({
      status: 'queued',
      url: `${jenkins.url}/job/release/job/build_IUKs/`,
    });
  });

  it('retries a refused connection, boundedly, and never a request that may have arrived', async () => {
    jenkins = await startFakeJenkins({ user: USER, token: TOKEN, jobs: [JOB], csrf: false });
    const refused = createTrigger(
      {
        type: 'jenkins',
        url: await closedPortUrl(),
        job: JOB,
        user_env: 'U',
        token_env: 'T',
        timeout_ms: 1000,
        queue_timeout_ms: 0,
      },
      { U: USER, T: TOKEN },
      { sleep: clock.sleep, now: clock.now, log },
    );
    const error = await triggerFailure(refused.trigger(REQUEST));
    expect(error.sent).toBe(false);
    expect(error.message).toContain('connection refused');
    expect(error.message).toContain('(3 attempts)');
    expect(clock.sleeps).toEqual([1000, 3000]);

    for (const reply of [{ status: 503 }, { destroy: true as const }]) {
      jenkins.server.route('POST /job/release/job/build_IUKs/buildWithParameters', reply);
      const before = jenkins.server.requests.length;
      const failed = await triggerFailure(trigger().trigger(REQUEST));
      expect(failed.sent).toBe(true);
      expect(jenkins.server.requests.length - before).toBe(2); // the crumb request, then one POST
    }
  });

  it('bounds an error page that never ends, and a body that stalls after the 201', async () => {
    await start({ csrf: false });
    jenkins.server.route('POST /job/release/job/build_IUKs/buildWithParameters', {
      status: 500,
      stream: { chunk: 'x'.repeat(64 * 1024) },
    });
    const error = await triggerFailure(trigger().trigger(REQUEST));
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('(the body is larger than 1048576 bytes)');

    jenkins.server.route('POST /job/release/job/build_IUKs/buildWithParameters', {
      stall: true,
      status: 201,
      headers: { location: `${jenkins.url}/queue/item/7/` },
      body: 'start of',
    });
    const began = performance.now();
    expect((await trigger({ timeout_ms: 150 }).trigger(REQUEST)).status).toBe('started');
    expect(performance.now() - began).toBeLessThan(1000);
  });

  it('describes the POST without the crumb, which is only known once asked for', async () => {
    await start();
    expect(trigger().describe(REQUEST)).toEqual({
      method: 'POST',
      url: `${jenkins.url}/job/release/job/build_IUKs/buildWithParameters`,
      parameters: REQUEST.parameters,
      headers: ['Authorization', 'Content-Type', 'User-Agent'],
    });
    expect(trigger().description).toBe(`Jenkins at ${jenkins.url}, job release/build_IUKs`);
  });

  it('refuses, at creation, a missing token or a user HTTP basic authentication cannot carry', async () => {
    await start();
    expect(() => trigger({}, { JENKINS_USER: USER } as typeof ENV)).toThrow(
      new UsageError(
        `Jenkins at ${jenkins.url}, job ${JOB}: the environment variable JENKINS_TOKEN (named by token_env) is not set`,
      ),
    );
    expect(() => trigger({}, { JENKINS_USER: 'a:b', JENKINS_TOKEN: TOKEN })).toThrow(
      /JENKINS_USER \(user_env\) contains ":"/,
    );
  });
});
