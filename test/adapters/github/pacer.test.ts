import nock from 'nock';
import { appOctokit } from '../../../src/adapters/github/app-octokit.js';
import { MemoryPacer, type Pacer } from '../../../src/adapters/github/pacer.js';
import { SkippingClock } from '../../helpers/manual-clock.js';
import { GITHUB_API, TEST_TOKEN, guardNock } from '../../helpers/nock-guard.js';

guardNock();

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('MemoryPacer', () => {
  it('keeps a bucket per key: a burst, then one per interval', async () => {
    const clock = new SkippingClock();
    const pacer = new MemoryPacer({ burst: 2, intervalMs: 1000 }, clock);

    for (let i = 0; i < 3; i += 1) await pacer.take('1');
    await pacer.take('2');

    expect(clock.slept).toEqual([1000]);
  });
});

describe('rateLimits with a pacer of its own', () => {
  it("paces an installation's content-creating requests through it, under the installation's id", async () => {
    const taken: string[] = [];
    const pacer: Pacer = { take: async (key) => void taken.push(key) };
    const Octokit = appOctokit({ clock: new SkippingClock(), pacer });
    const octokit = new Octokit({ auth: { token: TEST_TOKEN, installationId: 4242 }, log: quiet });
    nock(GITHUB_API)
      .post('/repos/tails/tails/issues/1/comments')
      .reply(201, { id: 1 })
      .get('/repos/tails/tails')
      .reply(200, { full_name: 'tails/tails' });

    await octokit.rest.issues.createComment({ owner: 'tails', repo: 'tails', issue_number: 1, body: 'hi' });
    await octokit.rest.repos.get({ owner: 'tails', repo: 'tails' });

    expect(taken).toEqual(['4242']);
  });
});
