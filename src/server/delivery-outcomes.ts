import type { WebhookOutcome } from './metrics.js';

export interface NotedOutcome {
  outcome: Extract<WebhookOutcome, 'ignored' | 'gone' | 'failed'>;
  reason: string;
}

const SEVERITY: Record<NotedOutcome['outcome'], number> = { ignored: 0, gone: 1, failed: 2 };

interface Slot {
  note?: NotedOutcome;
}

/**
 * What a handler decided about a delivery (left alone, about something
 * GitHub no longer has, or failed), kept until the server writes the
 * delivery's one log line. Without it the handler would log a line of its
 * own beside the server's. A delivery's slot is found by its payload
 * object, which Probot hands to the handler as it got it: not by its
 * delivery id, since GitHub redelivers with the same id and a redelivery
 * may run while the original still does; and not through
 * AsyncLocalStorage, which on Node 20 runs promise hooks on every promise
 * of every handler.
 */
export class DeliveryOutcomes {
  private readonly slots = new WeakMap<object, Slot>();

  /**
   * Records the outcome of the delivery whose payload this is, keeping the
   * worst one noted (failed, then gone, then ignored). False when no
   * delivery is being tracked with it: nothing took the note, so the
   * caller must say it itself.
   */
  readonly note = (payload: unknown, outcome: NotedOutcome['outcome'], reason: string): boolean => {
    const slot = typeof payload === 'object' && payload !== null ? this.slots.get(payload) : undefined;
    if (!slot) return false;
    if (!slot.note || SEVERITY[outcome] >= SEVERITY[slot.note.outcome]) slot.note = { outcome, reason };
    return true;
  };

  /** Runs a delivery's handling, and gives what it noted with how it ended. */
  async track(payload: unknown, handling: () => Promise<void>): Promise<NotedOutcome | undefined> {
    if (typeof payload !== 'object' || payload === null) {
      await handling();
      return undefined;
    }
    const slot: Slot = {};
    this.slots.set(payload, slot);
    try {
      await handling();
    } finally {
      this.slots.delete(payload);
    }
    return slot.note;
  }
}
