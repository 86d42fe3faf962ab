import type { Timers } from '../../../src/app/follow-ups.js';
import { ReadinessWatch } from '../../../src/app/release/readiness-watch.js';

class Clock implements Timers {
  readonly pending = new Map<number, { run: () => Promise<void>; ms: number }>();
  private next = 1;
  setTimeout(run: () => Promise<void>, ms: number): unknown {
    this.pending.set(this.next, { run, ms });
    return this.next++;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  async fire(): Promise<number> {
    const [entry] = [...this.pending.entries()];
    if (!entry) throw new Error('nothing pending');
    this.pending.delete(entry[0]);
    await entry[1].run();
    return entry[1].ms;
  }
}

describe('ReadinessWatch', () => {
  const plan = { firstMs: 60_000, maxMs: 240_000, giveUpMs: 600_000 };

  it('polls with a doubling wait up to the longest, then gives up, saying so once', async () => {
    const clock = new Clock();
    const logged: string[] = [];
    const watch = new ReadinessWatch(clock, (m) => logged.push(m));
    const events: string[] = [];
    watch.watch('tails 4.19-rc1', plan, {
      ready: async () => false,
      onReady: async () => void events.push('ready'),
      onGiveUp: async () => void events.push('gave up'),
    });
    const waits: number[] = [];
    while (clock.pending.size > 0) waits.push(await clock.fire());
    // 60 + 120 + 240 + 180 = 600 s: the last wait stops at the limit.
    expect(waits).toEqual([60_000, 120_000, 240_000, 180_000]);
    expect(events).toEqual(['gave up']);
    expect(watch.has('tails 4.19-rc1')).toBe(false);
    expect(logged).toEqual([]);
  });

  it('starts the job when the images are out, and watches a key once however often asked', async () => {
    const clock = new Clock();
    const watch = new ReadinessWatch(clock, () => undefined);
    let answers = [false, true];
    const events: string[] = [];
    const task = {
      ready: async () => answers.shift() ?? false,
      onReady: async () => void events.push('ready'),
      onGiveUp: async () => void events.push('gave up'),
    };
    watch.watch('k', plan, task);
    watch.watch('k', plan, task);
    expect(clock.pending.size).toBe(1);
    await clock.fire();
    await clock.fire();
    expect(events).toEqual(['ready']);
    expect(clock.pending.size).toBe(0);
    answers = [];
  });

  it('keeps polling when asking fails, and stops when cancelled', async () => {
    const clock = new Clock();
    const logged: string[] = [];
    const watch = new ReadinessWatch(clock, (m) => logged.push(m));
    watch.watch('k', plan, {
      ready: async () => {
        throw new Error('connection refused');
      },
      onReady: async () => undefined,
      onGiveUp: async () => undefined,
    });
    await clock.fire();
    expect(logged).toEqual(['readiness of k could not be told; polling again']);
    expect(clock.pending.size).toBe(1);
    watch.cancel('k');
    expect(clock.pending.size).toBe(0);
    expect(watch.has('k')).toBe(false);
  });

  it('polls again when acting fails, unless acting watched anew', async () => {
    const clock = new Clock();
    const logged: string[] = [];
    const watch = new ReadinessWatch(clock, (m) => logged.push(m));
    let failures = 1;
    const events: string[] = [];
    watch.watch('k', plan, {
      ready: async () => true,
      onReady: async () => {
        if (failures-- > 0) throw new Error('GitHub answered 502');
        events.push('started');
      },
      onGiveUp: async () => void events.push('gave up'),
    });
    await clock.fire();
    expect(logged).toEqual(['acting on k failed; polling again']);
    expect(clock.pending.size).toBe(1);
    expect(await clock.fire()).toBe(120_000);
    expect(events).toEqual(['started']);
    expect(clock.pending.size).toBe(0);

    const rewatching = new ReadinessWatch(clock, () => undefined);
    const task = {
      ready: async () => true,
      onReady: async () => {
        rewatching.watch('k', plan, { ...task, onReady: async () => undefined });
        throw new Error('still waiting for the manifest');
      },
      onGiveUp: async () => undefined,
    };
    rewatching.watch('k', plan, task);
    await clock.fire();
    expect(clock.pending.size).toBe(1);
  });

  it('lets a poll in flight when its watch is cancelled, or replaced, do nothing', async () => {
    const clock = new Clock();
    const watch = new ReadinessWatch(clock, () => undefined);
    const events: string[] = [];
    let answer: (ready: boolean) => void = () => undefined;
    watch.watch('k', plan, {
      ready: () => new Promise<boolean>((resolve) => (answer = resolve)),
      onReady: async () => void events.push('old acted'),
      onGiveUp: async () => void events.push('old gave up'),
    });
    const firing = clock.fire();
    watch.cancel('k');
    watch.watch('k', plan, {
      ready: async () => false,
      onReady: async () => void events.push('new acted'),
      onGiveUp: async () => void events.push('new gave up'),
    });
    answer(true);
    await firing;
    expect(events).toEqual([]);
    expect(clock.pending.size).toBe(1);
    expect(watch.has('k')).toBe(true);
  });

  it('goes on from where it was when acting watches the key again, and gives up at the limit', async () => {
    const clock = new Clock();
    const watch = new ReadinessWatch(clock, () => undefined);
    const events: string[] = [];
    const task = {
      ready: async () => true,
      // The URL answers, but acting finds the job must wait again (a manifest that cannot be read).
      onReady: async () => {
        events.push('acted');
        watch.watch('k', plan, task);
      },
      onGiveUp: async () => void events.push('gave up'),
    };
    watch.watch('k', plan, task);
    const waits: number[] = [];
    while (clock.pending.size > 0) waits.push(await clock.fire());
    expect(waits).toEqual([60_000, 120_000, 240_000, 180_000, 0]);
    expect(events).toEqual(['acted', 'acted', 'acted', 'acted', 'gave up']);
  });
});
