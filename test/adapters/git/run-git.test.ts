import { GitCommandError, runGit } from '../../../src/adapters/git/run-git.js';
import { makeRepo, type TestRepo } from '../../helpers/git-repo.js';

describe('runGit', () => {
  let repo: TestRepo & { commit: string };
  beforeAll(async () => {
    repo = await makeRepo({ a: '1\n' });
  });
  afterAll(() => repo.cleanup());

  it('returns what git printed and its exit code', async () => {
    expect(await runGit(repo.dir, ['rev-parse', 'HEAD'], { env: repo.env })).toEqual({
      stdout: `${repo.commit}\n`,
      code: 0,
    });
  });

  it('returns an exit code the caller expects as an answer', async () => {
    expect(
      await runGit(repo.dir, ['rev-parse', '--verify', '--quiet', 'nope'], { env: repo.env, okCodes: [1] }),
    ).toEqual({ stdout: '', code: 1 });
  });

  it.each([
    [
      'an unexpected exit code',
      {},
      ['rev-parse', '--verify', 'nope'],
      128,
      'fatal: Needed a single revision',
      `git rev-parse failed in DIR: fatal: Needed a single revision`,
    ],
    [
      'git that cannot start',
      { PATH: '/nonexistent-bin' },
      ['status'],
      null,
      '',
      `git status failed in DIR: spawn git ENOENT`,
    ],
    [
      'a command after global options',
      {},
      ['--literal-pathspecs', 'rev-parse', '--verify', 'nope'],
      128,
      'fatal: Needed a single revision',
      `git rev-parse failed in DIR: fatal: Needed a single revision`,
    ],
  ])('rejects %s with a GitCommandError naming the repository', async (_what, env, args, code, stderr, message) => {
    const run = runGit(repo.dir, args, { env: { ...repo.env, ...env } });
    await expect(run).rejects.toBeInstanceOf(GitCommandError);
    await expect(run).rejects.toMatchObject({ repoDir: repo.dir, args, code, stderr: stderr ? `${stderr}\n` : '' });
    await expect(run).rejects.toThrow(message.replace('DIR', repo.dir));
  });
});
