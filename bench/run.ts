import { benchCore } from './core.js';
import { formatFigures, type Figure } from './measure.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);

function ratio(figures: Figure[], a: number, b: number): string {
  const x = figures[a];
  const y = figures[b];
  return x && y ? `${(x.medianMs / y.medianMs).toFixed(2)}× git` : 'n/a';
}

const core = await benchCore(runs);
process.stdout.write(`# Core (real Tails history)\n${formatFigures(core)}\n`);
process.stdout.write(`audit: ${(core[0]!.medianMs / 1000).toFixed(2)} s (target < 5 s); ${ratio(core, 0, 1)} (cat-file), ${ratio(core, 0, 2)} (log -p) (target ≤ 5×)\n`);
process.stdout.write(`check: ${core[3]!.medianMs.toFixed(1)} ms; ${ratio(core, 3, 4)}\n`);
