import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  benchAppThroughput,
  formatThroughput,
  type AppThroughput,
  type ThroughputOptions,
} from '../../bench/app-throughput.js';
import { startProbotServer } from '../../bench/probot-server.js';

const OPTIONS: ThroughputOptions = { webhooks: 6, concurrency: 2, warmup: 2, timeLimitMs: 10_000 };

describe('benchAppThroughput', () => {
  it('times the bare, the minimal and the real app on the same pushes, and says what each real webhook asked of GitHub', async () => {
    const started: string[] = [];
    const result = await benchAppThroughput(OPTIONS, (options) => {
      started.push(`${options.app} with ${options.octokit ?? 'bench'} Octokit`);
      return startProbotServer(options);
    });
    expect(started).toEqual(['bare with bench Octokit', 'minimal with bench Octokit', 'real with bench Octokit']);
    expect([result.bare.processed, result.minimal.processed, result.real.processed]).toEqual([6, 6, 6]);
    expect(result.ratio).toBeCloseTo(result.real.perSecond / result.minimal.perSecond, 10);
    expect(result.bareRatio).toBeCloseTo(result.real.perSecond / result.bare.perSecond, 10);
    expect(result.real.perSecond).toBeCloseTo(6 / result.real.seconds, 10);
    // A topic push that changes no serial: one read, one check run, no compare.
    expect(result.requestsPerWebhook).toEqual({
      'POST /graphql': 1,
      'POST /repos/{owner}/{repo}/check-runs': 1,
    });
    // GET /app twice: who the app is, and the readiness probe's question at start.
    expect(result.once).toEqual({ 'POST /app/installations/{id}/access_tokens': 1, 'GET /app': 2 });
    expect(result.conclusions).toEqual({ success: 6 });
    // The probes were asked while the load ran, and answered 200 (ready: the fake GitHub takes the credentials).
    expect(result.probes.readyz.count).toBeGreaterThan(0);
    expect(result.probes.metrics.count).toBe(result.probes.readyz.count);
    expect(result.probes.notOk).toEqual([]);
  });

  it('fails, naming the answers, when the server does not process the webhooks, and stops it', async () => {
    let stopped = 0;
    const failing = async () => {
      const server = createServer((_request, response) => response.writeHead(500).end('handler failed'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        webhooksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
        stop: () =>
          new Promise<void>((resolve) => {
            stopped += 1;
            server.close(() => resolve());
          }),
      };
    };
    await expect(benchAppThroughput(OPTIONS, failing)).rejects.toThrow(
      /^webhooks failed:\n(.*: 500 handler failed\n)+the fake GitHub refused: nothing$/,
    );
    expect(stopped).toBe(1);
  });
});

describe('formatThroughput', () => {
  it('prints the three rates, the ratios against their targets, met or not, the requests per webhook and the check runs', () => {
    const result: AppThroughput = {
      bare: { processed: 2000, seconds: 0.8, perSecond: 2500 },
      minimal: { processed: 2000, seconds: 2.5, perSecond: 800 },
      real: { processed: 2000, seconds: 2.75, perSecond: 727.3 },
      ratio: 0.91,
      bareRatio: 0.29,
      requestsPerWebhook: { 'POST /graphql': 2, 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': 1 },
      once: { 'GET /app': 1 },
      conclusions: { success: 1999, failure: 1 },
      probes: {
        readyz: { count: 40, p50: 1.23, p95: 4.56, max: 7.89 },
        metrics: { count: 40, p50: 2.5, p95: 5, max: 120 },
        notOk: ['/readyz: 503'],
      },
    };
    expect(
      formatThroughput(result, { webhooks: 2000, concurrency: 8, warmup: 100, timeLimitMs: 1 }).split('\n'),
    ).toEqual([
      'push to a topic branch, 2000 signed webhooks over HTTP, 8 at a time, after 100 to warm up, retries and pacing off:',
      '  bare Probot app (handlers do nothing)                  2500.0 webhooks/s  (2000 in 0.80 s)',
      '  minimal app (one GraphQL read, one check run)           800.0 webhooks/s  (2000 in 2.50 s)',
      '  apt-snapshots-bot (GitHub API on 127.0.0.1)             727.3 webhooks/s  (2000 in 2.75 s)',
      '  apt-snapshots-bot / minimal app: 0.91 (target ≥ 0.80): target met',
      '  apt-snapshots-bot / bare app:    0.29 (target ≥ 0.50): NOT met',
      'API requests the fake GitHub answered per webhook in that run: 3.00',
      '  GET /repos/{owner}/{repo}/commits/{ref}/check-runs   1.00',
      '  POST /graphql                                        2.00',
      '  once, during the warm-up: GET /app (1)',
      '/readyz and /metrics asked every 50 ms during that run (40 times each):',
      '  /readyz    p50 1.2 ms, p95 4.6 ms, max 7.9 ms (target: under 100 ms)',
      '  /metrics   p50 2.5 ms, p95 5.0 ms, max 120.0 ms (target: under 100 ms)',
      '  answers other than 200: /readyz: 503',
      'check runs created: 1999 success, 1 failure',
    ]);
  });
});
