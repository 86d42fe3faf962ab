import nock from 'nock';
import { GitHubJobClaims } from '../../../src/adapters/github/job-claims.js';
import { listTagsWithPrefix } from '../../../src/adapters/github/tags.js';
import { REPO } from '../../helpers/github-forge-setup.js';
import { GITHUB_API, guardNock, recordRequests, testOctokit } from '../../helpers/nock-guard.js';

guardNock();

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const REPOSITORY = { owner: 'tails', repo: 'tails' };
const ref = (name: string, sha: string) => ({ ref: name, object: { sha, type: 'commit' } });

describe('GitHubJobClaims', () => {
  const claims = () => new GitHubJobClaims(testOctokit(), REPOSITORY);

  it('creates the attempt’s ref at the commit, once: GitHub refuses a second', async () => {
    const scope = nock(GITHUB_API);
    const bodies: unknown[] = [];
    scope
      .post(`${REPO}/git/refs`, (body) => bodies.push(body) > 0)
      .reply(201, ref('refs/apt-snapshots-bot/releases/4.19-rc1/build_IUKs/1', A));
    scope.post(`${REPO}/git/refs`).reply(422, { message: 'Reference already exists' });

    await expect(claims().claim('4.19-rc1', 'build_IUKs', 1, A)).resolves.toBe(true);
    await expect(claims().claim('4.19-rc1', 'build_IUKs', 1, A)).resolves.toBe(false);
    expect(bodies).toEqual([{ ref: 'refs/apt-snapshots-bot/releases/4.19-rc1/build_IUKs/1', sha: A }]);
  });

  it('lets any other refusal through, as a ForgeError naming the operation', async () => {
    nock(GITHUB_API).post(`${REPO}/git/refs`).reply(422, { message: 'Reference name is invalid' });
    await expect(claims().claim('4.19-rc1', 'build_IUKs', 1, A)).rejects.toThrow(
      /^GitHub claim a release job: POST .*\/git\/refs answered 422: Reference name is invalid/,
    );
  });

  it('lists the attempts of a job, oldest first, with the outcomes recorded, ignoring refs below or beside them', async () => {
    nock(GITHUB_API)
      .get(`${REPO}/git/matching-refs/${encodeURIComponent('apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/')}`)
      .reply(200, [
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/2', A),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/10', A),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/1', B),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/1-failed', B),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/2-failed', A),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/2-started', A),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/3-started', A),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/x', A),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/01', A),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/4-done', A),
        ref('refs/apt-snapshots-bot/releases/4.19-rc1/tag-apt-snapshots/1/deeper', A),
      ]);
    await expect(claims().attempts('4.19-rc1', 'tag-apt-snapshots')).resolves.toEqual([
      { attempt: 1, commit: B, outcome: 'failed' },
      // Both recorded only by hand: the start that may have happened wins.
      { attempt: 2, commit: A, outcome: 'started' },
      { attempt: 10, commit: A },
    ]);
  });

  it('records how an attempt went as a ref beside its claim, once', async () => {
    const scope = nock(GITHUB_API);
    const bodies: unknown[] = [];
    scope.post(`${REPO}/git/refs`, (body) => bodies.push(body) > 0).reply(201, {});
    scope.post(`${REPO}/git/refs`).reply(422, { message: 'Reference already exists' });
    await claims().record('4.19-rc1', 'build_IUKs', 2, A, 'started');
    await expect(claims().record('4.19-rc1', 'build_IUKs', 2, A, 'started')).resolves.toBeUndefined();
    expect(bodies).toEqual([{ ref: 'refs/apt-snapshots-bot/releases/4.19-rc1/build_IUKs/2-started', sha: A }]);
  });
});

describe('listTagsWithPrefix', () => {
  const page = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ref(`refs/tags/4.${from + i}`, A));

  it('follows the next pages the Link header names', async () => {
    const scope = nock(GITHUB_API);
    const requests = recordRequests(scope);
    scope.get(`${REPO}/git/matching-refs/tags%2F4.`).reply(200, page(0, 100), {
      link: `<${GITHUB_API}/repositories/1/git/matching-refs/tags%2F4.?page=2>; rel="next"`,
    });
    scope
      .get('/repositories/1/git/matching-refs/tags%2F4.')
      .query({ page: '2' })
      .reply(200, page(100, 3), {
        link: `<${GITHUB_API}/repositories/1/git/matching-refs/tags%2F4.?page=1>; rel="prev"`,
      });
    const tags = await listTagsWithPrefix(testOctokit(), REPOSITORY, '4.');
    expect(tags).toHaveLength(103);
    expect(tags.slice(0, 2)).toEqual(['4.0', '4.1']);
    expect(requests).toHaveLength(2);
  });

  it('never follows a next page on another origin', async () => {
    nock(GITHUB_API)
      .get(`${REPO}/git/matching-refs/tags%2F4.`)
      .reply(200, page(0, 2), { link: '<https://attacker.example/steal?page=2>; rel="next"' });
    await expect(listTagsWithPrefix(testOctokit(), REPOSITORY, '4.')).resolves.toEqual(['4.0', '4.1']);
  });
});
