import type { GitHubClient } from '../../src/adapters/github/client.js';
import { GitHubJobClaims } from '../../src/adapters/github/job-claims.js';
import { RedisJobClaims } from '../../src/adapters/redis/redis-job-claims.js';
import { MemoryJobClaims } from '../../src/app/release/memory-job-claims.js';
import type { JobClaims } from '../../src/ports/job-claims.js';
import { describeWithRedis, redisConnections } from '../helpers/redis-server.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

/** What GitHub's claim refs do, held by every other JobClaims: one claimant per attempt, its outcome beside it. */
function claimsContract(make: () => Promise<[JobClaims, JobClaims]>): void {
  it('gives each attempt to one claimant, records its outcome once, and lists attempts in order', async () => {
    const [one, other] = await make();

    const answers = await Promise.all([
      one.claim('7.1', 'tag-apt-snapshots', 1, A),
      other.claim('7.1', 'tag-apt-snapshots', 1, B),
    ]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await other.claim('7.1', 'tag-apt-snapshots', 2, B)).toBe(true);
    await one.record('7.1', 'tag-apt-snapshots', 1, A, 'failed');
    await other.record('7.1', 'tag-apt-snapshots', 1, A, 'failed');

    const attempts = await one.attempts('7.1', 'tag-apt-snapshots');
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, undefined],
    ]);
    expect(attempts[1]?.commit).toBe(B);
  });

  it('keeps tags and jobs apart', async () => {
    const [one] = await make();
    await one.claim('7.1', 'tag-apt-snapshots', 1, A);

    expect(await one.attempts('7.10', 'tag-apt-snapshots')).toEqual([]);
    expect(await one.attempts('7.1', 'build_IUKs')).toEqual([]);
    expect(await one.claim('7.1', 'build_IUKs', 1, A)).toBe(true);
  });
}

/**
 * GitHub's refs API as Octokit answers it, in memory: matching refs by
 * prefix, and a ref created once, 422 "Reference already exists" after.
 * (release-refs.test.ts holds the adapter to GitHub's HTTP answers.)
 */
function githubRefs(): Pick<GitHubClient, 'request'> {
  const refs = new Map<string, string>();
  const request = (route: string, params: { ref: string; sha?: string }) => {
    if (route === 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}') {
      const data = [...refs].filter(([ref]) => ref.startsWith(`refs/${params.ref}`));
      return Promise.resolve({
        data: data.map(([ref, sha]) => ({ ref, object: { sha } })),
        headers: {},
        url: `https://api.github.com/repos/tails/tails/git/matching-refs/${params.ref}`,
      });
    }
    if (route === 'POST /repos/{owner}/{repo}/git/refs') {
      if (refs.has(params.ref)) {
        return Promise.reject(
          Object.assign(new Error('Reference already exists'), {
            status: 422,
            response: { status: 422, headers: {}, data: { message: 'Reference already exists' } },
            request: { method: 'POST', url: 'https://api.github.com/repos/o/r/git/refs' },
          }),
        );
      }
      refs.set(params.ref, params.sha ?? '');
      return Promise.resolve({ data: {}, headers: {}, url: '' });
    }
    return Promise.reject(new Error(`unexpected request ${route}`));
  };
  return { request } as unknown as Pick<GitHubClient, 'request'>;
}

describe('GitHubJobClaims', () => {
  claimsContract(async () => {
    const octokit = githubRefs();
    const repository = { owner: 'tails', repo: 'tails' };
    return [new GitHubJobClaims(octokit, repository), new GitHubJobClaims(octokit, repository)];
  });
});

describe('MemoryJobClaims', () => {
  claimsContract(async () => {
    const claims = new MemoryJobClaims('tails/tails');
    return [claims, claims];
  });

  it('keeps repositories apart', async () => {
    const tails = new MemoryJobClaims('tails/tails');
    const other = new MemoryJobClaims('other/tails');
    await tails.claim('7.1', 'tag-apt-snapshots', 1, A);

    expect(await other.attempts('7.1', 'tag-apt-snapshots')).toEqual([]);
  });
});

describeWithRedis('RedisJobClaims', () => {
  const connection = redisConnections();
  claimsContract(async () => [
    new RedisJobClaims(await connection(), 'tails/tails'),
    new RedisJobClaims(await connection(), 'tails/tails'),
  ]);

  it('keeps claims for a long while, not for ever', async () => {
    const spy = await connection();
    await new RedisJobClaims(spy, 'tails/tails').claim('7.1', 'tag-apt-snapshots', 1, A);

    const ttl = await spy.ttl('apt-snapshots-bot:claims:tails/tails:7.1:tag-apt-snapshots');
    expect(ttl).toBeGreaterThan(300 * 24 * 60 * 60);
  });
});
