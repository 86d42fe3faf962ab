import type { JobTrigger, JobName } from '../ports/job-trigger.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import type { AppMetrics } from './metrics.js';

async function counted<T>(promise: Promise<T>, count: (ok: boolean) => void): Promise<T> {
  try {
    const value = await promise;
    count(true);
    return value;
  } catch (error) {
    count(false);
    throw error;
  }
}

/** The snapshot server, each question counted by its outcome. */
export function measuredSnapshotServer(server: SnapshotServer, metrics: AppMetrics): SnapshotServer {
  const count = (ok: boolean) => metrics.snapshotServerRequest(ok ? 'ok' : 'failed');
  return {
    latestSerial: (origin) => counted(server.latestSerial(origin), count),
    validUntil: (origin, dist, serial) => counted(server.validUntil(origin, dist, serial), count),
  };
}

/** The jobs' triggers, each start counted by job and outcome. */
export function measuredTriggers<Job extends JobName>(
  triggers: Partial<Record<Job, JobTrigger>>,
  metrics: AppMetrics,
): Partial<Record<Job, JobTrigger>> {
  const measured: Partial<Record<Job, JobTrigger>> = {};
  for (const [job, trigger] of Object.entries(triggers) as [Job, JobTrigger][]) {
    measured[job] = {
      description: trigger.description,
      describe: (request) => trigger.describe(request),
      trigger: (request) =>
        counted(trigger.trigger(request), (ok) => metrics.jobTriggered(job, ok ? 'started' : 'failed')),
    };
  }
  return measured;
}
