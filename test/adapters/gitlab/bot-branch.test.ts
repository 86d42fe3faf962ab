import type { GitLabForge } from '../../../src/adapters/gitlab/gitlab-forge.js';
import { BRANCH_PREFIX, fakeForge, GitLabFake, startGitLabFake } from '../../helpers/gitlab-fake.js';
import type { GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

const SERIAL = 'config/APT_snapshots.d/debian/serial';
const ORIGIN = 'config/APT_snapshots.d/debian/origin';
const BRANCH = `${BRANCH_PREFIX}bump-debian`;

let standIn: GitLabStandIn;
let fake: GitLabFake;
let forge: GitLabForge;
let base: string;

beforeEach(async () => {
  ({ standIn, fake } = await startGitLabFake());
  ({ forge } = fakeForge(standIn, fake));
  base = fake.commit({ files: { [SERIAL]: '2024050101\n', [ORIGIN]: 'debian\n' }, branch: 'main' });
});

afterEach(async () => {
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
  await standIn.close();
});

const edits = [{ path: SERIAL, content: '2024060101\n' }];
const commitPosts = () => standIn.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/repository/commits'));
const bot = () => ({ name: fake.bot.name, email: fake.bot.email });

describe('GitLabForge.ensureBranch', () => {
  it('creates the branch as the base plus one commit by the bot, updating files the base has and creating new ones', async () => {
    const result = await forge.ensureBranch(BRANCH, base, [...edits, { path: 'NEW', content: 'new\n' }], 'Bump debian');

    const head = fake.branches.get(BRANCH) as string;
    expect(result).toEqual({ status: 'created', sha: head });
    const commit = fake.commits.get(head);
    expect(commit).toMatchObject({ parent_ids: [base], message: 'Bump debian', author_email: fake.bot.email });
    expect(commit?.files.get(SERIAL)).toBe('2024060101\n');
    expect(commit?.files.get('NEW')).toBe('new\n');
    expect(commitPosts()[0]?.body).toEqual({
      branch: BRANCH,
      commit_message: 'Bump debian',
      start_sha: base,
      author_name: fake.bot.name,
      author_email: fake.bot.email,
      actions: [
        { action: 'update', file_path: SERIAL, content: '2024060101\n' },
        { action: 'create', file_path: 'NEW', content: 'new\n' },
      ],
    });
  });

  it('asks GitLab who the bot commits as only once', async () => {
    await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');
    await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');

    expect(standIn.requests.filter((r) => r.path === '/user')).toHaveLength(1);
  });

  it('leaves a branch that already holds these edits on this base unchanged', async () => {
    const created = await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');
    const again = await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');

    expect(again).toEqual({ status: 'unchanged', sha: created.sha });
    expect(commitPosts()).toHaveLength(1);
  });

  it('rewrites its own branch onto a new base, by force', async () => {
    await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');
    const newBase = fake.commit({ parent: base, files: { README: 'hi\n' }, branch: 'main' });

    const result = await forge.ensureBranch(BRANCH, newBase, edits, 'Bump debian');

    const head = fake.branches.get(BRANCH) as string;
    expect(result).toEqual({ status: 'updated', sha: head });
    expect(fake.commits.get(head)?.parent_ids).toEqual([newBase]);
    expect(commitPosts()[1]?.body).toMatchObject({ start_sha: newBase, force: true });
  });

  it('rewrites its own branch whose one commit changed a file these edits no longer change', async () => {
    await forge.ensureBranch(BRANCH, base, [...edits, { path: ORIGIN, content: 'ubuntu\n' }], 'Bump two');

    const result = await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');

    expect(result.status).toBe('updated');
    expect(fake.commits.get(fake.branches.get(BRANCH) as string)?.files.get(ORIGIN)).toBe('debian\n');
  });

  it('rewrites its own branch of several commits into one', async () => {
    const first = fake.commit({ parent: base, files: { [SERIAL]: 'x\n' }, author: bot(), branch: BRANCH });
    fake.commit({ parent: first, files: { [SERIAL]: '2024060101\n' }, author: bot(), branch: BRANCH });

    const result = await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');

    expect(result.status).toBe('updated');
    expect(fake.commits.get(fake.branches.get(BRANCH) as string)?.parent_ids).toEqual([base]);
  });

  it('commits on top of a branch still at the base, without force', async () => {
    fake.branches.set(BRANCH, base);

    const result = await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');

    expect(result.status).toBe('updated');
    expect(fake.commits.get(result.sha)?.parent_ids).toEqual([base]);
    const body = commitPosts()[0]?.body as Record<string, unknown>;
    expect(body.force).toBeUndefined();
    expect(body.start_sha).toBeUndefined();
  });

  it('leaves alone a branch a person committed to, naming them', async () => {
    await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');
    const theirs = fake.commit({
      parent: fake.branches.get(BRANCH),
      files: { [SERIAL]: 'mine\n' },
      author: GitLabFake.person('Jane Doe'),
      branch: BRANCH,
    });

    const result = await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');

    expect(result).toEqual({ status: 'foreign-commits', sha: theirs, authors: ['Jane Doe'] });
    expect(fake.branches.get(BRANCH)).toBe(theirs);
    expect(commitPosts()).toHaveLength(1);
  });

  it("counts the bot's commit amended by a person as theirs, naming the committer", async () => {
    const amended = fake.commit({
      parent: base,
      files: { [SERIAL]: '2024060101\n' },
      author: bot(),
      committer: GitLabFake.person('Jane Doe'),
      branch: BRANCH,
    });

    const result = await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');

    expect(result).toEqual({ status: 'foreign-commits', sha: amended, authors: ['Jane Doe'] });
  });

  it('refuses the forced write when the branch moved since it was read, and judges it again', async () => {
    await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');
    const newBase = fake.commit({ parent: base, files: { README: 'hi\n' }, branch: 'main' });
    let theirs = '';
    fake.beforeAnswer = (request) => {
      // A person pushes after the bot's first look at the branch, before its look right before writing.
      if (request.path.endsWith('/repository/compare') && theirs === '') {
        theirs = fake.commit({
          parent: fake.branches.get(BRANCH),
          author: GitLabFake.person('Jane Doe'),
          branch: BRANCH,
        });
      }
    };

    const result = await forge.ensureBranch(BRANCH, newBase, edits, 'Bump debian');

    expect(result).toEqual({ status: 'foreign-commits', sha: theirs, authors: ['Jane Doe'] });
    expect(fake.branches.get(BRANCH)).toBe(theirs);
    expect(commitPosts()).toHaveLength(1);
    expect(standIn.requests.filter((r) => r.path.endsWith(`/branches/${BRANCH}`))).toHaveLength(4);
  });

  it('judges again when the branch was created between its look and its write', async () => {
    let created = '';
    fake.beforeAnswer = (request) => {
      if (request.method === 'POST' && request.path.endsWith('/repository/commits') && created === '') {
        created = fake.commit({ parent: base, author: GitLabFake.person('Jane Doe'), branch: BRANCH });
      }
    };

    const result = await forge.ensureBranch(BRANCH, base, edits, 'Bump debian');

    expect(result).toEqual({ status: 'foreign-commits', sha: created, authors: ['Jane Doe'] });
  });

  it.each([
    ['main', 'under "apt-snapshots-bot/"'],
    [BRANCH_PREFIX, 'under "apt-snapshots-bot/"'],
  ])('refuses to write the branch %s', async (branch, message) => {
    await expect(forge.ensureBranch(branch, base, edits, 'x')).rejects.toThrow(message);
    expect(standIn.requests).toEqual([]);
  });

  it('refuses to commit nothing', async () => {
    await expect(forge.ensureBranch(BRANCH, base, [], 'x')).rejects.toThrow('refusing to commit nothing');
  });

  it('fails as a ForgeError naming the operation when the base is unknown', async () => {
    const error = await forge.ensureBranch(BRANCH, 'e'.repeat(40), edits, 'x').catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ForgeError', operation: 'ensureBranch', forge: 'GitLab' });
  });
});
