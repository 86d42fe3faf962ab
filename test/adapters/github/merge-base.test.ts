import nock from 'nock';
import { ForgeError } from '../../../src/adapters/github/forge-error.js';
import { mergeBase } from '../../../src/adapters/github/merge-base.js';
import { GITHUB_API, TEST_TOKEN, guardNock, testOctokit } from '../../helpers/nock-guard.js';

guardNock();

const REPOSITORY = { owner: 'tails', repo: 'tails' };
const HEAD = 'a1'.repeat(20);
const FORK = 'f0'.repeat(20);
const PATH = `/repos/tails/tails/compare/testing...${HEAD}`;

describe('mergeBase', () => {
  it('asks for one commit a page and answers the merge base', async () => {
    nock(GITHUB_API)
      .get(PATH)
      .query({ per_page: '1' })
      .reply(200, { merge_base_commit: { sha: FORK }, commits: [] });
    await expect(mergeBase(testOctokit(), REPOSITORY, 'testing', HEAD)).resolves.toBe(FORK);
  });

  it.each([
    ['unrelated histories', 404, { message: 'Not Found' }, /compare.*answered 404: Not Found/],
    ['a server error', 502, { message: 'Bad Gateway' }, /answered 502: Bad Gateway/],
    ['an answer without merge_base_commit', 200, { commits: [] }, /answered without merge_base_commit\.sha/],
    [
      'a merge base that is no sha',
      200,
      { merge_base_commit: { sha: 'testing' } },
      /answered without merge_base_commit\.sha/,
    ],
  ])('rejects with a ForgeError on %s, naming the operation but no token', async (_name, status, body, message) => {
    nock(GITHUB_API).get(PATH).query({ per_page: '1' }).reply(status, body);
    const error = (await mergeBase(testOctokit(), REPOSITORY, 'testing', HEAD).catch((e: unknown) => e)) as ForgeError;
    expect(error).toBeInstanceOf(ForgeError);
    expect(error.message).toMatch(/^GitHub find the merge base: /);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(TEST_TOKEN);
  });
});
