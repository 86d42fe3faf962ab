import { performance } from 'node:perf_hooks';

export interface Figure {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
}

/** Runs `task` once to warm up, then `runs` times, and keeps the median and the best. */
export async function measure(name: string, runs: number, task: () => unknown): Promise<Figure> {
  await task();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, runs, medianMs: times[Math.floor(times.length / 2)] as number, minMs: times[0] as number };
}

export function formatFigures(figures: Figure[]): string {
  const width = Math.max(...figures.map((f) => f.name.length));
  return figures
    .map(
      (f) =>
        `${f.name.padEnd(width)}  median ${f.medianMs.toFixed(1).padStart(8)} ms  best ${f.minMs.toFixed(1).padStart(8)} ms  (${f.runs} runs)`,
    )
    .join('\n');
}

/** The value below which `p` (0 to 1) of `values` lie, nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}
