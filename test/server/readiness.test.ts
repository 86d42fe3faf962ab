import { ReadinessProbe } from '../../src/server/readiness.js';

describe('ReadinessProbe', () => {
  it('is not ready before its first round ends, then answers from the last round', async () => {
    let calls = 0;
    let now = 0;
    const probe = new ReadinessProbe(
      [
        {
          name: 'github',
          check: async () => {
            calls += 1;
          },
        },
      ],
      { now: () => now },
    );
    expect(probe.current()).toEqual({ ready: false, checkedAt: null, checks: {} });
    await probe.refresh();
    expect(calls).toBe(1);
    expect(probe.current()).toEqual({
      ready: true,
      checkedAt: '1970-01-01T00:00:00.000Z',
      checks: { github: { ok: true } },
    });
    now = 59_999;
    probe.current();
    await probe.settled();
    expect(calls).toBe(1);
    now = 60_000;
    probe.current();
    await probe.settled();
    expect(calls).toBe(2);
  });

  it('asks again only when the last answer is a minute old', async () => {
    let calls = 0;
    let now = 0;
    const probe = new ReadinessProbe([{ name: 'github', check: async () => void (calls += 1) }], { now: () => now });
    await probe.refresh();
    for (now = 1; now < 60_000; now += 10_000) probe.current();
    await probe.settled();
    expect(calls).toBe(1);
    now = 60_000;
    probe.current();
    probe.current();
    await probe.settled();
    expect(calls).toBe(2);
  });

  it('says which dependency failed and why, and is not ready', async () => {
    const probe = new ReadinessProbe([
      { name: 'github', check: async () => {} },
      {
        name: 'snapshot server',
        check: () => Promise.reject(new Error('http://snapshots.example.org/debian/project/trace/debian: 503')),
      },
    ]);
    await probe.refresh();
    expect(probe.current()).toMatchObject({
      ready: false,
      checks: {
        github: { ok: true },
        'snapshot server': { ok: false, error: 'http://snapshots.example.org/debian/project/trace/debian: 503' },
      },
    });
  });

  it('counts a dependency that hangs as failed after the timeout, and never waits on it to answer', async () => {
    const probe = new ReadinessProbe([{ name: 'github', check: () => new Promise(() => {}) }], { timeoutMs: 20 });
    const started = performance.now();
    expect(probe.current().ready).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
    await probe.refresh();
    expect(probe.current().checks).toEqual({ github: { ok: false, error: 'github did not answer within 0.02 s' } });
  });

  it('runs one round for callers that ask while it runs', async () => {
    let calls = 0;
    const probe = new ReadinessProbe([{ name: 'github', check: async () => void (calls += 1) }]);
    await Promise.all([probe.refresh(), probe.refresh(), probe.refresh()]);
    expect(calls).toBe(1);
  });

  it('says when a check starts failing and when it passes again, once each', async () => {
    const answers = [true, false, false, true];
    const changes: string[] = [];
    const probe = new ReadinessProbe(
      [
        {
          name: 'redis',
          check: async () => {
            if (!answers.shift()) throw new Error('connection refused');
          },
        },
      ],
      { onChange: (name, result) => changes.push(`${name} ${result.ok ? 'ok' : `failed: ${result.error ?? ''}`}`) },
    );
    for (let round = 0; round < 4; round += 1) await probe.refresh();
    expect(changes).toEqual(['redis failed: connection refused', 'redis ok']);
  });

  it('says a check that fails from the first round', async () => {
    const changes: string[] = [];
    const probe = new ReadinessProbe([{ name: 'github', check: () => Promise.reject(new Error('401')) }], {
      onChange: (name) => changes.push(name),
    });
    await probe.refresh();
    await probe.refresh();
    expect(changes).toEqual(['github']);
  });

  it('asks again every maxAgeMs while watched, and stops when told', async () => {
    let calls = 0;
    const probe = new ReadinessProbe([{ name: 'github', check: async () => void (calls += 1) }], { maxAgeMs: 1000 });
    const unwatch = probe.watch();
    while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    unwatch();
    await probe.settled();
    const watched = calls;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(calls).toBe(watched);
  });
});
