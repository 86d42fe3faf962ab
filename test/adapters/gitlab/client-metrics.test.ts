import { gitlabApi, gitlabGraphql, type GitLabConnection } from '../../../src/adapters/gitlab/client.js';
import { ForgeError } from '../../../src/ports/forge-error.js';
import { AppMetrics } from '../../../src/server/metrics.js';
import { freePort } from '../../helpers/free-port.js';
import { startGitLabStandIn, type GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

const SHA = 'a'.repeat(40);

let standIn: GitLabStandIn;
let counted: [string, string, number][];
let waits: number[];

function connection(overrides: Partial<GitLabConnection> = {}): GitLabConnection {
  return {
    host: standIn.url,
    token: standIn.token,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    onRequest: (method, route, status) => counted.push([method, route, status]),
    ...overrides,
  };
}

/** Answers `replies` in turn, then fails the test's request if asked again. */
function inTurn(...replies: { status: number; body: unknown; headers?: Record<string, string> }[]) {
  let next = 0;
  return () => {
    const reply = replies[next];
    next += 1;
    return reply ?? { status: 500, body: { message: 'asked once too often' } };
  };
}

beforeEach(async () => {
  standIn = await startGitLabStandIn('glpat-metrics-token-5678');
  counted = [];
  waits = [];
});

afterEach(async () => {
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
  await standIn.close();
});

describe('counting GitLab requests', () => {
  it('counts a request once by its route template, never by the project path or sha it names', async () => {
    standIn.on('POST', '/projects/:id/statuses/:sha', () => ({ status: 201, body: { id: 1, status: 'success' } }));

    await gitlabApi(connection()).Commits.editStatus('tails/tails', SHA, 'success', { name: 'APT snapshots' });
    await gitlabApi(connection()).Commits.editStatus(42, 'b'.repeat(40), 'success', { name: 'APT snapshots' });

    expect(counted).toEqual([
      ['POST', '/projects/:id/statuses/:sha', 201],
      ['POST', '/projects/:id/statuses/:sha', 201],
    ]);
    expect(standIn.requests.map((r) => r.url)).toEqual([
      `/api/v4/projects/tails%2Ftails/statuses/${SHA}`,
      `/api/v4/projects/42/statuses/${'b'.repeat(40)}`,
    ]);
  });

  it('counts a 404 with its status, and the ForgeError still reaches the caller', async () => {
    standIn.on('GET', '/projects/:id/members/all/:user_id', () => ({
      status: 404,
      body: { message: '404 Not found' },
    }));

    const asked = gitlabApi(connection()).ProjectMembers.show('tails/tails', 31, { includeInherited: true });

    await expect(asked).rejects.toMatchObject({ status: 404, gone: true });
    await expect(asked).rejects.toBeInstanceOf(ForgeError);
    expect(counted).toEqual([['GET', '/projects/:id/members/all/:user_id', 404]]);
  });

  it('counts a retried 503 once, with the answer the retry got', async () => {
    standIn.on(
      'GET',
      '/projects/:id/repository/commits/:sha',
      inTurn({ status: 503, body: { message: '503 Service Unavailable' } }, { status: 200, body: { id: SHA } }),
    );

    await expect(gitlabApi(connection()).Commits.show('tails/tails', SHA)).resolves.toMatchObject({ id: SHA });

    expect(standIn.requests).toHaveLength(2);
    expect(waits).toEqual([1000]);
    expect(counted).toEqual([['GET', '/projects/:id/repository/commits/:sha', 200]]);
  });

  it('counts a request that stayed at 503 through its retries once, as a 503', async () => {
    const unavailable = { status: 503, body: { message: '503 Service Unavailable' } };
    standIn.on('GET', '/projects/:id/repository/commits/:sha', inTurn(unavailable, unavailable, unavailable));

    await expect(gitlabApi(connection()).Commits.show('tails/tails', SHA)).rejects.toMatchObject({ status: 503 });

    expect(standIn.requests).toHaveLength(3);
    expect(counted).toEqual([['GET', '/projects/:id/repository/commits/:sha', 503]]);
  });

  it('counts a request that got no answer as status 0', async () => {
    const port = await freePort();

    const asked = gitlabApi(connection({ host: `http://127.0.0.1:${port}` })).Commits.show('tails/tails', SHA);

    await expect(asked).rejects.toThrow(/could not connect/);
    expect(counted).toEqual([['GET', '/projects/:id/repository/commits/:sha', 0]]);
  });

  it('counts a retry that got no answer as status 0, not as the 503 before it', async () => {
    let release = () => {};
    standIn.on(
      'GET',
      '/projects/:id/repository/commits/:sha',
      inTurn({ status: 503, body: { message: '503 Service Unavailable' } }),
    );
    const hanging = connection({ timeoutMs: 200 });
    hanging.sleep = () => {
      // The retry finds GitLab silent: no answer within the time limit.
      standIn.on(
        'GET',
        '/projects/:id/repository/commits/:sha',
        () => new Promise((resolve) => (release = () => resolve({ body: { id: SHA } }))),
      );
      return Promise.resolve();
    };

    try {
      await expect(gitlabApi(hanging).Commits.show('tails/tails', SHA)).rejects.toThrow(/no answer within 0.2 s/);
    } finally {
      release();
    }

    expect(standIn.requests).toHaveLength(2);
    expect(counted).toEqual([['GET', '/projects/:id/repository/commits/:sha', 0]]);
  });

  it('counts a GraphQL query as one route, whatever it asks', async () => {
    standIn.on('POST', '/api/graphql', () => ({ body: { data: { project: { id: 'gid://gitlab/Project/1' } } } }));

    await gitlabGraphql(connection(), 'read project', 'query($p: ID!) { project(fullPath: $p) { id } }', {
      p: 'tails/tails',
    });

    expect(counted).toEqual([['POST', '/api/graphql', 200]]);
  });

  it('leaves the query string out of the route', async () => {
    standIn.on('GET', '/users', () => ({ body: [{ id: 31, username: 'anonym' }] }));

    await gitlabApi(connection()).Users.all({ username: 'anonym', perPage: 20, page: 1 });

    expect(standIn.requests[0]?.url).toContain('username=anonym');
    expect(counted).toEqual([['GET', '/users', 200]]);
  });

  it('templates the route of a GitLab served below a path of its own, without that path', async () => {
    const proxied = connection({ host: `${standIn.url}/gitlab/` });

    await expect(gitlabApi(proxied).Users.showCurrentUser()).rejects.toMatchObject({ status: 404 });

    expect(counted).toEqual([['GET', '/user', 404]]);
    // The stand-in serves GitLab at its root: the prefixed request is the one it was meant to miss.
    expect(standIn.unexpected.splice(0)).toEqual(['GET /gitlab/api/v4/user']);
  });

  it('reaches /metrics as apt_snapshots_bot_gitlab_requests_total', async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    standIn.on('GET', '/projects/:id/merge_requests/:merge_request_iid', () => ({ body: { iid: 7, sha: SHA } }));
    const api = gitlabApi(connection({ onRequest: (m, r, s) => metrics.gitlabRequest(m, r, s) }));

    await api.MergeRequests.show('tails/tails', 7);
    await api.MergeRequests.show('tails/tails', 8);

    const text = await metrics.text();
    expect(text).toContain('# HELP apt_snapshots_bot_gitlab_requests_total GitLab API requests');
    expect(text).toContain(
      'apt_snapshots_bot_gitlab_requests_total{method="GET",route="/projects/:id/merge_requests/:merge_request_iid",status="200"} 2',
    );
    expect(text).not.toContain('tails%2Ftails');
  });
});
