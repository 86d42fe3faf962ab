import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { githubMetrics } from '../../src/adapters/github/metrics-plugin.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { GITHUB_API, guardNock } from '../helpers/nock-guard.js';

guardNock();

const REPO = '/repos/tails/tails';

/** An installation's client, as Probot makes one per webhook; `app`: the app's own, as the readiness probe uses. */
function client(metrics: AppMetrics, baseUrl = GITHUB_API, as: 'installation' | 'app' = 'installation') {
  const Octokit = ProbotOctokit.plugin(githubMetrics(metrics)).defaults({
    retry: { enabled: false },
    throttle: { enabled: false },
  });
  return new Octokit({ auth: { token: 'token', ...(as === 'installation' ? { installationId: 4242 } : {}) }, baseUrl });
}

describe('githubMetrics', () => {
  it('counts requests by method, URL template and status, and never by expanded URL', async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    const octokit = client(metrics);
    nock(GITHUB_API)
      .get(`${REPO}/pulls/60`)
      .reply(200, {}, { 'x-ratelimit-remaining': '4999', 'x-ratelimit-resource': 'core' });
    nock(GITHUB_API).get(`${REPO}/pulls/61`).reply(404, { message: 'Not Found' });
    await octokit.rest.pulls.get({ owner: 'tails', repo: 'tails', pull_number: 60 });
    await expect(octokit.rest.pulls.get({ owner: 'tails', repo: 'tails', pull_number: 61 })).rejects.toThrow();
    const text = await metrics.text();
    expect(text).toContain(
      'apt_snapshots_bot_github_requests_total{method="GET",route="/repos/{owner}/{repo}/pulls/{pull_number}",status="200"} 1',
    );
    expect(text).toContain(
      'apt_snapshots_bot_github_requests_total{method="GET",route="/repos/{owner}/{repo}/pulls/{pull_number}",status="404"} 1',
    );
    expect(text).not.toContain('tails/tails');
    expect(text).toContain('apt_snapshots_bot_github_rate_limit_remaining{resource="core"} 4999');
  });

  it("keeps the rate limit of installations, not the app's own", async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    nock(GITHUB_API).get('/app').reply(200, {}, { 'x-ratelimit-remaining': '10', 'x-ratelimit-resource': 'core' });
    await client(metrics, GITHUB_API, 'app').rest.apps.getAuthenticated();
    expect(await metrics.text()).not.toContain('apt_snapshots_bot_github_rate_limit_remaining{');
  });

  it('counts the pages GitHub links to under one label', async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    nock(GITHUB_API).get('/repositories/42/git/matching-refs/tags/4.19?page=2').reply(200, []);
    await client(metrics).request('GET https://api.github.com/repositories/42/git/matching-refs/tags/4.19?page=2');
    const text = await metrics.text();
    expect(text).toContain('apt_snapshots_bot_github_requests_total{method="GET",route="(next page)",status="200"} 1');
    expect(text).not.toContain('4.19');
  });

  it('counts a request that got no answer with status 0', async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    nock(GITHUB_API).get('/app').replyWithError('socket hang up');
    await expect(client(metrics).rest.apps.getAuthenticated()).rejects.toThrow();
    expect(await metrics.text()).toContain(
      'apt_snapshots_bot_github_requests_total{method="GET",route="/app",status="0"} 1',
    );
  });

  it('tells pull requests opened, updated and closed from the requests that did it', async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    const octokit = client(metrics);
    nock(GITHUB_API).post(`${REPO}/pulls`).reply(201, { number: 60 });
    nock(GITHUB_API).patch(`${REPO}/pulls/60`, { title: 'Thaw' }).reply(200, {});
    nock(GITHUB_API).patch(`${REPO}/pulls/60`, { state: 'closed' }).reply(200, {});
    nock(GITHUB_API).post(`${REPO}/pulls`).reply(422, { message: 'A pull request already exists' });
    await octokit.rest.pulls.create({ owner: 'tails', repo: 'tails', head: 'a', base: 'devel', title: 'Thaw' });
    await octokit.rest.pulls.update({ owner: 'tails', repo: 'tails', pull_number: 60, title: 'Thaw' });
    await octokit.rest.pulls.update({ owner: 'tails', repo: 'tails', pull_number: 60, state: 'closed' });
    await expect(
      octokit.rest.pulls.create({ owner: 'tails', repo: 'tails', head: 'a', base: 'devel', title: 'Thaw' }),
    ).rejects.toThrow();
    const text = await metrics.text();
    expect(text).toContain('apt_snapshots_bot_pull_requests_total{action="opened"} 1');
    expect(text).toContain('apt_snapshots_bot_pull_requests_total{action="updated"} 1');
    expect(text).toContain('apt_snapshots_bot_pull_requests_total{action="closed"} 1');
  });

  it('names a GitHub Enterprise Server route as it names a github.com one', async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    nock('https://github.example.org').get('/api/v3/app').reply(200, {});
    await client(metrics, 'https://github.example.org/api/v3').rest.apps.getAuthenticated();
    expect(await metrics.text()).toContain(
      'apt_snapshots_bot_github_requests_total{method="GET",route="/app",status="200"} 1',
    );
  });
});
