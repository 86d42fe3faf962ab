import type { Timers } from '../follow-ups.js';

export interface WatchPlan {
  /** First wait, then doubled up to `maxMs`. */
  firstMs: number;
  maxMs: number;
  /** Stop after this long without a 200. */
  giveUpMs: number;
}

export interface WatchTask {
  /** Whether the released images are there now. */
  ready(): Promise<boolean>;
  /** They are: start the job. */
  onReady(): Promise<void>;
  /** They never came: say so where a person looks. */
  onGiveUp(): Promise<void>;
}

/**
 * Polls, for each tag, whether its released images are in the ISO history,
 * with a doubling wait, in this process: one watch per key however many
 * webhooks ask for it. A restart forgets the watches; the job's check says
 * to comment `/apt-snapshots build-iuks TAG` then, and a re-run of that
 * check polls again.
 */
export class ReadinessWatch {
  private readonly watching = new Map<string, unknown>();

  constructor(
    private readonly timers: Timers,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  has(key: string): boolean {
    return this.watching.has(key);
  }

  watch(key: string, plan: WatchPlan, task: WatchTask): void {
    if (this.watching.has(key)) return;
    const poll = (delay: number, waited: number) => {
      this.watching.set(
        key,
        this.timers.setTimeout(async () => {
          const total = waited + delay;
          let ready = false;
          try {
            ready = await task.ready();
          } catch (error) {
            this.log(`readiness of ${key} could not be told; polling again`, error);
          }
          const next = () => poll(Math.min(delay * 2, plan.maxMs, plan.giveUpMs - total), total);
          if (ready) {
            this.watching.delete(key);
            try {
              await task.onReady();
            } catch (error) {
              // The job did not start (GitHub or the CI failed): the next poll tries again, unless onReady watches anew.
              this.log(`acting on ${key} failed; polling again`, error);
              if (!this.watching.has(key) && total < plan.giveUpMs) next();
            }
          } else if (total >= plan.giveUpMs) {
            this.watching.delete(key);
            try {
              await task.onGiveUp();
            } catch (error) {
              this.log(`giving up on ${key}`, error);
            }
          } else {
            next();
          }
        }, delay),
      );
    };
    poll(Math.min(plan.firstMs, plan.giveUpMs), 0);
  }

  /** Stops watching `key`: the job started some other way. */
  cancel(key: string): void {
    const handle = this.watching.get(key);
    if (handle === undefined) return;
    this.timers.clearTimeout(handle);
    this.watching.delete(key);
  }
}
