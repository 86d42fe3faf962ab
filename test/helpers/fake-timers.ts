import type { Timers } from '../../src/app/follow-ups.js';

interface Scheduled {
  ms: number;
  run: () => Promise<void>;
}

/** Timers that run nothing until the test fires them. */
export class FakeTimers implements Timers {
  private readonly scheduled = new Map<number, Scheduled>();
  private next = 0;

  setTimeout(run: () => Promise<void>, ms: number): number {
    this.next += 1;
    this.scheduled.set(this.next, { ms, run });
    return this.next;
  }

  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  /** The delays of the timers still pending, oldest first. */
  get pending(): number[] {
    return [...this.scheduled.values()].map((s) => s.ms);
  }

  /** Fires the oldest pending timer and waits for what it runs. */
  async fire(): Promise<void> {
    const [first] = this.scheduled;
    if (!first) throw new Error('no timer is pending');
    this.scheduled.delete(first[0]);
    await first[1].run();
  }
}
