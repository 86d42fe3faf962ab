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
  /** The pending timer of each key, with the watch it belongs to: a poll in flight acts only while its watch stands. */
  private readonly watching = new Map<string, { handle: unknown; watch: object }>();
  /** What a watch had waited when it acted: a watch its action starts again for the key goes on from there. */
  private readonly spent = new Map<string, { waited: number; delay: number }>();

  constructor(
    private readonly timers: Timers,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  has(key: string): boolean {
    return this.watching.has(key);
  }

  watch(key: string, plan: WatchPlan, task: WatchTask): void {
    if (this.watching.has(key)) return;
    const watch = {};
    const current = () => this.watching.get(key)?.watch === watch;
    const poll = (delay: number, waited: number) => {
      const handle = this.timers.setTimeout(async () => {
        const total = waited + delay;
        let ready = false;
        try {
          ready = await task.ready();
        } catch (error) {
          this.log(`readiness of ${key} could not be told; polling again`, error);
        }
        // Cancelled, or replaced by another watch, while asking: this one is over.
        if (!current()) return;
        const next = () => poll(Math.min(delay * 2, plan.maxMs, plan.giveUpMs - total), total);
        if (ready) {
          this.watching.delete(key);
          this.spent.set(key, { waited: total, delay });
          try {
            await task.onReady();
          } catch (error) {
            // The job did not start (GitHub or the CI failed): the next poll tries again, unless onReady watches anew.
            this.log(`acting on ${key} failed; polling again`, error);
            if (!this.watching.has(key) && total < plan.giveUpMs) {
              this.watching.set(key, { handle: undefined, watch });
              next();
            }
          } finally {
            this.spent.delete(key);
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
      }, delay);
      this.watching.set(key, { handle, watch });
    };
    // A URL that answers but does not let the job start (a manifest that cannot be read) still gives up in time.
    const carried = this.spent.get(key);
    if (carried === undefined) poll(Math.min(plan.firstMs, plan.giveUpMs), 0);
    else if (carried.waited < plan.giveUpMs)
      poll(Math.min(carried.delay * 2, plan.maxMs, plan.giveUpMs - carried.waited), carried.waited);
    else this.giveUpNow(key, watch, task);
  }

  /** The time is up for a watch that acted and is asked again: it gives up without asking once more. */
  private giveUpNow(key: string, watch: object, task: WatchTask): void {
    const handle = this.timers.setTimeout(async () => {
      if (this.watching.get(key)?.watch !== watch) return;
      this.watching.delete(key);
      try {
        await task.onGiveUp();
      } catch (error) {
        this.log(`giving up on ${key}`, error);
      }
    }, 0);
    this.watching.set(key, { handle, watch });
  }

  /** Stops watching `key`: the job started some other way, or another URL is watched. */
  cancel(key: string): void {
    const entry = this.watching.get(key);
    if (entry === undefined) return;
    this.timers.clearTimeout(entry.handle);
    this.watching.delete(key);
  }
}
