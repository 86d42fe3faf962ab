import { forkProbotServer, type BenchedApp, type ProbotServerOptions, type RunningServer } from './probot-server.js';
import type { Latency } from './check-latency.js';
import { probeWhile, type ProbeLatency } from './probe-latency.js';
import { APP_ID, startTopicPushBench, type TopicPushBench } from './topic-pushes.js';
import { sendWebhooks, type LoadResult } from './webhook-load.js';

export interface ThroughputOptions {
  webhooks: number;
  concurrency: number;
  /** Webhooks sent first, untimed, to each server (JIT, token exchange, GET /app). */
  warmup: number;
  /** Per server. */
  timeLimitMs: number;
}

export interface ServerThroughput {
  processed: number;
  seconds: number;
  perSecond: number;
}

/** The real app's throughput against the minimal app's, and the target it must meet. */
export const MINIMAL_TARGET = 0.8;
/** …and against the bare app's. */
export const BARE_TARGET = 0.5;

export interface AppThroughput {
  bare: ServerThroughput;
  minimal: ServerThroughput;
  real: ServerThroughput;
  /** real / minimal webhooks per second: what the app's own work costs beyond the floor's requests. */
  ratio: number;
  /** real / bare webhooks per second. */
  bareRatio: number;
  /** Requests the fake GitHub answered during the timed run of the real app, per webhook, by route. */
  requestsPerWebhook: Record<string, number>;
  /** Requests answered during the warm-up that the timed run did not make again (cached by Probot or the app). */
  once: Record<string, number>;
  /** Check runs the real app created during the timed run, by conclusion. */
  conclusions: Record<string, number>;
  /** How fast /readyz and /metrics answered while the real app took that load. */
  probes: ProbeLatency;
}

interface Measured {
  throughput: ServerThroughput;
  /** Only for the real app: the bare and minimal apps serve no probe that asks anything. */
  probes?: ProbeLatency;
  /** Requests the fake GitHub answered during the warm-up. */
  warmupRequests: Record<string, number>;
}

export type StartServer = (options: ProbotServerOptions) => Promise<RunningServer>;

async function measureServer(
  bench: TopicPushBench,
  options: ThroughputOptions,
  start: StartServer,
  app: BenchedApp,
  tag: string,
): Promise<Measured> {
  const { github, credentials } = bench;
  github.reset();
  const warmupWebhooks = bench.pushes(options.warmup, `${tag}0`);
  const timedWebhooks = bench.pushes(options.webhooks, `${tag}1`);
  const server = await start({ app, appId: APP_ID, ...credentials, githubUrl: github.url });
  const check = (result: LoadResult) => {
    const failures =
      result.failures.length === 0 && result.processed === 0
        ? [`no webhook was processed within ${options.timeLimitMs} ms`]
        : result.failures;
    const refused = github.unexpected();
    if (failures.length > 0)
      throw new Error(
        `webhooks failed:\n${failures.join('\n')}\nthe fake GitHub refused: ${refused.join('; ') || 'nothing'}`,
      );
    if (refused.length > 0) throw new Error(`the fake GitHub refused: ${refused.join('; ')}`);
  };
  try {
    check(await sendWebhooks(server.webhooksUrl, warmupWebhooks, options));
    const warmupRequests = github.counts();
    github.reset();
    const load = sendWebhooks(server.webhooksUrl, timedWebhooks, options);
    const probes = app === 'real' ? await probeWhile(new URL(server.webhooksUrl).origin, load) : undefined;
    const run = await load;
    check(run);
    return {
      throughput: { processed: run.processed, seconds: run.seconds, perSecond: run.processed / run.seconds },
      warmupRequests,
      ...(probes ? { probes } : {}),
    };
  } finally {
    await server.stop();
  }
}

/**
 * Webhooks per second through the app's real HTTP server, signed as GitHub
 * signs them: the bare Probot app (a handler that does nothing for the
 * events the app handles: the ceiling), the minimal app (the floor's two
 * requests, see minimalApp) and the app itself, with the GitHub API a
 * local fake and the snapshot server left out (offline), so the figure
 * is the app's own work. All run with retries and pacing off: paced, any
 * of them would post one check run a second. Each server runs in a
 * process of its own unless `start` says otherwise.
 */
export async function benchAppThroughput(
  options: ThroughputOptions,
  start: StartServer = forkProbotServer,
): Promise<AppThroughput> {
  const bench = await startTopicPushBench();
  const { github } = bench;
  try {
    const { throughput: bare } = await measureServer(bench, options, start, 'bare', 'ba');
    const { throughput: minimal } = await measureServer(bench, options, start, 'minimal', 'f1');
    const { throughput: real, warmupRequests, probes } = await measureServer(bench, options, start, 'real', 'a1');
    if (!probes) throw new Error('the real app was measured without its probes');
    const timed = github.counts();
    const requestsPerWebhook = Object.fromEntries(
      Object.entries(timed).map(([route, n]) => [route, n / real.processed]),
    );
    const once = Object.fromEntries(Object.entries(warmupRequests).filter(([route]) => !(route in timed)));
    const conclusions: Record<string, number> = {};
    for (const run of github.checkRuns()) conclusions[run.conclusion] = (conclusions[run.conclusion] ?? 0) + 1;
    return {
      bare,
      minimal,
      real,
      ratio: real.perSecond / minimal.perSecond,
      bareRatio: real.perSecond / bare.perSecond,
      requestsPerWebhook,
      once,
      conclusions,
      probes,
    };
  } finally {
    await github.close();
  }
}

const probeLine = (path: string, l: Latency) =>
  `  ${path.padEnd(10)} p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (target: under 100 ms)`;

const verdict = (ratio: number, target: number) =>
  `${ratio.toFixed(2)} (target ≥ ${target.toFixed(2)}): ${ratio >= target ? 'target met' : 'NOT met'}`;

export function formatThroughput(result: AppThroughput, options: ThroughputOptions): string {
  const line = (name: string, t: ServerThroughput) =>
    `  ${name.padEnd(52)} ${t.perSecond.toFixed(1).padStart(8)} webhooks/s  (${t.processed} in ${t.seconds.toFixed(2)} s)`;
  const routes = Object.entries(result.requestsPerWebhook).sort(([a], [b]) => (a < b ? -1 : 1));
  const total = routes.reduce((sum, [, n]) => sum + n, 0);
  return [
    `push to a topic branch, ${options.webhooks} signed webhooks over HTTP, ${options.concurrency} at a time, after ${options.warmup} to warm up, retries and pacing off:`,
    line('bare Probot app (handlers do nothing)', result.bare),
    line('minimal app (one GraphQL read, one check run)', result.minimal),
    line('apt-snapshots-bot (GitHub API on 127.0.0.1)', result.real),
    `  apt-snapshots-bot / minimal app: ${verdict(result.ratio, MINIMAL_TARGET)}`,
    `  apt-snapshots-bot / bare app:    ${verdict(result.bareRatio, BARE_TARGET)}`,
    `API requests the fake GitHub answered per webhook in that run: ${total.toFixed(2)}`,
    ...routes.map(([route, n]) => `  ${route.padEnd(52)} ${n.toFixed(2)}`),
    `  once, during the warm-up: ${
      Object.entries(result.once)
        .map(([route, n]) => `${route} (${n})`)
        .join(', ') || 'nothing'
    }`,
    `/readyz and /metrics asked every 50 ms during that run (${result.probes.readyz.count} times each):`,
    probeLine('/readyz', result.probes.readyz),
    probeLine('/metrics', result.probes.metrics),
    ...(result.probes.notOk.length > 0
      ? [`  answers other than 200: ${result.probes.notOk.slice(0, 5).join(', ')}`]
      : []),
    `check runs created: ${
      Object.entries(result.conclusions)
        .map(([conclusion, n]) => `${n} ${conclusion}`)
        .join(', ') || 'none'
    }`,
  ].join('\n');
}
