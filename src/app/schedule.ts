import { describeForLog } from '../errors.js';
import type { Logger } from 'probot';
import type { Timers } from './follow-ups.js';

/** Node fires a longer timer at once (TimeoutOverflowWarning): a long interval would become a busy loop. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface ScheduleOptions {
  timers: Timers;
  /** From the end of one run to the start of the next; 0 or less turns the timer off. */
  intervalMs: number;
  /** From start() to the first run: lets the server settle before the first round of requests. */
  firstDelayMs: number;
  /** The work; what it throws is logged, and the schedule goes on. */
  run: () => Promise<void>;
  log: Pick<Logger, 'warn' | 'info' | 'debug'>;
  /** Names the schedule in its logs. */
  name: string;
}

/**
 * Work done on a timer within this process, and on request. The next run
 * is armed intervalMs after a run ends, not after it starts, so runs
 * slower than the interval never pile up; and runs never overlap.
 * Across replicas, the work itself claims its round (RunOnce).
 */
export class Schedule {
  private readonly timers: Timers;
  private readonly intervalMs: number;
  private readonly firstDelayMs: number;
  private readonly work: () => Promise<void>;
  private readonly log: Pick<Logger, 'warn' | 'info' | 'debug'>;
  private readonly name: string;
  private started = false;
  private stopped = false;
  private timer: { handle: unknown } | undefined;
  /** The runs in progress, from the first to the last one requested meanwhile. */
  private running: Promise<void> | undefined;
  private requestedAgain = false;

  /** @throws RangeError when a delay is not a number of milliseconds a timer can wait, or firstDelayMs is below 0 */
  constructor(options: ScheduleOptions) {
    for (const [field, ms] of [
      ['intervalMs', options.intervalMs],
      ['firstDelayMs', options.firstDelayMs],
    ] as const)
      if (!Number.isFinite(ms) || ms > LONGEST_TIMER_MS)
        throw new RangeError(
          `the schedule "${options.name}" needs ${field} in milliseconds, up to ${LONGEST_TIMER_MS}, not ${ms}`,
        );
    if (options.firstDelayMs < 0)
      throw new RangeError(
        `the schedule "${options.name}" needs firstDelayMs to be 0 or more, not ${options.firstDelayMs}`,
      );
    this.timers = options.timers;
    this.intervalMs = options.intervalMs;
    this.firstDelayMs = options.firstDelayMs;
    this.work = options.run;
    this.log = options.log;
    this.name = options.name;
  }

  /** Arms the first run after firstDelayMs; with intervalMs 0 or less, says once that the timer is off. Starting again does nothing. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (!this.timed) {
      this.log.info({ schedule: this.name }, `${this.name}: off (an interval of ${this.intervalMs} ms)`);
      return;
    }
    // A run already in progress (requested before start) arms the next one when it ends.
    if (!this.running) this.arm(this.firstDelayMs);
  }

  /** Cancels the pending run, drops a requested one, and waits for a run in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.disarm();
    await this.running;
  }

  /**
   * Runs now (the timer's runs start here too), even with the timer off;
   * never two at once: a request during a run makes one more run
   * right after it, however many requests came, and resolves when that
   * run ends. Never rejects. After stop(), does nothing.
   */
  runNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.requestedAgain = true;
      return this.running;
    }
    this.disarm();
    this.running = this.runUntilNoneRequested();
    return this.running;
  }

  private get timed(): boolean {
    return this.intervalMs > 0;
  }

  private async runUntilNoneRequested(): Promise<void> {
    // The first run starts once `running` is set: a run that asks for another at once then gets one after it, not beside it.
    await Promise.resolve();
    try {
      do {
        this.requestedAgain = false;
        await this.runOnce();
      } while (this.requestedAgain && !this.stopped);
    } finally {
      // Cleared here rather than after the promise settles, so that a request in between is not lost to a loop that ended.
      this.running = undefined;
    }
    if (this.started && !this.stopped && this.timed) this.arm(this.intervalMs);
  }

  private async runOnce(): Promise<void> {
    this.log.debug({ schedule: this.name }, `${this.name}: running`);
    try {
      await this.work();
    } catch (error) {
      const next = this.timed ? `; next run in ${this.intervalMs} ms` : '';
      this.log.warn({ schedule: this.name, err: describeForLog(error) }, `${this.name}: the run failed${next}`);
    }
  }

  private arm(ms: number): void {
    this.disarm();
    const timer = {
      handle: this.timers.setTimeout(() => {
        if (this.timer === timer) this.timer = undefined;
        return this.runNow();
      }, ms),
    };
    this.timer = timer;
    this.log.debug({ schedule: this.name }, `${this.name}: next run in ${ms} ms`);
  }

  private disarm(): void {
    if (!this.timer) return;
    this.timers.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }
}
