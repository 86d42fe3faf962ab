import { measuredSnapshotServer, measuredTriggers } from '../../src/server/measured-ports.js';
import { AppMetrics } from '../../src/server/metrics.js';
import type { JobTrigger } from '../../src/ports/job-trigger.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';

describe('measured ports', () => {
  it('counts snapshot-server questions by outcome and passes answers and errors on', async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    const server = measuredSnapshotServer(new FakeSnapshotServer({ latest: { debian: '2026112901' } }), metrics);
    await expect(server.latestSerial('debian')).resolves.toBe('2026112901');
    await expect(server.latestSerial('nowhere')).rejects.toThrow();
    const text = await metrics.text();
    expect(text).toContain('apt_snapshots_bot_snapshot_server_requests_total{outcome="ok"} 1');
    expect(text).toContain('apt_snapshots_bot_snapshot_server_requests_total{outcome="failed"} 1');
  });

  it('counts job starts by job and outcome, and keeps what the trigger describes', async () => {
    const metrics = new AppMetrics({ processMetrics: false });
    let fail = false;
    const trigger: JobTrigger = {
      description: 'Jenkins at https://jenkins.example.org, job build_IUKs',
      describe: (request) => ({
        method: 'POST',
        url: 'https://jenkins.example.org',
        parameters: request.parameters,
        headers: [],
      }),
      trigger: async () => {
        if (fail) throw new Error('503');
        return { status: 'queued' };
      },
    };
    const measured = measuredTriggers({ build_IUKs: trigger }, metrics);
    expect(Object.keys(measured)).toEqual(['build_IUKs']);
    expect(measured.build_IUKs?.description).toBe(trigger.description);
    await expect(measured.build_IUKs?.trigger({ job: 'build_IUKs', parameters: {} })).resolves.toEqual({
      status: 'queued',
    });
    fail = true;
    await expect(measured.build_IUKs?.trigger({ job: 'build_IUKs', parameters: {} })).rejects.toThrow('503');
    const text = await metrics.text();
    expect(text).toContain('apt_snapshots_bot_jobs_triggered_total{job="build_IUKs",outcome="started"} 1');
    expect(text).toContain('apt_snapshots_bot_jobs_triggered_total{job="build_IUKs",outcome="failed"} 1');
  });
});
