import type { Clock } from '../../src/adapters/github/token-bucket.js';

/**
 * A clock that moves only when the test says so: `sleep` resolves once
 * `advance` has moved the time past its end. `slept` lists every sleep
 * asked for, in milliseconds.
 */
export class ManualClock implements Clock {
  readonly slept: number[] = [];
  private time: number;
  private sleepers: { until: number; wake: () => void }[] = [];

  constructor(start = Date.UTC(2021, 4, 14)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return new Promise((wake) => this.sleepers.push({ until: this.time + ms, wake }));
  }

  /** Sleeps not yet over. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Moves the time on by `ms`, waking the sleeps that end by then, and lets what they resume run. */
  async advance(ms: number): Promise<void> {
    this.time += ms;
    const due = this.sleepers.filter((s) => s.until <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.until > this.time);
    for (const sleeper of due) sleeper.wake();
    await settle();
  }
}

/**
 * A clock whose sleeps end at once, moving the time on by their length:
 * code that waits runs through without the test waiting.
 */
export class SkippingClock implements Clock {
  readonly slept: number[] = [];
  private time: number;

  constructor(start = Date.UTC(2021, 4, 14)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
