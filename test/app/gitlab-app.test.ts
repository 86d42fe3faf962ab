import { createTrigger } from '../../src/adapters/triggers/create-trigger.js';
import { MemoryJobClaims } from '../../src/app/release/memory-job-claims.js';
import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import { MemoryRunOnce } from '../../src/app/run-once-memory.js';
import { DASHBOARD_MARKER } from '../../src/report/dashboard.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { commitFiles } from '../helpers/git-repo.js';
import { startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { BOT, PROJECT_PATH } from '../helpers/gitlab-fake.js';
import {
  DEVELOPER,
  NOW,
  projectPayload,
  REPORTER,
  pushPayload,
  startWorld,
  ZERO,
  type AppWorld,
  type Person,
} from '../helpers/gitlab-app-world.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { RELEASE_MANIFEST, RELEASE_SERIAL, RELEASE_TREE } from '../helpers/release-fixture.js';

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const THAW_BRANCH = 'apt-snapshots-bot/thaw-devel';
const ENCODED = encodeURIComponent(PROJECT_PATH);

let world: AppWorld | undefined;

afterEach(async () => {
  if (!world) return;
  const { standIn } = world;
  await world.close();
  world = undefined;
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
});

/** devel thawed, then left frozen by a merge: the push of the frozen commit. */
async function frozenDevel(): Promise<{ w: AppWorld; thawed: string; frozen: string }> {
  const w = await startWorld({ files: tailsTree() });
  world = w;
  const thawed = w.repo.commit;
  const frozen = await commitFiles(w.repo, tailsTree({ main: FROZEN }), "Merge branch 'stable' into devel", {
    date: new Date('2021-05-13T08:00:00Z'),
  });
  w.project.sync();
  return { w, thawed, frozen };
}

function mergeRequestPayload(w: AppWorld, sender: Person, fields: { iid: number; source: string; sha: string }) {
  return {
    object_kind: 'merge_request',
    user: sender,
    project: projectPayload(w.where),
    object_attributes: {
      iid: fields.iid,
      action: 'open',
      state: 'opened',
      source_branch: fields.source,
      target_branch: 'devel',
      source_project_id: w.where.id,
      target_project_id: w.where.id,
      last_commit: { id: fields.sha },
    },
  };
}

describe('GitLabApp: a push leaving devel frozen', () => {
  it('fails the check on the commit, commits the thaw to the bot’s branch and opens one merge request; the same push again changes nothing', async () => {
    const { w, thawed, frozen } = await frozenDevel();
    const push = pushPayload(w.where, 'refs/heads/devel', thawed, frozen, DEVELOPER);

    expect(await w.deliver('Push Hook', push)).toBe('done');

    const checks = w.fake.statuses.filter((s) => s.sha === frozen);
    expect(checks.map((s) => [s.name, s.status, s.ref])).toEqual([['APT snapshots', 'failed', 'devel']]);
    expect(w.writes()).toEqual([
      `POST /projects/${PROJECT_PATH}/statuses/${frozen}`,
      `POST /projects/${PROJECT_PATH}/repository/commits`,
      `POST /projects/${PROJECT_PATH}/merge_requests`,
    ]);
    const [, commit, mr] = w.written();
    expect(commit?.url).toBe(`/api/v4/projects/${ENCODED}/repository/commits`);
    expect(commit?.body).toEqual({
      branch: THAW_BRANCH,
      commit_message: 'Thaw APT snapshots.',
      start_sha: frozen,
      author_name: BOT.name,
      author_email: BOT.email,
      actions: [
        { action: 'update', file_path: `${PATHS.MAIN}/debian/serial`, content: 'latest\n' },
        { action: 'update', file_path: `${PATHS.MAIN}/torproject/serial`, content: 'latest\n' },
      ],
    });
    const head = w.fake.branches.get(THAW_BRANCH) as string;
    expect(w.fake.commits.get(head)?.parent_ids).toEqual([frozen]);
    expect(mr?.body).toMatchObject({
      source_branch: THAW_BRANCH,
      target_branch: 'devel',
      title: 'Thaw APT snapshots.',
    });
    expect(w.fake.mergeRequests).toHaveLength(1);
    const description = w.fake.mergeRequests[0]?.description ?? '';
    expect(description).toContain(
      `\`devel\` at \`${frozen.slice(0, 7)}\` (“Merge branch 'stable' into devel”) was left frozen`,
    );
    expect(description).toContain(`- \`${PATHS.MAIN}/debian/serial\`: devel was left frozen`);

    const before = w.standIn.requests.length;
    expect(await w.deliver('Push Hook', push)).toBe('done');
    expect(w.writes(before)).toEqual([]);
    expect(w.fake.branches.get(THAW_BRANCH)).toBe(head);
    expect(w.fake.mergeRequests).toHaveLength(1);
    expect(w.fake.statuses.filter((s) => s.sha === frozen)).toHaveLength(1);
  });
});

describe('GitLabApp: events by the bot itself', () => {
  it('leaves alone the bot’s pushes, notes and issue edits: no write at all', async () => {
    const { w, thawed, frozen } = await frozenDevel();
    const events: [string, unknown][] = [
      ['Push Hook', pushPayload(w.where, 'refs/heads/devel', thawed, frozen, BOT)],
      [
        'Note Hook',
        {
          object_kind: 'note',
          user: { id: BOT.id, username: BOT.username },
          project: projectPayload(w.where),
          object_attributes: { id: 9001, note: '/apt-snapshots check', noteable_type: 'MergeRequest', system: false },
          merge_request: { iid: 1 },
        },
      ],
      [
        'Issue Hook',
        {
          object_kind: 'issue',
          user: { id: BOT.id, username: BOT.username },
          project: projectPayload(w.where),
          object_attributes: {
            iid: 1,
            action: 'update',
            description: '<!-- apt-snapshots-dashboard -->\n- [x] <!-- apt-snapshots-request:thaw:devel --> Thaw',
            updated_at: '2021-05-14 00:00:00 UTC',
          },
          changes: { description: { previous: '' } },
        },
      ],
      [
        'Merge Request Hook',
        mergeRequestPayload(w, { id: BOT.id, username: BOT.username }, { iid: 3, source: 'feature/x', sha: frozen }),
      ],
    ];
    for (const [event, payload] of events) expect(await w.deliver(event, payload)).toBe('ignored');

    // Who the bot is, asked once: nothing else.
    expect(w.standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /user']);
    expect(w.log.text()).toContain('event ignored: sent by the bot itself');
  });

  it('still checks a merge request from its own branch, opened by itself', async () => {
    const { w, thawed, frozen } = await frozenDevel();
    await w.deliver('Push Hook', pushPayload(w.where, 'refs/heads/devel', thawed, frozen, DEVELOPER));
    const head = w.fake.branches.get(THAW_BRANCH) as string;
    const iid = w.fake.mergeRequests[0]?.iid as number;
    const before = w.standIn.requests.length;

    const payload = mergeRequestPayload(
      w,
      { id: BOT.id, username: BOT.username },
      { iid, source: THAW_BRANCH, sha: head },
    );
    expect(await w.deliver('Merge Request Hook', payload)).toBe('done');

    const statuses = w.fake.statuses.filter((s) => s.sha === head);
    expect(statuses.map((s) => [s.name, s.status])).toEqual([['APT snapshots (pull request)', 'success']]);
    expect(w.writes(before)).toEqual([
      `POST /projects/${PROJECT_PATH}/merge_requests/${iid}/notes`,
      `POST /projects/${PROJECT_PATH}/statuses/${head}`,
    ]);
    const notes = w.fake.mergeRequests[0]?.notes ?? [];
    expect(notes.map((n) => n.author.username)).toEqual([BOT.username]);
    expect(notes[0]?.body).toContain(`for merge request !${iid}: \`${THAW_BRANCH}\``);
  });
});

describe('GitLabApp: a project GitLab no longer has, and GitLab failing', () => {
  it('leaves the webhook of a gone project with one log line: every request was a 404', async () => {
    const { w, thawed, frozen } = await frozenDevel();
    const gone = { ...w.where, id: 99, pathWithNamespace: 'tails/gone', webUrl: `${w.standIn.url}/tails/gone` };
    const before = w.log.text().length;

    expect(await w.deliver('Push Hook', pushPayload(gone, 'refs/heads/devel', thawed, frozen, DEVELOPER))).toBe(
      'ignored',
    );

    const projectRequests = w.standIn.requests.filter((r) => r.path !== '/user' && r.path !== '/api/graphql');
    expect(projectRequests.length).toBeGreaterThan(0);
    for (const r of projectRequests) expect(r.url).toContain(`/projects/${encodeURIComponent('tails/gone')}/`);
    expect(w.writes()).toEqual([]);
    const lines = w.log
      .text()
      .slice(before)
      .split('\n')
      .filter((l) => l.includes('GitLab no longer has'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ project: 'tails/gone', level: 40 });
  });

  it('rejects when GitLab answers 500', async () => {
    const { w, thawed, frozen } = await frozenDevel();
    w.standIn.on('POST', '/projects/:id/statuses/:sha', () => ({
      status: 500,
      body: { message: '500 Internal Server Error' },
    }));
    w.standIn.on('GET', '/projects/:id/repository/commits/:sha', () => ({
      status: 500,
      body: { message: '500 Internal Server Error' },
    }));

    await expect(
      w.deliver('Push Hook', pushPayload(w.where, 'refs/heads/devel', thawed, frozen, DEVELOPER)),
    ).rejects.toThrow(/answered 500/);
    expect(w.log.text()).not.toContain('GitLab no longer has');
  });
});

const CI_SECRET = 'ci-hmac-key-gitlab-3e9b';

describe('GitLabApp: a release tag pushed', () => {
  let ci: LocalHttpServer;
  let files: LocalHttpServer;

  beforeEach(async () => {
    ci = await startHttpServer({ 'POST /ci/tag': { status: 200, body: '{"url":"https://ci.example/tag/1"}' } });
    files = await startHttpServer({ '/manifests/4.19-rc1.build-manifest': { body: RELEASE_MANIFEST } });
  });
  afterEach(async () => {
    await ci.close();
    await files.close();
  });

  function deployment(): Config {
    const config = defaultConfig();
    config.jobs['tag-apt-snapshots'] = {
      trigger: { type: 'webhook', url: `${ci.url}/ci/tag`, secret_env: 'CI_SECRET', timeout_ms: 5000 },
      manifest_url: `${files.url}/manifests/{tag}.build-manifest`,
      manifest_hosts: [new URL(files.url).host],
    };
    return config;
  }

  it('checks the release on the tagged commit and starts its job once, however often the hook comes', async () => {
    const defaults = deployment();
    const claims = new Map<string, MemoryJobClaims>();
    const trigger = createTrigger(
      defaults.jobs['tag-apt-snapshots'].trigger as NonNullable<Config['jobs']['tag-apt-snapshots']['trigger']>,
      {
        CI_SECRET,
      },
    );
    const w = await startWorld({
      files: RELEASE_TREE,
      app: {
        defaults,
        triggers: { 'tag-apt-snapshots': trigger },
        claims: (repository) => {
          const made = claims.get(repository) ?? new MemoryJobClaims(repository);
          claims.set(repository, made);
          return made;
        },
      },
    });
    world = w;
    const tagged = w.repo.commit;
    await w.repo.git(['tag', '-a', '-m', 'Tails 4.19~rc1', '4.19-rc1', tagged]);
    const tagObject = (await w.repo.git(['rev-parse', 'refs/tags/4.19-rc1'])).trim();
    const hook = { ...pushPayload(w.where, 'refs/tags/4.19-rc1', ZERO, tagObject, DEVELOPER), checkout_sha: tagged };

    expect(await w.deliver('Tag Push Hook', hook)).toBe('done');

    const statuses = () =>
      w.fake.statuses.filter((s) => s.sha === tagged).map((s) => [s.name, s.status, s.description]);
    expect(statuses()).toEqual([
      [
        'APT snapshots: build_IUKs',
        'success',
        expect.stringMatching(/^neutral: not started: Nothing to start: no earlier release/),
      ],
      // Posted as running ("starting"), then finished in place once the CI took it.
      ['APT snapshots: tag-apt-snapshots', 'success', 'started: Started.'],
      ['APT snapshots: release', 'success', '4.19-rc1: a sound release (1 notice)'],
    ]);
    const posted = w.written().map((r) => [(r.body as { name: string }).name, (r.body as { state: string }).state]);
    expect(posted).toEqual([
      ['APT snapshots: build_IUKs', 'success'],
      ['APT snapshots: tag-apt-snapshots', 'running'],
      ['APT snapshots: tag-apt-snapshots', 'success'],
      ['APT snapshots: release', 'success'],
    ]);
    expect(w.writes()).toEqual(Array(4).fill(`POST /projects/${PROJECT_PATH}/statuses/${tagged}`));
    expect(ci.requestsTo('/ci/tag')).toHaveLength(1);
    expect(JSON.parse(ci.requestsTo('/ci/tag')[0]?.body ?? '{}')).toMatchObject({ job: 'tag-apt-snapshots' });
    expect(ci.requestsTo('/ci/tag')[0]?.headers['x-apt-snapshots-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const tagList = w.standIn.requests.filter((r) => r.path === `/projects/${PROJECT_PATH}/repository/tags`);
    expect(tagList.map((r) => r.query.get('search'))).toEqual(['^4.']);

    const before = w.standIn.requests.length;
    expect(await w.deliver('Tag Push Hook', hook)).toBe('done');
    expect(ci.requestsTo('/ci/tag')).toHaveLength(1);
    expect(w.writes(before)).toEqual([]);
    expect(await claims.get(PROJECT_PATH)?.attempts('4.19-rc1', 'tag-apt-snapshots')).toEqual([
      { attempt: 1, commit: tagged, outcome: 'started' },
    ]);
  });
});

const DAY = 24 * 60 * 60 * 1000;

/** Every pinned snapshot valid for long, but debian's of testing, which expires in 10 days. */
function snapshotServer(): FakeSnapshotServer {
  const valid = new Date(NOW.getTime() + 200 * DAY);
  return new FakeSnapshotServer({
    latest: { debian: '2021051401', 'debian-security': '2021051401', torproject: '2021051301', tails: '2021050302' },
    expiries: {
      [`debian/${RELEASE_SERIAL}`]: new Date(NOW.getTime() + 10 * DAY),
      [`torproject/${RELEASE_SERIAL}`]: valid,
      'debian/2021042702': valid,
      'debian-security/2021042702': valid,
      'tails/2021050302': valid,
    },
  });
}

describe('GitLabApp: the refresh after a push to a base branch', () => {
  async function withTesting(): Promise<{ w: AppWorld; testing: string }> {
    const w = await startWorld({
      files: tailsTree(),
      app: { server: snapshotServer(), schedule: { runOnce: new MemoryRunOnce() } },
    });
    world = w;
    await w.repo.git(['checkout', '--quiet', '-b', 'testing']);
    const testing = await commitFiles(w.repo, tailsTree({ baseBranch: 'testing', main: FROZEN }), 'Freeze testing', {
      date: new Date('2021-05-12T08:00:00Z'),
    });
    await w.repo.git(['checkout', '--quiet', 'devel']);
    w.project.sync();
    return { w, testing };
  }
  const refreshed = (w: AppWorld) =>
    w.log
      .text()
      .split('\n')
      .filter((l) => l.includes('refreshed the expiry watch and the dashboard'));

  it('runs the expiry watch and the dashboard 30 s after the push: the warning is opened by the bot', async () => {
    const { w, testing } = await withTesting();

    await w.deliver('Push Hook', pushPayload(w.where, 'refs/heads/testing', ZERO, testing, DEVELOPER));
    expect(w.timers.pending).toEqual([30_000]);
    expect(w.fake.issues).toEqual([]);

    await w.timers.fire();

    expect(refreshed(w)).toHaveLength(1);
    const titles = w.fake.issues.map((i) => [i.title, i.author.username, i.state]);
    expect(titles).toEqual([
      ['APT snapshots pinned by testing expire soon', BOT.username, 'opened'],
      ['APT snapshots dashboard', BOT.username, 'opened'],
    ]);
    expect(w.fake.issues[0]?.description).toContain(
      `| \`debian\` | \`${RELEASE_SERIAL}\` | \`stable\` | \`main\` | expires on 2021-05-24 00:00 UTC |`,
    );
    expect(w.fake.issues[1]?.description).toContain(DASHBOARD_MARKER);
  });

  it('refreshes once after a burst of pushes, and not after a topic branch’s push', async () => {
    const { w, testing } = await withTesting();
    await w.repo.git(['branch', 'feature/1234-foo', testing]);
    w.project.sync();

    await w.deliver('Push Hook', pushPayload(w.where, 'refs/heads/feature/1234-foo', ZERO, testing, DEVELOPER));
    expect(w.timers.pending).toEqual([]);
    for (let i = 0; i < 3; i += 1)
      await w.deliver('Push Hook', pushPayload(w.where, 'refs/heads/testing', ZERO, testing, DEVELOPER));
    expect(w.timers.pending).toEqual([30_000]);

    await w.timers.fire();

    expect(w.timers.pending).toEqual([]);
    expect(refreshed(w)).toHaveLength(1);
    expect(w.writes().filter((r) => r === `POST /projects/${PROJECT_PATH}/issues`)).toHaveLength(2);
  });
});

describe('GitLabApp: the scheduled rounds', () => {
  it('refresh every project the bot is a Developer of, skipping archived and empty ones, past a failing one', async () => {
    const w = await startWorld({
      files: tailsTree(),
      app: { server: snapshotServer(), schedule: { runOnce: new MemoryRunOnce() } },
    });
    world = w;
    const listed = (id: number, path: string, more: Record<string, unknown> = {}) => ({
      id,
      path_with_namespace: path,
      web_url: `${w.standIn.url}/${path}`,
      default_branch: 'devel',
      archived: false,
      ...more,
    });
    w.standIn.on('GET', '/projects', () => ({
      body: [
        listed(99, 'tails/gone'),
        listed(100, 'tails/archived', { archived: true }),
        listed(101, 'tails/empty', { default_branch: null }),
        listed(42, PROJECT_PATH),
      ],
    }));

    w.app.startSchedule();
    expect(w.timers.pending).toEqual([60_000]);
    await w.timers.fire();

    const listing = w.standIn.requests.filter((r) => r.path === '/projects');
    expect(listing).toHaveLength(1);
    expect(Object.fromEntries(listing[0]?.query ?? [])).toEqual({
      membership: 'true',
      min_access_level: '30',
      archived: 'false',
      simple: 'true',
      per_page: '100',
      page: '1',
      pagination: 'offset',
    });
    const visited = new Set(
      w.standIn.requests.flatMap((r) => (r.url.startsWith('/api/v4/projects/') ? [r.url.split('/')[4]] : [])),
    );
    expect([...visited].sort()).toEqual([encodeURIComponent('tails/gone'), ENCODED]);
    expect(w.fake.issues.map((i) => i.title)).toEqual(['APT snapshots dashboard']);
    expect(w.log.text()).toContain('scheduled refresh: project tails/gone skipped this round');
    expect(w.timers.pending).toEqual([6 * 60 * 60 * 1000]);
  });
});

describe('GitLabApp: a box ticked on the dashboard', () => {
  const UNTICKED = `${DASHBOARD_MARKER}\n## Requests\n\n- [ ] <!-- apt-snapshots-request:thaw:devel --> Thaw \`devel\`\n<!-- apt-snapshots-dashboard:end -->`;
  const TICKED = UNTICKED.replace('- [ ]', '- [x]');

  /**
   * `by` ticked the box, as GitLab records it; the payload names `claimed`
   * (a forged one names someone else); `updatedAt` is when GitLab says the
   * issue was last updated (later than the edit when updated again since).
   */
  async function ticked(
    by: Person | null,
    claimed: Person = by ?? DEVELOPER,
    updatedAt = '2021-05-14T00:00:00.000Z',
  ): Promise<{ w: AppWorld; frozen: string; iid: number; result: string }> {
    const { w, frozen } = await frozenDevel();
    const issue = w.fake.addIssue({
      title: 'APT snapshots dashboard',
      description: TICKED,
      updated_at: updatedAt,
      ...(by ? { updated_by: { id: by.id, username: by.username } } : {}),
    });
    const result = await edited(w, issue.iid, claimed, UNTICKED, TICKED);
    return { w, frozen, iid: issue.iid, result };
  }

  /** Asserts the box unticked, nothing opened and one reply by the bot, and gives the reply. */
  function untickedWithReply(w: AppWorld, iid: number): string {
    expect(w.writes()).toEqual([
      `PUT /projects/${PROJECT_PATH}/issues/${iid}`,
      `POST /projects/${PROJECT_PATH}/issues/${iid}/notes`,
    ]);
    expect(w.fake.issues[0]?.description).toBe(UNTICKED);
    expect(w.fake.mergeRequests).toEqual([]);
    const notes = w.fake.issues[0]?.notes ?? [];
    expect(notes.map((n) => n.author.username)).toEqual([BOT.username]);
    return notes[0]?.body ?? '';
  }

  /** The Issue Hook of `user` editing issue `iid`'s description from `previous` to `description`. */
  function edited(w: AppWorld, iid: number, user: Person, previous: string, description: string): Promise<string> {
    return w.deliver('Issue Hook', {
      object_kind: 'issue',
      user,
      project: projectPayload(w.where),
      object_attributes: {
        iid,
        action: 'update',
        description,
        updated_at: '2021-05-14 00:00:00 UTC',
        confidential: false,
      },
      changes: { description: { previous } },
    });
  }

  it('opens the merge request a Developer asked for, unticks the box and says so', async () => {
    const { w, frozen, iid, result } = await ticked(DEVELOPER);

    expect(result).toBe('done');
    expect(w.writes()).toEqual([
      `PUT /projects/${PROJECT_PATH}/issues/${iid}`,
      `POST /projects/${PROJECT_PATH}/repository/commits`,
      `POST /projects/${PROJECT_PATH}/merge_requests`,
      `POST /projects/${PROJECT_PATH}/issues/${iid}/notes`,
    ]);
    expect(w.fake.issues[0]?.description).toBe(UNTICKED);
    const head = w.fake.branches.get(THAW_BRANCH) as string;
    expect(w.fake.commits.get(head)?.parent_ids).toEqual([frozen]);
    expect(w.fake.mergeRequests.map((m) => [m.source_branch, m.target_branch, m.title])).toEqual([
      [THAW_BRANCH, 'devel', 'Thaw APT snapshots.'],
    ]);
    expect(w.fake.mergeRequests[0]?.description).toContain('Requested by @intrigeri on the dashboard (#1).');
    const notes = w.fake.issues[0]?.notes ?? [];
    expect(notes.map((n) => n.author.username)).toEqual([BOT.username]);
    expect(notes[0]?.body).toContain('@intrigeri here is what became of what you ticked:');
    expect(notes[0]?.body).toMatch(/^- Thaw `devel`: Opened .*\/-\/merge_requests\/1\b/m);
  });

  it('answers whom GitLab records as the editor, not whom a forged payload names', async () => {
    const { w, result } = await ticked(REPORTER, DEVELOPER);

    expect(result).toBe('done');
    expect(w.fake.mergeRequests).toEqual([]);
    expect(w.fake.issues[0]?.notes[0]?.body).toContain(
      '@passer-by thanks, but only people with write access to this repository can ask the bot for Thaw `devel`',
    );
  });

  it('unticks a box whose editor GitLab cannot confirm, the issue updated since, and asks to tick it again', async () => {
    const { w, iid, result } = await ticked(DEVELOPER, DEVELOPER, '2021-05-14T00:00:05.000Z');

    expect(result).toBe('done');
    const reply = untickedWithReply(w, iid);
    expect(reply).toContain('Someone ticked Thaw `devel`, but the issue was updated again before I could confirm who');
    expect(reply).not.toContain('@');
  });

  it('asks GitLab nothing for an edit that ticks no box', async () => {
    const { w } = await frozenDevel();
    const issue = w.fake.addIssue({ title: 'APT snapshots dashboard', description: UNTICKED });
    const before = w.standIn.requests.length;
    const result = await edited(w, issue.iid, DEVELOPER, TICKED, UNTICKED);

    expect(result).toBe('ignored');
    expect(w.standIn.requests.slice(before).filter((r) => r.path === '/api/graphql')).toEqual([]);
  });

  it.each([
    ['nobody', null],
    ['the bot, in the same second', { id: BOT.id, username: BOT.username }],
  ])('unticks the box and asks again when GitLab records %s as the last updater', async (_who, by) => {
    const { w, iid, result } = await ticked(by, DEVELOPER);

    expect(result).toBe('done');
    expect(untickedWithReply(w, iid)).toContain('Someone ticked Thaw `devel`');
    const lines = w.log
      .text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'dashboard edit: GitLab records a later update or another updater; asking to tick again',
        editedAt: '2021-05-14 00:00:00 UTC',
        updatedAt: '2021-05-14T00:00:00.000Z',
      }),
    );
  });

  it('unticks a Reporter’s box and refuses, opening nothing', async () => {
    const { w, iid, result } = await ticked(REPORTER);

    expect(result).toBe('done');
    expect(w.fake.branches.has(THAW_BRANCH)).toBe(false);
    expect(untickedWithReply(w, iid)).toContain(
      '@passer-by thanks, but only people with write access to this repository can ask the bot for Thaw `devel`, and yours is `triage`. I unticked the box and did nothing',
    );
  });
});
