import { mergeRequestTarget, type GitLabForge } from '../../../src/adapters/gitlab/gitlab-forge.js';
import type { GitLabApi } from '../../../src/adapters/gitlab/client.js';
import {
  BRANCH_PREFIX,
  fakeForge,
  FORK_ID,
  GitLabFake,
  PROJECT_PATH,
  startGitLabFake,
} from '../../helpers/gitlab-fake.js';
import type { GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

const HEAD = `${BRANCH_PREFIX}bump`;

let standIn: GitLabStandIn;
let fake: GitLabFake;
let forge: GitLabForge;
let api: GitLabApi;
let base: string;
let head: string;

beforeEach(async () => {
  ({ standIn, fake } = await startGitLabFake());
  ({ forge, api } = fakeForge(standIn, fake));
  base = fake.commit({ branch: 'main' });
  head = fake.commit({ parent: base, branch: HEAD });
});

afterEach(async () => {
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
  await standIn.close();
});

const want = { head: HEAD, base: 'main', title: 'Bump debian', body: 'Because.' };

describe('GitLabForge.ensureChangeRequest', () => {
  it('opens a merge request that removes its source branch when merged', async () => {
    const result = await forge.ensureChangeRequest(want);

    expect(result).toEqual({
      number: 1,
      url: `${fake.webUrl}/-/merge_requests/1`,
      state: 'open',
      head: HEAD,
      base: 'main',
      status: 'created',
    });
    expect(fake.mergeRequests[0]).toMatchObject({
      title: 'Bump debian',
      description: 'Because.',
      remove_source_branch: true,
    });
    const list = standIn.requests[0];
    expect([list?.query.get('state'), list?.query.get('source_branch'), list?.query.get('target_branch')]).toEqual([
      'opened',
      HEAD,
      'main',
    ]);
  });

  it('leaves an open one as wanted unchanged, and edits one that differs', async () => {
    await forge.ensureChangeRequest(want);
    const unchanged = await forge.ensureChangeRequest(want);
    const updated = await forge.ensureChangeRequest({ ...want, body: 'Because, really.' });

    expect([unchanged.status, updated.status]).toEqual(['unchanged', 'updated']);
    expect(fake.mergeRequests).toHaveLength(1);
    expect(fake.mergeRequests[0]?.description).toBe('Because, really.');
    expect(standIn.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST', 'PUT']);
  });

  it("opens a new one beside a closed one, and ignores a fork's branch of the same name", async () => {
    fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main', state: 'closed' });
    fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main', source_project_id: FORK_ID, state: 'opened' });

    const result = await forge.ensureChangeRequest(want);

    expect(result).toMatchObject({ number: 3, status: 'created' });
  });

  it('takes the one another delivery opened between its look and its write', async () => {
    fake.beforeAnswer = (request) => {
      if (request.method === 'POST' && fake.mergeRequests.length === 0) {
        fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main', title: 'Bump debian', description: 'Old.' });
      }
    };

    const result = await forge.ensureChangeRequest(want);

    expect(result).toMatchObject({ number: 1, status: 'updated' });
    expect(fake.mergeRequests).toHaveLength(1);
  });
});

describe('GitLabForge.findOpenChangeRequest', () => {
  it('finds the open one from head into base, and nothing else', async () => {
    fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main', state: 'closed' });
    await expect(forge.findOpenChangeRequest(HEAD, 'main')).resolves.toBeUndefined();

    fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main' });
    await expect(forge.findOpenChangeRequest(HEAD, 'main')).resolves.toEqual({
      number: 2,
      url: `${fake.webUrl}/-/merge_requests/2`,
      state: 'open',
      head: HEAD,
      base: 'main',
    });
  });
});

describe('GitLabForge.closeChangeRequest', () => {
  it('says why in a marked note, then closes', async () => {
    const mr = fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main' });

    await forge.closeChangeRequest(mr.iid, 'Moot now.');

    expect(mr.state).toBe('closed');
    expect(mr.notes.map((n) => n.body)).toEqual(['<!-- apt-snapshots-bot:closing -->\nMoot now.']);
    expect(standIn.requests.at(-1)?.body).toEqual({ state_event: 'close' });
  });

  it('changes nothing on a closed or merged one', async () => {
    const closed = fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main', state: 'closed' });
    const merged = fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main', state: 'merged' });

    await forge.closeChangeRequest(closed.iid, 'Moot.');
    await forge.closeChangeRequest(merged.iid, 'Moot.');

    expect(standIn.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
    expect([closed.notes, merged.notes]).toEqual([[], []]);
  });

  it('closes without a second note after a close that failed', async () => {
    const mr = fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main' });
    fake.addNote(mr, '<!-- apt-snapshots-bot:closing -->\nMoot now.');

    await forge.closeChangeRequest(mr.iid, 'Moot now.');

    expect(mr.notes).toHaveLength(1);
    expect(mr.state).toBe('closed');
  });
});

describe('GitLabForge.listBotChangeRequests', () => {
  it("lists the bot's open merge requests from its branches, newest first", async () => {
    const person = fake.addUser({ id: 31, username: 'anonym' });
    fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main', title: 'older' });
    fake.addMergeRequest({ source_branch: `${BRANCH_PREFIX}thaw`, target_branch: 'stable', title: 'newer' });
    fake.addMergeRequest({ source_branch: `${BRANCH_PREFIX}x`, target_branch: 'main', author: fake.ref(person) });
    fake.addMergeRequest({ source_branch: 'feature', target_branch: 'main' });
    fake.addMergeRequest({ source_branch: `${BRANCH_PREFIX}y`, target_branch: 'main', source_project_id: FORK_ID });
    fake.addMergeRequest({ source_branch: `${BRANCH_PREFIX}z`, target_branch: 'main', state: 'closed' });

    await expect(forge.listBotChangeRequests()).resolves.toEqual([
      {
        number: 2,
        url: `${fake.webUrl}/-/merge_requests/2`,
        title: 'newer',
        head: `${BRANCH_PREFIX}thaw`,
        base: 'stable',
      },
      { number: 1, url: `${fake.webUrl}/-/merge_requests/1`, title: 'older', head: HEAD, base: 'main' },
    ]);
    expect(standIn.requests[0]?.query.get('author_id')).toBe(String(fake.bot.id));
  });
});

describe('mergeRequestTarget', () => {
  const project = () => ({ id: PROJECT_PATH, webUrl: fake.webUrl });

  it("is the merge request's head judged against the base GitLab diffs it with", async () => {
    const mr = fake.addMergeRequest({ source_branch: HEAD, target_branch: 'main' });

    await expect(mergeRequestTarget(api, project(), mr.iid)).resolves.toEqual({
      kind: 'pull_request',
      number: mr.iid,
      branch: HEAD,
      rev: head,
      baseRef: 'main',
      baseRev: base,
      baseSha: base,
      fromFork: false,
    });
  });

  it("falls back on the target branch's head while GitLab has no diff refs, and tells a fork", async () => {
    const mr = fake.addMergeRequest({
      source_branch: HEAD,
      target_branch: 'main',
      source_project_id: FORK_ID,
      diff_refs: null,
    });

    await expect(mergeRequestTarget(api, project(), mr.iid)).resolves.toMatchObject({
      rev: head,
      baseSha: base,
      baseRev: base,
      fromFork: true,
    });
  });

  it("refuses a number that is no merge request's", async () => {
    await expect(mergeRequestTarget(api, project(), 0)).rejects.toThrow('iid 0');
  });

  it('fails as a gone ForgeError for a merge request GitLab does not have', async () => {
    await expect(mergeRequestTarget(api, project(), 9)).rejects.toMatchObject({
      operation: 'mergeRequestTarget',
      gone: true,
    });
  });
});
