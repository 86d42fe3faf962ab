import { gitlabApi } from '../../../src/adapters/gitlab/client.js';
import { gitlabMergeBase } from '../../../src/adapters/gitlab/merge-base.js';
import { ForgeError } from '../../../src/ports/forge-error.js';
import { commitFiles, makeRepo, type TestRepo } from '../../helpers/git-repo.js';
import { serveRepository } from '../../helpers/gitlab-repo-stand-in.js';
import { startGitLabStandIn, type GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

const PROJECT = { id: 'tails/tails', webUrl: 'https://gitlab.example/tails/tails' };

describe('gitlabMergeBase', () => {
  let repo: TestRepo & { commit: string };
  let fork: string;
  let standIn: GitLabStandIn;

  beforeAll(async () => {
    repo = await makeRepo({ 'README.md': 'one\n' });
    fork = repo.commit;
    await commitFiles(repo, { 'README.md': 'two\n' }, 'On devel');
    await repo.git(['checkout', '--quiet', '-b', 'feature/topic', fork]);
    await commitFiles(repo, { 'topic.txt': 'topic\n' }, 'On the topic');
    await repo.git(['checkout', '--quiet', '--orphan', 'unrelated']);
    await commitFiles(repo, { 'other.txt': 'other\n' }, 'Another history');
    await repo.git(['checkout', '--quiet', 'devel']);
  });
  afterAll(async () => {
    await repo.cleanup();
  });
  beforeEach(async () => {
    standIn = await startGitLabStandIn();
    serveRepository(standIn, { project: 'tails/tails', repo });
  });
  afterEach(async () => {
    await standIn.close();
    expect(standIn.unexpected).toEqual([]);
    expect(standIn.unauthorized).toEqual([]);
  });

  const api = () => gitlabApi({ host: standIn.url, token: standIn.token, sleep: async () => {} });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('finds where head forked from base, naming branches as GitLab does', async () => {
    expect(await gitlabMergeBase(api(), PROJECT, 'refs/heads/devel', 'refs/heads/feature/topic')).toBe(fork);
    const [request] = standIn.requests;
    expect(request?.url).toMatch(/^\/api\/v4\/projects\/tails%2Ftails\/repository\/merge_base\?/);
    expect(request?.query.getAll('refs[]')).toEqual(['devel', 'feature/topic']);
  });

  it('takes shas as they are', async () => {
    const head = (await repo.git(['rev-parse', 'feature/topic'])).trim();
    expect(await gitlabMergeBase(api(), PROJECT, 'devel', head)).toBe(fork);
  });

  it('rejects with a 404 ForgeError of GitLab when the histories share no commit', async () => {
    const error = await failure(gitlabMergeBase(api(), PROJECT, 'devel', 'unrelated'));
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ forge: 'GitLab', status: 404, operation: 'find the merge base' });
    expect((error as Error).message).toContain('404 Merge Base Not Found');
  });

  it('reads an unknown ref (GitLab answers 400) as a 404, as GitHub answers', async () => {
    const error = await failure(gitlabMergeBase(api(), PROJECT, 'devel', 'refs/heads/gone'));
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ forge: 'GitLab', status: 404 });
    expect((error as Error).message).toContain('Could not find ref: gone');
    expect((error as ForgeError).cause).toMatchObject({ status: 400 });
  });

  it('rejects with a 404 ForgeError, gone, when GitLab does not have the project', async () => {
    const error = await failure(gitlabMergeBase(api(), { ...PROJECT, id: 'tails/other' }, 'devel', 'feature/topic'));
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ forge: 'GitLab', status: 404, gone: true });
    expect((error as Error).message).toContain('404 Project Not Found');
    expect((error as Error).message).not.toContain(standIn.token);
  });
});
