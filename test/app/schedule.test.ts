import { Schedule } from '../../src/app/schedule.js';
import { FakeTimers } from '../helpers/fake-timers.js';
import { settle } from '../helpers/manual-clock.js';
import { captureLog } from '../helpers/probot-app.js';

interface Logged {
  level: number;
  msg: string;
  schedule?: string;
  err?: unknown;
}
const WARN = 40;
const INFO = 30;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A run that counts its starts and overlaps, and, while `hold` is set, waits for the test to let it end. */
class Work {
  started = 0;
  ended = 0;
  running = 0;
  mostAtOnce = 0;
  hold: { promise: Promise<void>; resolve: () => void } | undefined;
  during: (() => void) | undefined;

  run = async (): Promise<void> => {
    this.started += 1;
    this.running += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    this.during?.();
    try {
      if (this.hold) await this.hold.promise;
    } finally {
      this.running -= 1;
      this.ended += 1;
    }
  };
}

describe('Schedule', () => {
  let timers: FakeTimers;
  let work: Work;
  let log: ReturnType<typeof captureLog>;
  const logged = (): Logged[] =>
    log
      .text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Logged);
  const schedule = (options: { intervalMs?: number; firstDelayMs?: number; run?: () => Promise<void> } = {}) =>
    new Schedule({
      timers,
      intervalMs: options.intervalMs ?? 6000,
      firstDelayMs: options.firstDelayMs ?? 500,
      run: options.run ?? work.run,
      log: log.logger,
      name: 'expiry watch',
    });

  beforeEach(() => {
    timers = new FakeTimers();
    work = new Work();
    log = captureLog();
  });

  it('runs first after firstDelayMs, then intervalMs after each run ends', async () => {
    const watch = schedule();
    watch.start();

    expect(timers.pending).toEqual([500]);
    expect(work.started).toBe(0);
    await timers.fire();
    expect(work.ended).toBe(1);
    expect(timers.pending).toEqual([6000]);
    await timers.fire();
    expect(work.ended).toBe(2);
    expect(timers.pending).toEqual([6000]);
  });

  it('arms the next run only once a run slower than the interval ends, so runs never pile up', async () => {
    const watch = schedule({ intervalMs: 10 });
    watch.start();
    work.hold = deferred();

    const first = timers.fire();
    await settle();
    expect(work.running).toBe(1);
    expect(timers.pending).toEqual([]);
    work.hold.resolve();
    await first;

    expect(timers.pending).toEqual([10]);
  });

  it.each([0, -1])(
    'never runs on its own with an interval of %d, says so once, and still runs on request',
    async (ms) => {
      const watch = schedule({ intervalMs: ms });
      watch.start();
      watch.start();

      expect(timers.pending).toEqual([]);
      expect(logged()).toEqual([
        expect.objectContaining({
          level: INFO,
          schedule: 'expiry watch',
          msg: `expiry watch: off (an interval of ${ms} ms)`,
        }),
      ]);
      await watch.runNow();
      expect(work.ended).toBe(1);
      expect(timers.pending).toEqual([]);
    },
  );

  it('does not arm again when started twice', () => {
    const watch = schedule();
    watch.start();
    watch.start();

    expect(timers.pending).toEqual([500]);
  });

  it('on stop, cancels the pending run', async () => {
    const watch = schedule();
    watch.start();

    await watch.stop();

    expect(timers.pending).toEqual([]);
    await watch.runNow();
    watch.start();
    expect(work.started).toBe(0);
    expect(timers.pending).toEqual([]);
  });

  it('on stop during a run, waits for the run to end, drops the run requested meanwhile, and arms nothing', async () => {
    const watch = schedule();
    watch.start();
    work.hold = deferred();
    const fired = timers.fire();
    await settle();
    const requested = watch.runNow();

    let stopped = false;
    const stopping = watch.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    work.hold.resolve();
    await Promise.all([stopping, fired, requested]);

    expect(work.started).toBe(1);
    expect(work.running).toBe(0);
    expect(timers.pending).toEqual([]);
  });

  it('runs now on request, in place of the pending run, and arms the next intervalMs after it', async () => {
    const watch = schedule();
    watch.start();
    work.hold = deferred();

    const requested = watch.runNow();
    await settle();
    expect(timers.pending).toEqual([]);
    work.hold.resolve();
    await requested;

    expect(work.ended).toBe(1);
    expect(timers.pending).toEqual([6000]);
  });

  it('makes one more run after the current one however many requests came during it, and answers each once it ends', async () => {
    const watch = schedule();
    watch.start();
    work.hold = deferred();
    const first = watch.runNow();
    await settle();
    const answered: number[] = [];
    const requests = [1, 2, 3].map((n) => watch.runNow().then(() => answered.push(n)));
    await settle();
    expect(work.started).toBe(1);

    const firstHold = work.hold;
    work.hold = deferred();
    firstHold.resolve();
    await settle();
    expect(work.started).toBe(2);
    expect(answered).toEqual([]);
    work.hold.resolve();
    await Promise.all([first, ...requests]);

    expect(work.started).toBe(2);
    expect(answered).toEqual([1, 2, 3]);
    expect(work.mostAtOnce).toBe(1);
    expect(timers.pending).toEqual([6000]);
  });

  it('never overlaps runs: a run that asks for another at once gets it after itself', async () => {
    const watch = schedule();
    let asked = false;
    work.during = () => {
      if (asked) return;
      asked = true;
      void watch.runNow();
    };
    watch.start();

    await timers.fire();
    await settle();

    expect(work.ended).toBe(2);
    expect(work.mostAtOnce).toBe(1);
    expect(timers.pending).toEqual([6000]);
  });

  it('started during a requested run, arms one timer, intervalMs after that run ends', async () => {
    const watch = schedule();
    work.hold = deferred();
    const requested = watch.runNow();
    await settle();

    watch.start();
    expect(timers.pending).toEqual([]);
    work.hold.resolve();
    await requested;

    expect(timers.pending).toEqual([6000]);
  });

  it('logs a run that throws by its message only, and goes on', async () => {
    const secret = 'token ghs_secret in a request';
    const watch = schedule({
      run: async () => {
        work.started += 1;
        if (work.started === 1) throw new Error('the snapshot server did not answer', { cause: new Error(secret) });
      },
    });
    watch.start();

    await timers.fire();
    expect(timers.pending).toEqual([6000]);
    await expect(watch.runNow()).resolves.toBeUndefined();

    expect(work.started).toBe(2);
    const warnings = logged().filter((line) => line.level === WARN);
    expect(warnings).toEqual([
      expect.objectContaining({
        schedule: 'expiry watch',
        msg: 'expiry watch: the run failed; next run in 6000 ms',
        err: expect.objectContaining({ name: 'Error', message: 'the snapshot server did not answer' }),
      }),
    ]);
    expect(log.text()).not.toContain(secret);
  });

  it('logs a run that throws something other than an Error, and says nothing of a next run with the timer off', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const watch = schedule({ intervalMs: 0, run: () => Promise.reject('plain words') });

    await watch.runNow();

    expect(logged().filter((line) => line.level === WARN)).toEqual([
      expect.objectContaining({
        msg: 'expiry watch: the run failed',
        err: expect.objectContaining({ name: 'Error', message: 'plain words' }),
      }),
    ]);
  });

  it.each([
    [
      'an interval of NaN',
      { intervalMs: Number.NaN },
      'the schedule "expiry watch" needs intervalMs in milliseconds, up to 2147483647, not NaN',
    ],
    [
      'an infinite first delay',
      { firstDelayMs: Number.POSITIVE_INFINITY },
      'the schedule "expiry watch" needs firstDelayMs in milliseconds, up to 2147483647, not Infinity',
    ],
    [
      'an interval Node would fire at once',
      { intervalMs: 2 ** 31 },
      'the schedule "expiry watch" needs intervalMs in milliseconds, up to 2147483647, not 2147483648',
    ],
    [
      'a first delay below 0',
      { firstDelayMs: -5 },
      'the schedule "expiry watch" needs firstDelayMs to be 0 or more, not -5',
    ],
  ])('refuses %s, naming the field', (_what, options, message) => {
    expect(() => schedule(options)).toThrow(new RangeError(message));
  });
});
