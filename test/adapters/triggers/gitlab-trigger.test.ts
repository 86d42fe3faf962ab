import { createTrigger } from '../../../src/adapters/triggers/create-trigger.js';
import type { TriggerConfig } from '../../../src/config/schema.js';
import type { JobRequest, JobTrigger } from '../../../src/ports/job-trigger.js';
import { startHttpServer, type LocalHttpServer } from '../../helpers/http-server.js';
import { recordingLogger, type RecordingLogger } from './fakes/fake-clock.js';
import { PROJECT_ID, startFakeGitLab, type FakeGitLab } from './fakes/fake-gitlab.js';
import { triggerFailure } from './failure.js';

const TOKEN = 'glptt-a1b2c3d4e5f6a7b8c9d0';
const REQUEST: JobRequest = {
  job: 'tag-apt-snapshots',
  parameters: { TAG: '4.19-rc1', BUILD_MANIFEST_URL: 'https://ci.example/tails-amd64-4.19~rc1.build-manifest' },
};

let gitlab: FakeGitLab;
let other: LocalHttpServer | undefined;
let log: RecordingLogger;

function trigger(config: Partial<Extract<TriggerConfig, { type: 'gitlab' }>> = {}, token = TOKEN): JobTrigger {
  return createTrigger(
    {
      type: 'gitlab',
      url: gitlab.url,
      project: 'tails/tails',
      ref: 'master',
      token_env: 'GITLAB_TRIGGER_TOKEN',
      timeout_ms: 1000,
      ...config,
    },
    { GITLAB_TRIGGER_TOKEN: token },
    { log },
  );
}

beforeEach(async () => {
  gitlab = await startFakeGitLab({
    project: 'tails/tails',
    token: TOKEN,
    refs: ['master', 'stable'],
    prefix: '/gitlab',
  });
  log = recordingLogger();
});

afterEach(async () => {
  await gitlab.server.close();
  await other?.close();
  other = undefined;
});

describe('GitLabTrigger', () => {
  it('posts the token, the ref and each parameter as a variable to the project by its encoded path; the pipeline is the build', async () => {
    const started = await trigger().trigger(REQUEST);

    expect(started).toEqual({ status: 'started', url: `${gitlab.url}/tails/tails/-/pipelines/987`, id: '987' });
    const [request] = gitlab.server.requests;
    expect(request?.url).toBe('/gitlab/api/v4/projects/tails%2Ftails/trigger/pipeline');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(request?.body)]).toEqual([
      ['token', TOKEN],
      ['ref', 'master'],
      ['variables[TAG]', '4.19-rc1'],
      ['variables[BUILD_MANIFEST_URL]', 'https://ci.example/tails-amd64-4.19~rc1.build-manifest'],
    ]);
    expect(gitlab.pipelines).toEqual(['master']);
  });

  it('takes the project by its numeric id', async () => {
    await trigger({ project: PROJECT_ID, ref: 'stable' }).trigger(REQUEST);
    expect(gitlab.server.requests[0]?.url).toBe(`/gitlab/api/v4/projects/${PROJECT_ID}/trigger/pipeline`);
    expect(gitlab.pipelines).toEqual(['stable']);
  });

  it('says which variable holds the token GitLab does not know, and never the token', async () => {
    const error = await triggerFailure(trigger({}, 'glptt-wrong').trigger(REQUEST));
    expect(error).toMatchObject({ status: 404, sent: false });
    expect(error.message).toContain('HTTP 404 Not Found from POST');
    expect(error.message).toContain(': 404 Not Found');
    expect(error.message).not.toContain('glptt-wrong');
  });

  it("gives GitLab's own reason for a ref it does not have", async () => {
    const error = await triggerFailure(trigger({ ref: 'feature/nope' }).trigger(REQUEST));
    expect(error).toMatchObject({ status: 400, sent: false });
    expect(error.message).toMatch(/HTTP 400 Bad Request from POST .*: base: Reference not found$/);
    expect(error.message).toContain('GitLab at ');
    expect(error.message).toContain('ref feature/nope');
  });

  it('is started without details when the 201 is unreadable', async () => {
    gitlab.createdBody = '<html>';
    expect(await trigger().trigger(REQUEST)).toEqual({ status: 'started' });
    expect(log.lines.join('\n')).toContain(
      'a pipeline was created, but its answer is unreadable: the body is not JSON',
    );
  });

  it('shows only http(s) links GitLab gives, without credentials', async () => {
    gitlab.createdBody = JSON.stringify({ id: 5, web_url: 'javascript:alert(1)' });
    expect(await trigger().trigger(REQUEST)).toEqual({ status: 'started', id: '5' });
    gitlab.createdBody = JSON.stringify({ id: 6, web_url: 'https://user:pw@gitlab.example/p/-/pipelines/6' });
    expect(await trigger().trigger(REQUEST)).toEqual({
      status: 'started',
      id: '6',
      url: 'https://gitlab.example/p/-/pipelines/6',
    });
  });

  it('does not carry the token to another origin a redirect names', async () => {
    other = await startHttpServer();
    gitlab.server.route('POST /gitlab/api/v4/projects/tails%2Ftails/trigger/pipeline', {
      status: 308,
      headers: { location: `${other.url}/api/v4/projects/tails%2Ftails/trigger/pipeline` },
    });
    const error = await triggerFailure(trigger().trigger(REQUEST));
    expect(error).toMatchObject({ status: 308, sent: false });
    expect(other.requests).toHaveLength(0);
  });

  it('describes the request without the token, which travels in the form', () => {
    const described = trigger().describe(REQUEST);
    expect(described).toEqual({
      method: 'POST',
      url: `${gitlab.url}/api/v4/projects/tails%2Ftails/trigger/pipeline`,
      parameters: REQUEST.parameters,
      headers: ['Content-Type', 'User-Agent'],
    });
    expect(JSON.stringify(described)).not.toContain(TOKEN);
  });
});
