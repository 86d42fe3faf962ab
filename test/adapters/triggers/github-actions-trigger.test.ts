import { createTrigger } from '../../../src/adapters/triggers/create-trigger.js';
import type { TriggerConfig } from '../../../src/config/schema.js';
import type { JobRequest, JobTrigger } from '../../../src/ports/job-trigger.js';
import { recordingLogger, type RecordingLogger } from './fakes/fake-clock.js';
import { RUN_ID, WORKFLOW_ID, startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './fakes/fake-github.js';
import { triggerFailure } from './failure.js';

const TOKEN = 'github_pat_11AAAAAAA0123456789abcdef';
const REQUEST: JobRequest = {
  job: 'build_IUKs',
  parameters: {
    TAILS_GIT_COMMIT: '4.19-rc1',
    SOURCE_DATE_EPOCH: '1621418400',
    NEW_VERSION: '4.19~rc1',
    SOURCE_VERSIONS: '4.14 4.15',
    EXTRA_ARGS: '--verbose',
  },
};

let github: FakeGitHub;
let log: RecordingLogger;

async function start(options: Partial<FakeGitHubOptions> = {}): Promise<void> {
  github = await startFakeGitHub({
    repository: 'tails/tails',
    workflow: 'build-iuks.yml',
    token: TOKEN,
    refs: ['stable'],
    inputs: Object.keys(REQUEST.parameters),
    prefix: '/api/v3',
    ...options,
  });
}

function trigger(config: Partial<Extract<TriggerConfig, { type: 'github-actions' }>> = {}, token = TOKEN): JobTrigger {
  return createTrigger(
    {
      type: 'github-actions',
      api_url: github.url,
      repository: 'tails/tails',
      workflow: 'build-iuks.yml',
      ref: 'stable',
      token_env: 'GH_TOKEN',
      timeout_ms: 1000,
      ...config,
    },
    { GH_TOKEN: token },
    { log },
  );
}

beforeEach(() => {
  log = recordingLogger();
});

afterEach(async () => {
  await github.server.close();
});

describe('GitHubActionsTrigger', () => {
  it('dispatches the workflow with the ref and the inputs, and takes the run GitHub names', async () => {
    await start();
    const started = await trigger().trigger(REQUEST);

    expect(started).toEqual({
      status: 'started',
      url: `${github.server.url}/tails/tails/actions/runs/${RUN_ID}`,
      id: String(RUN_ID),
    });
    const [request] = github.server.requests;
    expect(request?.url).toBe('/api/v3/repos/tails/tails/actions/workflows/build-iuks.yml/dispatches');
    expect(request?.headers).toMatchObject({
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'x-github-api-version': '2022-11-28',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({
      ref: 'stable',
      inputs: REQUEST.parameters,
      return_run_details: true,
    });
  });

  it("dispatches again without return_run_details to a server that refuses it, and is queued at the workflow's runs", async () => {
    await start({ runDetails: false });
    const queued = await trigger().trigger(REQUEST);

    expect(queued).toEqual({
      status: 'queued',
      url: `${github.server.url}/tails/tails/actions/workflows/build-iuks.yml`,
    });
    expect(github.server.requests).toHaveLength(2);
    expect(JSON.parse(github.server.requests[1]?.body ?? '')).toEqual({ ref: 'stable', inputs: REQUEST.parameters });
    expect(github.dispatched).toHaveLength(1);
    expect(log.lines).toContain(
      `info: ${trigger().description}: the server does not know return_run_details; dispatching without it`,
    );
  });

  it('takes the workflow by id, whose runs are on the repository actions page', async () => {
    await start({ runDetails: false });
    const queued = await trigger({ workflow: WORKFLOW_ID }).trigger(REQUEST);
    expect(github.server.requests[0]?.url).toBe(
      `/api/v3/repos/tails/tails/actions/workflows/${WORKFLOW_ID}/dispatches`,
    );
    expect(queued.url).toBe(`${github.server.url}/tails/tails/actions`);
  });

  it('links github.com for api.github.com', async () => {
    await start();
    const fetch: typeof globalThis.fetch = async () => new Response(null, { status: 204 });
    const dispatched = createTrigger(
      {
        type: 'github-actions',
        api_url: 'https://api.github.com',
        repository: 'tails/tails',
        workflow: 'build-iuks.yml',
        ref: 'stable',
        token_env: 'T',
        timeout_ms: 1000,
      },
      { T: TOKEN },
      { fetch },
    );
    expect(await dispatched.trigger(REQUEST)).toEqual({
      status: 'queued',
      url: 'https://github.com/tails/tails/actions/workflows/build-iuks.yml',
    });
  });

  it('is queued at the runs page when the run details are unreadable', async () => {
    await start();
    github.server.route('POST /api/v3/repos/tails/tails/actions/workflows/build-iuks.yml/dispatches', {
      status: 200,
      body: 'nope',
    });
    expect(await trigger().trigger(REQUEST)).toEqual({
      status: 'queued',
      url: `${github.server.url}/tails/tails/actions/workflows/build-iuks.yml`,
    });
    expect(log.lines.join('\n')).toContain('dispatched, but the run details are unreadable: the body is not JSON');
  });

  it("gives GitHub's reason for a refusal, and names the variable of a token it does not accept", async () => {
    await start({ inputs: ['TAILS_GIT_COMMIT'] });
    const unexpected = await triggerFailure(trigger().trigger(REQUEST));
    expect(unexpected).toMatchObject({ status: 422, sent: false });
    expect(unexpected.message).toContain('Unexpected inputs provided: [\\"SOURCE_DATE_EPOCH\\"');

    const badToken = await triggerFailure(trigger({}, 'ghp_wrong').trigger(REQUEST));
    expect(badToken).toMatchObject({ status: 401, sent: false });
    expect(badToken.message).toContain('Bad credentials (GitHub Actions does not accept the token in GH_TOKEN)');
    expect(badToken.message).not.toContain('ghp_wrong');
  });

  it('refuses more inputs than a dispatch takes, before sending anything', async () => {
    await start();
    const parameters = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`P${i}`, 'x']));
    const error = await triggerFailure(trigger().trigger({ job: 'build_IUKs', parameters }));
    expect(error.sent).toBe(false);
    expect(error.message).toContain('26 inputs, more than the 25 a workflow dispatch takes');
    expect(github.server.requests).toHaveLength(0);
  });
});
