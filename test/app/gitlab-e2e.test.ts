import { serve, type RunningService } from '../../src/server.js';
import { freePort } from '../helpers/free-port.js';
import { commitFiles, makeRepo, type TestRepo } from '../helpers/git-repo.js';
import { BOT, GitLabFake, PROJECT_ID, PROJECT_PATH } from '../helpers/gitlab-fake.js';
import { serveRepository } from '../helpers/gitlab-repo-stand-in.js';
import { startGitLabStandIn, type GitLabStandIn } from '../helpers/gitlab-stand-in.js';
import { captureLog, NOW } from '../helpers/probot-app.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const SECRET = 'gitlab-e2e-secret-4c2a9e1f7b';
const TOKEN = 'glpat-e2e-bot-token';
const ZERO = '0'.repeat(40);
const DEVELOPER = { id: 3001, username: 'intrigeri' };
const REPORTER = { id: 3002, username: 'passer-by' };

function project(standIn: GitLabStandIn) {
  return {
    id: PROJECT_ID,
    name: 'tails',
    path_with_namespace: PROJECT_PATH,
    web_url: `${standIn.url}/${PROJECT_PATH}`,
    default_branch: 'devel',
  };
}

describe('the real server, serving GitLab alone, over HTTP', () => {
  const log = captureLog();
  let standIn: GitLabStandIn;
  let fake: GitLabFake;
  let repo: TestRepo & { commit: string };
  let server: RunningService;
  let hooks: string;
  let topic: string;

  async function post(event: string, payload: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(hooks, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': event,
        'x-gitlab-token': SECRET,
        'x-gitlab-event-uuid': `e2e-${Math.random().toString(16).slice(2)}`,
        ...headers,
      },
      body: JSON.stringify(payload),
    });
  }

  function push(ref: string, before: string, after: string, user = DEVELOPER) {
    return {
      object_kind: 'push',
      ref,
      before,
      after,
      user_id: user.id,
      user_username: user.username,
      project: project(standIn),
    };
  }

  function mergeRequest(action: string, iid: number, sha: string) {
    return {
      object_kind: 'merge_request',
      user: DEVELOPER,
      project: project(standIn),
      object_attributes: {
        iid,
        action,
        state: 'opened',
        source_branch: 'feature/pin-debian',
        target_branch: 'devel',
        source_project_id: PROJECT_ID,
        target_project_id: PROJECT_ID,
        last_commit: { id: sha },
        ...(action === 'update' ? { oldrev: repo.commit } : {}),
      },
    };
  }

  function note(user: { id: number; username: string }, iid: number, body: string, id: number) {
    return {
      object_kind: 'note',
      user,
      project: project(standIn),
      object_attributes: { id, note: body, noteable_type: 'MergeRequest', system: false },
      merge_request: { iid },
    };
  }

  beforeAll(async () => {
    repo = await makeRepo(tailsTree(), { date: new Date('2021-05-13T08:00:00Z'), message: 'Thawed devel' });
    topic = await commitFiles(repo, { [`${PATHS.MAIN}/debian/serial`]: '2021051301\n' }, 'Pin debian');
    await repo.git(['branch', 'feature/pin-debian', topic]);
    await repo.git(['reset', '--hard', repo.commit]);
    standIn = await startGitLabStandIn(TOKEN);
    fake = new GitLabFake(standIn, { ...BOT });
    fake.addUser(DEVELOPER);
    fake.addUser(REPORTER);
    fake.members.set(DEVELOPER.id, { access_level: 30, inherited: true });
    fake.members.set(REPORTER.id, { access_level: 20, inherited: false });
    // Reads come from the real repository; writes (statuses, notes) go to the fake, which must know its commits.
    serveRepository(standIn, { project: PROJECT_PATH, repo });
    for (const [id, parent] of [
      [repo.commit, undefined],
      [topic, repo.commit],
    ] as const) {
      fake.commits.set(id, {
        id,
        parent_ids: parent ? [parent] : [],
        files: new Map(),
        message: 'from the repository',
        author_name: 'A person',
        author_email: 'person@example.org',
        committer_name: 'A person',
        committer_email: 'person@example.org',
      });
    }
    const port = await freePort();
    server = await serve({
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        GITLAB_URL: standIn.url,
        GITLAB_TOKEN: TOKEN,
        GITLAB_WEBHOOK_SECRET: SECRET,
        APT_SNAPSHOTS_SERVER: 'offline',
      },
      log: log.logger,
      app: { snapshotServer: null, now: () => NOW },
    });
    hooks = `http://127.0.0.1:${port}/api/gitlab/webhooks`;
    // The readiness probe asks GitLab who the bot is once at start: let it, before counting requests.
    while (
      ((await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checkedAt: unknown }).checkedAt === null
    )
      await new Promise((resolve) => setTimeout(resolve, 10));
  });

  afterAll(async () => {
    await server.stop();
    await standIn.close();
    await repo.cleanup();
  });

  afterEach(() => {
    expect(standIn.unexpected).toEqual([]);
    expect(standIn.unauthorized).toEqual([]);
  });

  it.each([
    ['a wrong token', { 'x-gitlab-token': 'not-the-secret-at-all' }],
    ['no token', { 'x-gitlab-token': '' }],
  ])('refuses a webhook with %s: 401, and no request to GitLab', async (_name, headers) => {
    const before = standIn.requests.length;
    const response = await post('Push Hook', push('refs/heads/feature/pin-debian', ZERO, topic), headers);
    expect(response.status).toBe(401);
    await response.text();
    expect(standIn.requests).toHaveLength(before);
  });

  it('judges a pushed branch: one commit status named "APT snapshots", by the bot, with the project id encoded', async () => {
    const uuid = 'push-feature-pin-1';
    const response = await post('Push Hook', push('refs/heads/feature/pin-debian', ZERO, topic), {
      'x-gitlab-event-uuid': uuid,
    });
    expect(response.status).toBe(200);
    await response.text();

    const statuses = fake.statuses.filter((s) => s.sha === topic && s.name === 'APT snapshots');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.author.username).toBe(BOT.username);
    expect(statuses[0]?.status).toBe('success');
    expect(statuses[0]?.description).toMatch(/^1 warning: feature\/pin-debian pins debian in the main set/);
    const posted = standIn.requests.filter((r) => r.method === 'POST' && r.path.includes('/statuses/'));
    expect(posted.at(-1)?.url).toContain(`/api/v4/projects/${encodeURIComponent(PROJECT_PATH)}/statuses/${topic}`);
    expect(posted.at(-1)?.headers['private-token'] ?? posted.at(-1)?.headers.authorization).toBeDefined();

    // The same delivery again: recognised, nothing asked of GitLab.
    const before = standIn.requests.length;
    const again = await post('Push Hook', push('refs/heads/feature/pin-debian', ZERO, topic), {
      'x-gitlab-event-uuid': uuid,
    });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('redelivery');
    expect(standIn.requests).toHaveLength(before);
  });

  it('leaves alone a push by the bot itself', async () => {
    const before = standIn.requests.length;
    const response = await post('Push Hook', push('refs/heads/apt-snapshots-bot/thaw-devel', ZERO, topic, BOT));
    expect(response.status).toBe(200);
    await response.text();
    // At most who the bot is (asked once, maybe already known): never a status or a note.
    expect(standIn.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('judges a merge request under its target’s rules, with one note edited in place on each push', async () => {
    fake.mergeRequests.push({
      iid: 7,
      title: 'Pin debian',
      description: null,
      state: 'opened',
      source_branch: 'feature/pin-debian',
      target_branch: 'devel',
      source_project_id: PROJECT_ID,
      target_project_id: PROJECT_ID,
      author: { id: DEVELOPER.id, username: DEVELOPER.username },
      remove_source_branch: false,
      created_at: fake.now(),
      diff_refs: { base_sha: repo.commit, head_sha: topic, start_sha: repo.commit },
      sha: topic,
      notes: [],
    });

    for (const action of ['open', 'update']) {
      const response = await post('Merge Request Hook', mergeRequest(action, 7, topic));
      expect(response.status).toBe(200);
      await response.text();
    }

    const mr = fake.mergeRequests.find((m) => m.iid === 7);
    const notes = mr?.notes.filter((n) => n.author.username === BOT.username) ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain('APT snapshots (pull request)');
    expect(notes[0]?.body).toContain('for merge request !7: `feature/pin-debian`');
    expect(notes[0]?.body).toContain(`${standIn.url}/${PROJECT_PATH}/-/blob/${topic}/`);
    // Judged twice to the same verdict: one status, not two.
    const statuses = fake.statuses.filter((s) => s.sha === topic && s.name === 'APT snapshots (pull request)');
    expect(statuses.map((s) => [s.status, s.target_url])).toEqual([
      ['success', expect.stringContaining('/-/merge_requests/7#note_')],
    ]);
  });

  it('answers a Reporter’s command with a refusal, and a Developer’s with the check, as GitLab stores the notes', async () => {
    const mr = fake.mergeRequests.find((m) => m.iid === 7);
    for (const [id, author] of [
      [501, REPORTER],
      [502, DEVELOPER],
      [503, REPORTER],
    ] as const)
      mr?.notes.push({ id, body: '/apt-snapshots check', author, system: false, created_at: fake.now() });

    const refused = await post('Note Hook', note(REPORTER, 7, '/apt-snapshots check', 501));
    expect(refused.status).toBe(200);
    await refused.text();
    const done = await post('Note Hook', note(DEVELOPER, 7, '/apt-snapshots check', 502));
    expect(done.status).toBe(200);
    await done.text();

    const replies = (fake.mergeRequests.find((m) => m.iid === 7)?.notes ?? [])
      .filter((n) => n.author.username === BOT.username)
      .map((n) => n.body);
    expect(replies.find((b) => b.includes('@passer-by'))).toMatch(/only people with write access .* yours is `triage`/);
    expect(replies.find((b) => b.includes('@intrigeri'))).toMatch(
      /Checked this merge request \(`feature\/pin-debian`\)/,
    );

    // A payload that says a Developer wrote the Reporter's note (anyone with the webhook's secret can send one):
    // answered as the note's real author.
    const forged = await post('Note Hook', note(DEVELOPER, 7, '/apt-snapshots check', 503));
    expect(forged.status).toBe(200);
    await forged.text();
    const reply = mr?.notes.find((n) => n.author.username === BOT.username && n.body.includes('reply:503'));

    // A payload naming one of the bot's own notes (which can quote commands) as a person's: never answered.
    const own = mr?.notes.find((n) => n.author.username === BOT.username);
    const notes = mr?.notes.length;
    const echoed = await post('Note Hook', note(DEVELOPER, 7, '/apt-snapshots check', own?.id ?? 0));
    expect(echoed.status).toBe(200);
    expect(await echoed.text()).toContain('ignored');
    expect(mr?.notes.length).toBe(notes);
    expect(reply?.body).toMatch(
      /^<!-- apt-snapshots-bot:reply:503 -->\n+@passer-by thanks for asking, but only people with write access/,
    );
  });
});
