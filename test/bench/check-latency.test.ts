import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { benchCheckLatency, formatLatency, type LatencyOptions } from '../../bench/check-latency.js';
import type { StartServer } from '../../bench/app-throughput.js';
import { startProbotServer } from '../../bench/probot-server.js';
import { appOctokit } from '../../src/adapters/github/app-octokit.js';
import { SkippingClock } from '../helpers/manual-clock.js';

const OPTIONS: LatencyOptions = { singles: 3, bursts: 2, burstSize: 4, recoveryMs: 5, postedWithinMs: 50 };

describe('benchCheckLatency', () => {
  it("times each push from its delivery to its check run, through the real app with the app's Octokit", async () => {
    const started: string[] = [];
    const clock = new SkippingClock();
    const result = await benchCheckLatency(OPTIONS, (options) => {
      started.push(`${options.app} with ${options.octokit ?? 'bench'} Octokit`);
      // The Octokit npm start runs with, its clock not waiting: 9 check runs in a row would be paced.
      return startProbotServer(options, appOctokit({ clock }));
    });

    expect(started).toEqual(['real with app Octokit']);
    expect([result.single.count, result.burst.count]).toEqual([3, 8]);
    for (const l of [result.single, result.burst]) {
      expect(l.p50).toBeGreaterThan(0);
      expect(l.p50).toBeLessThanOrEqual(l.p95);
      expect(l.p95).toBeLessThanOrEqual(l.max);
    }
    // 12 check runs from a bucket of 5 that this clock refills only while the app sleeps: 7 waits for a token.
    expect(clock.slept).toHaveLength(1 + 3 + 8 - 5);
  });

  it('waits for the check run of a webhook Probot answered 202 while its handler went on', async () => {
    // A server that answers at once and posts each push's check run 20 ms later, as a paced handler would.
    const late: StartServer = async (options) => {
      const token = async () => {
        const exchange = await fetch(`${options.githubUrl}/app/installations/4242/access_tokens`, {
          method: 'POST',
          headers: { authorization: 'Bearer a.b.c' },
        });
        return ((await exchange.json()) as { token: string }).token;
      };
      const server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const { after } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { after: string };
          response.writeHead(202).end();
          setTimeout(() => {
            void token().then((t) =>
              fetch(`${options.githubUrl}/repos/tails/tails/check-runs`, {
                method: 'POST',
                headers: { authorization: `token ${t}`, 'content-type': 'application/json' },
                body: JSON.stringify({ name: 'APT snapshots', head_sha: after, conclusion: 'success' }),
              }),
            );
          }, 20);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        webhooksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    };

    const result = await benchCheckLatency({ ...OPTIONS, postedWithinMs: 5000 }, late);

    expect([result.single.count, result.burst.count]).toEqual([3, 8]);
    expect(result.single.p50).toBeGreaterThanOrEqual(20);
  });

  it('fails, naming the push, when a webhook gets no check run', async () => {
    const quiet = async () => {
      const server = createServer((_request, response) => response.writeHead(200).end('{}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        webhooksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    };
    await expect(benchCheckLatency(OPTIONS, quiet)).rejects.toThrow(/^no check run was posted for c0[0-9a-f]{38}$/);
  });

  it('fails, naming the answers, when the server refuses the webhooks', async () => {
    const refusing = async () => {
      const server = createServer((_request, response) => response.writeHead(500).end('handler failed'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        webhooksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    };
    await expect(benchCheckLatency(OPTIONS, refusing)).rejects.toThrow(
      'webhooks answered 500; the fake GitHub refused: nothing',
    );
  });
});

describe('formatLatency', () => {
  it('prints the median, 95th percentile and worst of each scenario, and the pace they ran under', () => {
    const result = {
      single: { count: 10, p50: 21.4, p95: 30.2, max: 31 },
      burst: { count: 40, p50: 7012.2, p95: 14020.9, max: 15003 },
    };
    expect(formatLatency(result, { singles: 10, bursts: 2, burstSize: 20 }).split('\n')).toEqual([
      "From webhook delivery to check run posted, with the app's own Octokit (writes paced: a burst of 5, then one every 1000 ms):",
      '  a single topic push                          p50     21 ms   p95     30 ms   max     31 ms  (10 pushes)',
      '  bursts of 20 topic pushes (2 bursts)         p50   7012 ms   p95  14021 ms   max  15003 ms  (40 pushes)',
    ]);
  });
});
