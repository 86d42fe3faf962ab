import type { JobTrigger, ReleaseJobName } from '../ports/job-trigger.js';
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

/** The release jobs' triggers, each start counted by job and outcome. */
export function measuredTriggers(
  triggers: Partial<Record<ReleaseJobName, JobTrigger>>,
  metrics: AppMetrics,
): Partial<Record<ReleaseJobName, JobTrigger>> {
  const measured: Partial<Record<ReleaseJobName, JobTrigger>> = {};
  for (const [job, trigger] of Object.entries(triggers) as [ReleaseJobName, JobTrigger][]) {
    measured[job] = {
      description: trigger.description,
      describe: (request) => trigger.describe(request),
      trigger: (request) =>
        counted(trigger.trigger(request), (ok) => metrics.jobTriggered(job, ok ? 'started' : 'failed')),
    };
  }
  return measured;
}
