import { startFakeGitHub, type FakeGitHub } from '../../bench/fake-github.js';
import type { FakeCommit } from '../../bench/fake-ref-graphql.js';

const SHA = 'a1'.repeat(20);
const JWT = 'Bearer eyJhbGciOi.eyJpYXQiOjE2.c2lnbmF0dXJl';
const COMMIT: FakeCommit = {
  sha: SHA,
  parents: [],
  date: new Date('2021-05-13T08:00:00Z'),
  message: 'A commit',
  files: { 'config/base_branch': 'testing\n' },
};

let github: FakeGitHub;
beforeEach(async () => {
  github = await startFakeGitHub({
    appId: 7,
    appSlug: 'the-bot',
    installationId: 42,
    repository: { owner: 'tails', repo: 'tails' },
    commitOf: (rev) => (rev === SHA ? COMMIT : undefined),
  });
});
afterEach(async () => {
  await github.close();
});

async function call(
  method: string,
  path: string,
  authorization: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${github.url}${path}`, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function installationToken(): Promise<string> {
  const { status, json } = await call('POST', '/app/installations/42/access_tokens', JWT);
  expect(status).toBe(201);
  return `token ${String(json.token)}`;
}

describe('the fake GitHub', () => {
  it.each([
    [
      'a known base and head: the head forked at its first parent',
      `testing...${SHA}`,
      200,
      {
        merge_base_commit: { sha: 'b0'.repeat(20) },
        base_commit: { sha: '7e'.repeat(20), commit: { tree: { sha: expect.stringMatching(/^[0-9a-f]{40}$/) } } },
        behind_by: 0,
        total_commits: 0,
        commits: [],
      },
    ],
    ['an unknown base: no merge base', `nowhere...${SHA}`, 404, { message: `no merge base of nowhere and ${SHA}` }],
    [
      'an unknown head: no merge base',
      `testing...${'c1'.repeat(20)}`,
      404,
      { message: `no merge base of testing and ${'c1'.repeat(20)}` },
    ],
  ])('compare, %s', async (_name, basehead, status, json) => {
    await github.close();
    const head: FakeCommit = { ...COMMIT, parents: ['b0'.repeat(20)] };
    const testing: FakeCommit = { ...COMMIT, sha: '7e'.repeat(20) };
    const commits: Record<string, FakeCommit> = { [SHA]: head, 'refs/heads/testing': testing };
    github = await startFakeGitHub({
      appId: 7,
      appSlug: 'the-bot',
      installationId: 42,
      repository: { owner: 'tails', repo: 'tails' },
      commitOf: (rev) => commits[rev],
    });
    expect(await call('GET', `/repos/tails/tails/compare/${basehead}?per_page=1`, await installationToken())).toEqual({
      status,
      json,
    });
  });

  it('hands out an installation token for the app JWT, and says which app it is', async () => {
    const token = await installationToken();
    expect(token).toMatch(/^token ghs_[0-9a-f]{36}$/);
    expect(await call('GET', '/app', JWT)).toEqual({
      status: 200,
      json: { id: 7, slug: 'the-bot', name: 'the-bot', owner: { login: 'tails' } },
    });
    expect(github.counts()).toEqual({ 'POST /app/installations/{id}/access_tokens': 1, 'GET /app': 1 });
    expect(github.unexpected()).toEqual([]);
  });

  it('creates check runs with growing ids, records what it created, and lists them for their commit, name and app', async () => {
    const token = await installationToken();
    const list = (query: string) => call('GET', `/repos/tails/tails/commits/${SHA}/check-runs?${query}`, token);
    expect(await list('check_name=APT%20snapshots&filter=latest&app_id=7')).toEqual({
      status: 200,
      json: { total_count: 0, check_runs: [] },
    });
    const first = await call('POST', '/repos/tails/tails/check-runs', token, {
      name: 'APT snapshots',
      head_sha: SHA,
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: [{ path: 'a' }] },
    });
    const second = await call('POST', '/repos/tails/tails/check-runs', token, {
      name: 'APT snapshots',
      head_sha: SHA,
      conclusion: 'success',
      output: { title: 't', summary: 's' },
    });
    expect(first).toMatchObject({
      status: 201,
      json: {
        id: 1,
        name: 'APT snapshots',
        head_sha: SHA,
        app: { id: 7, slug: 'the-bot' },
        output: { annotations_count: 1 },
      },
    });
    expect(second.json.id).toBe(2);
    expect(github.checkRuns()).toEqual([
      { name: 'APT snapshots', headSha: SHA, conclusion: 'failure', at: expect.any(Number) },
      { name: 'APT snapshots', headSha: SHA, conclusion: 'success', at: expect.any(Number) },
    ]);
    expect((await list('check_name=APT%20snapshots&filter=latest&app_id=7')).json).toMatchObject({
      total_count: 2,
      check_runs: [{ id: 1, output: { annotations_count: 1 } }, { id: 2 }],
    });
    expect((await list('check_name=other&filter=latest&app_id=7')).json).toEqual({ total_count: 0, check_runs: [] });
    expect((await list('check_name=APT%20snapshots&filter=latest&app_id=8')).json).toEqual({
      total_count: 0,
      check_runs: [],
    });
    expect(github.counts()).toMatchObject({
      'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': 4,
      'POST /repos/{owner}/{repo}/check-runs': 2,
    });
  });

  it('reports the check runs it created in the GraphQL read of the commit, the latest of each name', async () => {
    const token = await installationToken();
    await call('POST', '/repos/tails/tails/check-runs', token, {
      name: 'APT snapshots',
      head_sha: SHA,
      output: { title: 'old', summary: 's' },
    });
    await call('POST', '/repos/tails/tails/check-runs', token, {
      name: 'APT snapshots',
      head_sha: SHA,
      external_id: 'annotations-2',
      output: { title: 'new', summary: 's' },
    });
    const { json } = await call('POST', '/graphql', token, {
      query:
        'query ReadRefs($owner: String!, $name: String!, $runs: String!, $appId: Int!) { repository(owner: $owner, name: $name) { runs: object(expression: $runs) { ...AppCheckRuns } } }',
      variables: { owner: 'tails', name: 'tails', runs: SHA, appId: 7 },
    });
    expect(json).toEqual({
      data: {
        repository: {
          runs: {
            oid: SHA,
            checkSuites: {
              totalCount: 1,
              nodes: [
                {
                  app: { databaseId: 7 },
                  checkRuns: {
                    totalCount: 1,
                    nodes: [
                      {
                        databaseId: 2,
                        name: 'APT snapshots',
                        externalId: 'annotations-2',
                        annotations: { totalCount: 0 },
                      },
                    ],
                  },
                },
              ],
            },
          },
        },
      },
    });
  });

  it('answers the GraphQL read from its commits', async () => {
    const token = await installationToken();
    const { status, json } = await call('POST', '/graphql', token, {
      query:
        'query ReadRefs($owner: String!, $name: String!, $c0: String!) { repository(owner: $owner, name: $name) { c0: object(expression: $c0) { ...CommitInfo } } }',
      variables: { owner: 'tails', name: 'tails', c0: SHA },
    });
    expect({ status, json }).toEqual({
      status: 200,
      json: {
        data: {
          repository: {
            c0: { oid: SHA, committedDate: '2021-05-13T08:00:00.000Z', message: 'A commit', parents: { nodes: [] } },
          },
        },
      },
    });
  });

  it.each([
    ['the token exchange without the app JWT', 'POST', '/app/installations/42/access_tokens', 'token ghs_x', 401],
    ['GET /app without the app JWT', 'GET', '/app', '', 401],
    ['a repository route with the JWT', 'GET', `/repos/tails/tails/commits/${SHA}/check-runs`, JWT, 401],
    ['GraphQL with a made-up token', 'POST', '/graphql', 'token ghs_madeup', 401],
    ['a route the app does not use', 'GET', '/repos/tails/tails/releases', 'token ghs_madeup', 404],
  ])('refuses %s, and reports it as unexpected', async (_name, method, path, authorization, status) => {
    const answer = await call(method, path, authorization, method === 'POST' ? {} : undefined);
    expect(answer.status).toBe(status);
    expect(github.unexpected()).toEqual([`${method} ${path}: ${String(answer.json.message)}`]);
    expect(github.counts()).toEqual({});
  });

  it('refuses a check run without name or head_sha, and a body that is not JSON', async () => {
    const token = await installationToken();
    expect((await call('POST', '/repos/tails/tails/check-runs', token, { name: 'APT snapshots' })).status).toBe(422);
    const response = await fetch(`${github.url}/graphql`, {
      method: 'POST',
      headers: { authorization: token },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(github.unexpected()).toEqual([
      'POST /repos/tails/tails/check-runs: a check run needs name and head_sha',
      'POST /graphql: the body is not JSON',
    ]);
    expect(github.checkRuns()).toEqual([]);
  });

  it('forgets counts, refusals and what it created on reset, but keeps its token valid and the runs on GitHub', async () => {
    const token = await installationToken();
    await call('POST', '/repos/tails/tails/check-runs', token, { name: 'n', head_sha: SHA });
    await call('GET', '/nowhere', token);
    github.reset();
    expect([github.counts(), github.unexpected(), github.checkRuns()]).toEqual([{}, [], []]);
    expect(
      await call('GET', `/repos/tails/tails/commits/${SHA}/check-runs?check_name=n&app_id=7`, token),
    ).toMatchObject({ status: 200, json: { total_count: 1 } });
  });
});

describe('the fake GitHub, as a stand-in for what else the app asks', () => {
  let stand: FakeGitHub;
  let token: string;
  const BOT = 'apt-snapshots-bot/thaw-devel';
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stand.url}${path}`, {
      method,
      headers: { authorization: token, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      json: (await response.json()) as Record<string, unknown> & { tree?: { sha: string } },
    };
  };

  beforeEach(async () => {
    const devel: FakeCommit = { ...COMMIT, sha: 'd1'.repeat(20) };
    stand = await startFakeGitHub({
      appId: 7,
      appSlug: 'the-bot',
      installationId: 42,
      repository: { owner: 'tails', repo: 'tails' },
      commitOf: (rev) => (rev === SHA ? COMMIT : rev === 'refs/heads/devel' || rev === devel.sha ? devel : undefined),
      issues: [30],
      pullRequests: { 12: { head: 'feature/x', headSha: SHA, base: 'devel', baseSha: devel.sha } },
      collaborators: { intrigeri: 'admin', reader: 'triage' },
    });
    const exchange = await fetch(`${stand.url}/app/installations/42/access_tokens`, {
      method: 'POST',
      headers: { authorization: JWT },
    });
    token = `token ${((await exchange.json()) as { token: string }).token}`;
  });
  afterEach(async () => {
    await stand.close();
  });

  it('writes a bot branch as GitHub does: tree, commit, ref; the same edits make the same tree; compare lists the bot commit', async () => {
    const base = 'd1'.repeat(20);
    expect((await send('GET', `/repos/tails/tails/git/ref/${encodeURIComponent(`heads/${BOT}`)}`)).status).toBe(404);
    const { json: baseCommit } = await send('GET', `/repos/tails/tails/git/commits/${base}`);
    const edits = {
      base_tree: baseCommit.tree?.sha,
      tree: [{ path: 'a', content: 'b' }],
    };
    const tree = (await send('POST', '/repos/tails/tails/git/trees', edits)).json.sha as string;
    expect((await send('POST', '/repos/tails/tails/git/trees', edits)).json.sha).toBe(tree);
    const commit = (await send('POST', '/repos/tails/tails/git/commits', { message: 'm', tree, parents: [base] })).json
      .sha as string;
    expect((await send('POST', '/repos/tails/tails/git/refs', { ref: `refs/heads/${BOT}`, sha: commit })).status).toBe(
      201,
    );
    expect((await send('POST', '/repos/tails/tails/git/refs', { ref: `refs/heads/${BOT}`, sha: commit })).json).toEqual(
      {
        message: 'Reference already exists',
      },
    );

    expect((await send('GET', `/repos/tails/tails/git/ref/${encodeURIComponent(`heads/${BOT}`)}`)).json).toMatchObject({
      object: { sha: commit },
    });
    expect((await send('GET', `/repos/tails/tails/compare/${base}...${commit}`)).json).toMatchObject({
      merge_base_commit: { sha: base },
      behind_by: 0,
      total_commits: 1,
      commits: [
        {
          sha: commit,
          commit: { tree: { sha: tree } },
          author: { login: 'the-bot[bot]' },
          committer: { login: 'the-bot[bot]' },
        },
      ],
    });
  });

  it('moves a branch with updateRefs only from the commit it names', async () => {
    const base = 'd1'.repeat(20);
    const commit = (await send('POST', '/repos/tails/tails/git/commits', { message: 'm', tree: 't', parents: [base] }))
      .json.sha as string;
    await send('POST', '/repos/tails/tails/git/refs', { ref: `refs/heads/${BOT}`, sha: base });
    const { json: repository } = await send('GET', '/repos/tails/tails');
    const move = (before: string) =>
      send('POST', '/graphql', {
        query: 'mutation MoveBotBranch($repositoryId: ID!) { updateRefs(input: {}) { clientMutationId } }',
        variables: { repositoryId: repository.node_id, name: `refs/heads/${BOT}`, before, after: commit },
      });

    expect((await move(SHA)).json).toMatchObject({ errors: [{ type: 'UNPROCESSABLE' }] });
    expect((await move(base)).json).toEqual({ data: { updateRefs: { clientMutationId: null } } });
    expect((await send('GET', `/repos/tails/tails/git/ref/heads%2F${encodeURIComponent(BOT)}`)).json).toMatchObject({
      object: { sha: commit },
    });
  });

  it('opens, lists, updates and closes pull requests, refusing a second one for the same branches', async () => {
    const opened = await send('POST', '/repos/tails/tails/pulls', { head: BOT, base: 'devel', title: 'T', body: 'B' });
    expect(opened).toMatchObject({ status: 201, json: { number: 1000, state: 'open', head: { ref: BOT } } });
    expect((await send('POST', '/repos/tails/tails/pulls', { head: BOT, base: 'devel', title: 'T' })).status).toBe(422);
    expect((await send('GET', `/repos/tails/tails/pulls?state=open&head=tails:${BOT}&base=devel`)).json).toHaveLength(
      1,
    );
    await send('PATCH', '/repos/tails/tails/pulls/1000', { state: 'closed' });
    expect((await send('GET', `/repos/tails/tails/pulls?state=open&head=tails:${BOT}&base=devel`)).json).toEqual([]);
    expect((await send('GET', '/repos/tails/tails/pulls/12')).json).toMatchObject({
      head: { ref: 'feature/x', sha: SHA, repo: { full_name: 'tails/tails' } },
    });
  });

  it('keeps comments per issue, edits them, and knows collaborators', async () => {
    const posted = await send('POST', '/repos/tails/tails/issues/30/comments', { body: 'hello' });
    await send('PATCH', `/repos/tails/tails/issues/comments/${String(posted.json.id)}`, { body: 'edited' });
    expect((await send('GET', '/repos/tails/tails/issues/30/comments?per_page=100')).json).toEqual([
      expect.objectContaining({ body: 'edited', user: { login: 'the-bot[bot]', type: 'Bot' } }),
    ]);
    expect((await send('GET', '/repos/tails/tails/collaborators/reader/permission')).json).toEqual({
      permission: 'read',
      role_name: 'triage',
      user: { login: 'reader' },
    });
    expect(stand.notFound()).toBe(0);
  });

  it.each([
    ['an installation it does not have', 'POST', '/app/installations/43/access_tokens', 404],
    ['another repository', 'POST', '/repos/tails/other/check-runs', 404],
    ['an issue it does not have', 'GET', '/repos/tails/tails/issues/99/comments', 404],
    ['a pull request it does not have', 'GET', '/repos/tails/tails/pulls/99', 404],
    ['someone who is no collaborator', 'GET', '/repos/tails/tails/collaborators/nobody/permission', 404],
    ['a check run on a commit it does not have', 'POST', '/repos/tails/tails/check-runs', 422],
    [
      'the check runs of a commit it does not have',
      'GET',
      `/repos/tails/tails/commits/${'0f'.repeat(20)}/check-runs`,
      422,
    ],
    ['a check run it does not have', 'PATCH', '/repos/tails/tails/check-runs/99', 404],
  ])('answers %s as GitHub does, and counts it as not found, not unexpected', async (_what, method, path, status) => {
    const body = method === 'GET' ? undefined : { name: 'n', head_sha: '0f'.repeat(20) };
    const answer = await fetch(`${stand.url}${path}`, {
      method,
      headers: { authorization: path.startsWith('/app/') ? JWT : token },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(answer.status).toBe(status);
    expect([stand.notFound(), stand.unexpected()]).toEqual([1, []]);
  });

  it('updates a check run: annotations add up, as GitHub keeps them', async () => {
    const created = await send('POST', '/repos/tails/tails/check-runs', {
      name: 'n',
      head_sha: SHA,
      external_id: 'a',
      output: { title: 't', summary: 's', annotations: [{}] },
    });
    const updated = await send('PATCH', `/repos/tails/tails/check-runs/${String(created.json.id)}`, {
      external_id: 'b',
      output: { title: 'u', summary: 'v', annotations: [{}, {}] },
    });
    expect(updated.json).toMatchObject({
      external_id: 'b',
      output: { title: 'u', summary: 'v', annotations_count: 3 },
    });
  });
});
