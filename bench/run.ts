import { benchAppThroughput, formatThroughput, type ThroughputOptions } from './app-throughput.js';
import { benchCheckLatency, formatLatency, type LatencyOptions } from './check-latency.js';
import { benchCore } from './core.js';
import { formatFigures, type Figure } from './measure.js';
import { formatRequestCounts, requestCountsFromTests, REQUEST_BUDGET_TEST } from './request-budget.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);

function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number of at least 1, not ${JSON.stringify(text)}`);
  return value;
}

function ratio(figures: Figure[], a: number, b: number): string {
  const x = figures[a];
  const y = figures[b];
  return x && y ? `${(x.medianMs / y.medianMs).toFixed(2)}× git` : 'n/a';
}

const TOPIC_PUSH = 'push to a topic branch';
const throughputOptions: ThroughputOptions = {
  webhooks: positiveInteger('BENCH_WEBHOOKS', 2000),
  concurrency: positiveInteger('BENCH_CONCURRENCY', 8),
  warmup: 100,
  timeLimitMs: 20_000,
};
const latencyOptions: LatencyOptions = {
  singles: positiveInteger('BENCH_SINGLES', 10),
  bursts: positiveInteger('BENCH_BURSTS', 2),
  burstSize: positiveInteger('BENCH_BURST_SIZE', 20),
};

const core = await benchCore(runs);
process.stdout.write(`# Core (real Tails history)\n${formatFigures(core)}\n`);
process.stdout.write(
  `audit: ${(core[0]!.medianMs / 1000).toFixed(2)} s (target < 5 s); ${ratio(core, 0, 1)} (cat-file), ${ratio(core, 0, 2)} (log -p) (target ≤ 5×)\n`,
);
process.stdout.write(`check: ${core[3]!.medianMs.toFixed(1)} ms; ${ratio(core, 3, 4)}\n`);
process.stdout.write(`dashboard: ${(core[5]!.medianMs / 1000).toFixed(2)} s\n`);

const counts = await requestCountsFromTests(process.cwd());
const throughput = await benchAppThroughput(throughputOptions);
const perWebhook = Object.values(throughput.requestsPerWebhook).reduce((sum, n) => sum + n, 0);
const tested = counts[TOPIC_PUSH];
process.stdout.write(
  `\n# GitHub App\nAPI requests per event type (counted by ${REQUEST_BUDGET_TEST}, token exchange excluded):\n${formatRequestCounts(counts)}\n`,
);
process.stdout.write(`${formatThroughput(throughput, throughputOptions)}\n`);
process.stdout.write(
  `requests per webhook: ${perWebhook.toFixed(2)} served, ${tested ?? 'n/a'} counted by the tests for "${TOPIC_PUSH}" (target ≤ 5)${tested === perWebhook ? '' : ': THEY DIFFER'}\n`,
);
process.stdout.write(`\n${formatLatency(await benchCheckLatency(latencyOptions), latencyOptions)}\n`);
