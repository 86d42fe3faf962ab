import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RATE_LIMIT_POLICY } from '../src/adapters/github/rate-limit-policy.js';
import type { StartServer } from './app-throughput.js';
import type { FakeGitHub } from './fake-github.js';
import { percentile } from './measure.js';
import { forkProbotServer } from './probot-server.js';
import { APP_ID, startTopicPushBench } from './topic-pushes.js';
import { postWebhook, type SignedWebhook } from './webhook-load.js';

export interface LatencyOptions {
  /** Pushes sent one at a time, each once the pace allows a write again. */
  singles: number;
  /** Bursts of `burstSize` pushes sent at once, each after the pace has recovered. */
  bursts: number;
  burstSize: number;
  /**
   * How long the pace takes to recover from a burst, in ms: the app's
   * bucket refilled (RATE_LIMIT_POLICY). Tests shrink it.
   */
  recoveryMs?: number;
  /** How long a check run may take to appear after its webhook was answered (2 minutes: a burst's last waits its turn). */
  postedWithinMs?: number;
}

export interface Latency {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export interface CheckLatency {
  single: Latency;
  burst: Latency;
}

export function latency(values: number[]): Latency {
  return {
    count: values.length,
    p50: percentile(values, 0.5),
    p95: percentile(values, 0.95),
    max: Math.max(...values),
  };
}

/**
 * Sends `webhooks` at once and says, for each, how long from its sending
 * until the fake GitHub got its check run. Probot answers a webhook whose
 * handler still runs after 9 s with 202 (the last of a paced burst), so
 * the check runs are awaited, not the answers. A webhook not answered
 * 2xx, or without a check run within `postedWithinMs`, fails the measure.
 */
async function timeChecks(
  github: FakeGitHub,
  url: URL,
  webhooks: SignedWebhook[],
  postedWithinMs: number,
): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: webhooks.length });
  try {
    github.reset();
    const sent = new Map<string, number>();
    const statuses = await Promise.all(
      webhooks.map((webhook) => {
        sent.set((JSON.parse(webhook.body) as { after: string }).after, performance.now());
        return postWebhook(url, agent, webhook).then((answer) => answer.status);
      }),
    );
    const refused = statuses.filter((status) => status < 200 || status >= 300);
    if (refused.length > 0)
      throw new Error(
        `webhooks answered ${refused.join(', ')}; the fake GitHub refused: ${github.unexpected().join('; ') || 'nothing'}`,
      );
    const deadline = performance.now() + postedWithinMs;
    let created = new Map<string, number>();
    for (;;) {
      created = new Map(github.checkRuns().map((run) => [run.headSha, run.at]));
      if ([...sent.keys()].every((sha) => created.has(sha)) || performance.now() > deadline) break;
      await sleep(10);
    }
    return [...sent].map(([sha, at]) => {
      const posted = created.get(sha);
      if (posted === undefined) throw new Error(`no check run was posted for ${sha}`);
      return posted - at;
    });
  } finally {
    agent.destroy();
  }
}

/**
 * What users see: the time from a webhook's delivery to its check run,
 * through the app's real server running the app with the Octokit
 * `npm start` runs it with, its pacing of writes included (one check run
 * a second per installation after a burst of RATE_LIMIT_POLICY.burst).
 * A single push is sent once the pace allows a write, as on a quiet day;
 * a burst, as on release night, all at once. The fake GitHub answers at
 * once, so the figures are the app's and its pacing's, not the network's.
 */
export async function benchCheckLatency(
  options: LatencyOptions,
  start: StartServer = forkProbotServer,
): Promise<CheckLatency> {
  const recoveryMs = options.recoveryMs ?? RATE_LIMIT_POLICY.burst * RATE_LIMIT_POLICY.intervalMs;
  const within = options.postedWithinMs ?? 120_000;
  const bench = await startTopicPushBench();
  const { github, credentials } = bench;
  try {
    const server = await start({ app: 'real', octokit: 'app', appId: APP_ID, ...credentials, githubUrl: github.url });
    try {
      const url = new URL(server.webhooksUrl);
      // The first webhook also exchanges the token and asks GET /app.
      await timeChecks(github, url, bench.pushes(1, 'c0'), within);
      const singles: number[] = [];
      for (const webhook of bench.pushes(options.singles, 'c1')) {
        await sleep(recoveryMs / RATE_LIMIT_POLICY.burst);
        singles.push(...(await timeChecks(github, url, [webhook], within)));
      }
      const bursts: number[] = [];
      for (let i = 0; i < options.bursts; i += 1) {
        await sleep(recoveryMs);
        bursts.push(...(await timeChecks(github, url, bench.pushes(options.burstSize, `c2${i.toString(16)}`), within)));
      }
      return { single: latency(singles), burst: latency(bursts) };
    } finally {
      await server.stop();
    }
  } finally {
    await github.close();
  }
}

export function formatLatency(result: CheckLatency, options: LatencyOptions): string {
  const line = (name: string, l: Latency) =>
    `  ${name.padEnd(44)} p50 ${l.p50.toFixed(0).padStart(6)} ms   p95 ${l.p95.toFixed(0).padStart(6)} ms   max ${l.max.toFixed(0).padStart(6)} ms  (${l.count} pushes)`;
  return [
    `From webhook delivery to check run posted, with the app's own Octokit (writes paced: a burst of ${RATE_LIMIT_POLICY.burst}, then one every ${RATE_LIMIT_POLICY.intervalMs} ms):`,
    line('a single topic push', result.single),
    line(`bursts of ${options.burstSize} topic pushes (${options.bursts} bursts)`, result.burst),
  ].join('\n');
}
