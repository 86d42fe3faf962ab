import { AsyncLocalStorage } from 'node:async_hooks';
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
 * delivery's one log line. Without it the handler would log a
 * line of its own beside the server's. Each delivery gets a slot of its
 * own through the async context it runs in, not by its delivery id:
 * GitHub redelivers with the same id, and a redelivery may run while the
 * original still does.
 */
export class DeliveryOutcomes {
  private readonly slots = new AsyncLocalStorage<Slot>();

  /**
   * Records the outcome of the delivery whose handling is running, keeping
   * the worst one noted (failed, then gone, then ignored). False outside a
   * delivery's handling: nothing took the note, so the caller must say it
   * itself.
   */
  readonly note = (outcome: NotedOutcome['outcome'], reason: string): boolean => {
    const slot = this.slots.getStore();
    if (!slot) return false;
    if (!slot.note || SEVERITY[outcome] >= SEVERITY[slot.note.outcome]) slot.note = { outcome, reason };
    return true;
  };

  /** Runs a delivery's handling, and gives what it noted with how it ended. */
  async track(handling: () => Promise<void>): Promise<NotedOutcome | undefined> {
    const slot: Slot = {};
    await this.slots.run(slot, handling);
    return slot.note;
  }
}
