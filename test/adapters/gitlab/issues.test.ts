import type { GitLabForge } from '../../../src/adapters/gitlab/gitlab-forge.js';
import { fakeForge, GitLabFake, startGitLabFake } from '../../helpers/gitlab-fake.js';
import type { GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

const MARKER = '<!-- apt-snapshots-bot:expiry -->';

let standIn: GitLabStandIn;
let fake: GitLabFake;
let forge: GitLabForge;

beforeEach(async () => {
  ({ standIn, fake } = await startGitLabFake());
  ({ forge } = fakeForge(standIn, fake));
});

afterEach(async () => {
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
  await standIn.close();
});

describe('GitLabForge.findIssue', () => {
  it('is undefined when the bot has no issue carrying the marker', async () => {
    fake.addIssue({ title: 'Other', description: 'no marker' });

    await expect(forge.findIssue(MARKER)).resolves.toBeUndefined();
    const [list] = standIn.requests;
    expect(Object.fromEntries(list?.query ?? [])).toEqual({
      author_id: String(fake.bot.id),
      state: 'all',
      order_by: 'updated_at',
      sort: 'desc',
      per_page: '100',
      page: '1',
    });
  });

  it('prefers the open one to a closed one updated later', async () => {
    fake.addIssue({ title: 'Open', description: `${MARKER}\nopen` });
    fake.addIssue({ title: 'Closed', description: `${MARKER}\nclosed`, state: 'closed' });

    await expect(forge.findIssue(MARKER)).resolves.toEqual({
      number: 1,
      url: `${fake.webUrl}/-/issues/1`,
      state: 'open',
      title: 'Open',
      body: `${MARKER}\nopen`,
    });
  });

  it('answers the closed one updated last when none is open', async () => {
    fake.addIssue({ title: 'Older', description: MARKER, state: 'closed' });
    fake.addIssue({ title: 'Newer', description: MARKER, state: 'closed' });

    await expect(forge.findIssue(MARKER)).resolves.toMatchObject({ number: 2, state: 'closed' });
  });

  it('with atStart, takes only a body that starts with the marker', async () => {
    fake.addIssue({ title: 'Quotes it', description: `see ${MARKER}` });

    await expect(forge.findIssue(MARKER, { atStart: true })).resolves.toBeUndefined();
    await expect(forge.findIssue(MARKER)).resolves.toMatchObject({ number: 1 });
  });

  it("never takes a person's issue quoting the marker, even if GitLab ignored the author filter", async () => {
    const person = fake.addUser({ id: 31, username: 'anonym' });
    fake.addIssue({ title: 'Theirs', description: MARKER, author: fake.ref(person) });
    standIn.on('GET', '/projects/:id/issues', () => ({
      body: fake.issues.map((i) => ({ ...i, web_url: `${fake.webUrl}/-/issues/${i.iid}` })),
    }));

    await expect(forge.findIssue(MARKER)).resolves.toBeUndefined();
  });

  it('reads on past pages without an open match, at most 5 pages', async () => {
    for (let i = 0; i < 600; i += 1) fake.addIssue({ title: `#${i}`, description: i === 0 ? MARKER : 'other' });

    await expect(forge.findIssue(MARKER)).resolves.toBeUndefined();
    expect(standIn.requests.map((r) => r.query.get('page'))).toEqual(['1', '2', '3', '4', '5']);
  });

  it('stops at the first open match', async () => {
    for (let i = 0; i < 150; i += 1) fake.addIssue({ title: `#${i}`, description: 'other' });
    fake.addIssue({ title: 'Found', description: MARKER });

    await expect(forge.findIssue(MARKER)).resolves.toMatchObject({ title: 'Found' });
    expect(standIn.requests).toHaveLength(1);
  });

  it('refuses an empty marker', async () => {
    await expect(forge.findIssue('')).rejects.toThrow('findIssue: the marker is empty');
  });
});

describe('GitLabForge.ensureIssue', () => {
  const want = { marker: MARKER, title: 'Snapshots expire', body: `${MARKER}\nSoon.` };

  it('opens an issue when the bot has none open', async () => {
    fake.addIssue({ title: 'Old', description: MARKER, state: 'closed' });

    const result = await forge.ensureIssue(want);

    expect(result).toEqual({
      number: 2,
      url: `${fake.webUrl}/-/issues/2`,
      state: 'open',
      title: 'Snapshots expire',
      body: `${MARKER}\nSoon.`,
      status: 'created',
    });
    expect(fake.issues[0]?.state).toBe('closed');
  });

  it('edits the open one when it differs, leaves it when equal', async () => {
    fake.addIssue({ title: 'Old title', description: MARKER });

    const updated = await forge.ensureIssue(want);
    const unchanged = await forge.ensureIssue(want);

    expect([updated.status, unchanged.status]).toEqual(['updated', 'unchanged']);
    expect(fake.issues[0]).toMatchObject({ title: 'Snapshots expire', description: `${MARKER}\nSoon.` });
    expect(standIn.requests.filter((r) => r.method !== 'GET')).toHaveLength(1);
  });

  it('takes what findIssue found without asking again', async () => {
    const found = { number: 1, url: 'u', state: 'open' as const, title: want.title, body: want.body };

    await expect(forge.ensureIssue(want, found)).resolves.toMatchObject({ status: 'unchanged' });
    await expect(forge.ensureIssue(want, null)).resolves.toMatchObject({ status: 'created' });
    expect(standIn.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('refuses a body without its marker', async () => {
    await expect(forge.ensureIssue({ ...want, body: 'Soon.' })).rejects.toThrow('does not contain its marker');
  });
});

describe('GitLabForge.closeIssue', () => {
  it('says why in a marked note, then closes', async () => {
    const issue = fake.addIssue({ title: 'Expiry', description: MARKER });

    await forge.closeIssue(issue.iid, 'All renewed.');

    expect(issue.state).toBe('closed');
    expect(issue.notes.map((n) => n.body)).toEqual(['<!-- apt-snapshots-bot:closing-issue -->\nAll renewed.']);
  });

  it('changes nothing on a closed issue', async () => {
    const issue = fake.addIssue({ title: 'Expiry', description: MARKER, state: 'closed' });

    await forge.closeIssue(issue.iid, 'All renewed.');

    expect(standIn.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /api/v4/projects/tails%2Ftails/issues/${issue.iid}`,
    ]);
    expect(issue.notes).toEqual([]);
  });

  it('fails as a gone ForgeError for an issue GitLab does not have', async () => {
    await expect(forge.closeIssue(5, 'x')).rejects.toMatchObject({ operation: 'closeIssue', status: 404, gone: true });
  });
});
