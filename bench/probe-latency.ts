import { latency, type Latency } from './check-latency.js';

export interface ProbeLatency {
  readyz: Latency;
  metrics: Latency;
  /** Answers other than 200, as "path: status" (a /readyz that says 503 is still an answer, but not the one expected here). */
  notOk: string[];
}

const PATHS = ['/readyz', '/metrics'] as const;

/**
 * Asks /readyz and /metrics of `base` every `intervalMs`, one after the
 * other, until `until` settles, and says how long each answer took: what
 * a monitor sees of the server while it is busy with webhooks.
 */
export async function probeWhile(base: string, until: Promise<unknown>, intervalMs = 50): Promise<ProbeLatency> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const times: Record<(typeof PATHS)[number], number[]> = { '/readyz': [], '/metrics': [] };
  const notOk: string[] = [];
  while (!done) {
    for (const path of PATHS) {
      const started = performance.now();
      const response = await fetch(`${base}${path}`);
      await response.text();
      times[path].push(performance.now() - started);
      if (response.status !== 200) notOk.push(`${path}: ${response.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  if (times['/readyz'].length === 0) throw new Error(`no probe was answered before the load ended (${base})`);
  return { readyz: latency(times['/readyz']), metrics: latency(times['/metrics']), notOk };
}
