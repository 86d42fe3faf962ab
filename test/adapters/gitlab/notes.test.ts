import type { GitLabForge } from '../../../src/adapters/gitlab/gitlab-forge.js';
import { fakeForge, GitLabFake, startGitLabFake } from '../../helpers/gitlab-fake.js';
import type { GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

let standIn: GitLabStandIn;
let fake: GitLabFake;
let forge: GitLabForge;

beforeEach(async () => {
  ({ standIn, fake } = await startGitLabFake());
  ({ forge } = fakeForge(standIn, fake));
  fake.commit({ branch: 'main' });
  fake.commit({ parent: fake.branches.get('main'), branch: 'topic' });
});

afterEach(async () => {
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
  await standIn.close();
});

const TAG = '<!-- apt-snapshots-bot:rerun -->';
const writes = () => standIn.requests.filter((r) => r.method !== 'GET');

describe('GitLabForge.ensureComment', () => {
  it('posts a note on a merge request under the marker, and edits that note afterwards', async () => {
    const mr = fake.addMergeRequest({ source_branch: 'topic', target_branch: 'main' });
    fake.addIssue({ title: 'An issue with the same number' });

    const first = await forge.ensureComment({ kind: 'change-request', number: mr.iid }, 'rerun', 'Checked.');
    const second = await forge.ensureComment({ kind: 'change-request', number: mr.iid }, 'rerun', 'Checked again.');

    expect(mr.notes).toEqual([expect.objectContaining({ body: `${TAG}\nChecked again.` })]);
    expect(fake.issues[0]?.notes).toEqual([]);
    expect(first.url).toBe(`${fake.webUrl}/-/merge_requests/${mr.iid}#note_${mr.notes[0]?.id}`);
    expect(second.url).toBe(first.url);
    expect(writes().map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST /api/v4/projects/tails%2Ftails/merge_requests/${mr.iid}/notes`,
      `PUT /api/v4/projects/tails%2Ftails/merge_requests/${mr.iid}/notes/${mr.notes[0]?.id}`,
    ]);
  });

  it('posts on an issue by its own number', async () => {
    const issue = fake.addIssue({ title: 'Dashboard' });

    const { url } = await forge.ensureComment({ kind: 'issue', number: issue.iid }, 'rerun', 'Hello');

    expect(issue.notes).toEqual([expect.objectContaining({ body: `${TAG}\nHello` })]);
    expect(url).toBe(`${fake.webUrl}/-/issues/${issue.iid}#note_${issue.notes[0]?.id}`);
  });

  it('writes nothing when its note already says the same', async () => {
    const issue = fake.addIssue({ title: 'Dashboard' });
    await forge.ensureComment({ kind: 'issue', number: issue.iid }, 'rerun', 'Hello');
    await forge.ensureComment({ kind: 'issue', number: issue.iid }, 'rerun', 'Hello');

    expect(writes()).toHaveLength(1);
  });

  it("never edits a person's note quoting the marker, nor a note of the bot under another marker", async () => {
    const issue = fake.addIssue({ title: 'Dashboard' });
    const person = fake.addUser({ id: 31, username: 'anonym' });
    fake.addNote(issue, `${TAG}\nquoted`, person);
    fake.addNote(issue, '<!-- apt-snapshots-bot:other -->\nother');

    await forge.ensureComment({ kind: 'issue', number: issue.iid }, 'rerun', 'Mine');

    expect(issue.notes.map((n) => n.body)).toEqual([
      `${TAG}\nquoted`,
      '<!-- apt-snapshots-bot:other -->\nother',
      `${TAG}\nMine`,
    ]);
  });

  it('finds its note beyond the first page of 100, and reads no further than it must', async () => {
    const issue = fake.addIssue({ title: 'Busy' });
    const person = fake.addUser({ id: 31, username: 'anonym' });
    for (let i = 0; i < 150; i += 1) fake.addNote(issue, `comment ${i}`, person);
    const ours = fake.addNote(issue, `${TAG}\nold`);
    for (let i = 0; i < 100; i += 1) fake.addNote(issue, `later ${i}`, person);

    await forge.ensureComment({ kind: 'issue', number: issue.iid }, 'rerun', 'new');

    expect(ours.body).toBe(`${TAG}\nnew`);
    const reads = standIn.requests.filter((r) => r.method === 'GET');
    expect(reads.map((r) => [r.query.get('page'), r.query.get('per_page'), r.query.get('sort')])).toEqual([
      ['1', '100', 'asc'],
      ['2', '100', 'asc'],
    ]);
  });

  it('reads at most 5 pages, then posts a note of its own', async () => {
    const issue = fake.addIssue({ title: 'Huge' });
    const person = fake.addUser({ id: 31, username: 'anonym' });
    for (let i = 0; i < 600; i += 1) fake.addNote(issue, `comment ${i}`, person);

    await forge.ensureComment({ kind: 'issue', number: issue.iid }, 'rerun', 'new');

    expect(standIn.requests.filter((r) => r.method === 'GET')).toHaveLength(5);
    expect(issue.notes.at(-1)?.body).toBe(`${TAG}\nnew`);
  });

  it('refuses a marker that could not be hidden, naming it', async () => {
    await expect(forge.ensureComment({ kind: 'issue', number: 1 }, 'a -->', 'x')).rejects.toThrow(
      'comment marker "a -->"',
    );
    expect(standIn.requests).toEqual([]);
  });

  it('fails as a gone ForgeError when the merge request is gone', async () => {
    const error = await forge
      .ensureComment({ kind: 'change-request', number: 99 }, 'rerun', 'x')
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ForgeError', operation: 'ensureComment', status: 404, gone: true });
    expect((error as Error).message).toContain('404 Merge Request Not Found');
  });
});
