import type { WebhookOutcome } from './metrics.js';

export interface NotedOutcome {
  outcome: Extract<WebhookOutcome, 'ignored' | 'gone'>;
  reason: string;
}

/**
 * What a handler decided about a delivery that still ended well (left
 * alone, or about something GitHub no longer has), kept until the server
 * writes the delivery's one log line. Without it the handler would log a
 * line of its own beside the server's.
 */
export class DeliveryOutcomes {
  private readonly notes = new Map<string, NotedOutcome>();

  readonly note = (delivery: string, outcome: NotedOutcome['outcome'], reason: string): void => {
    this.notes.set(delivery, { outcome, reason });
  };

  /** The note for a delivery, forgotten once read. */
  take(delivery: string): NotedOutcome | undefined {
    const note = this.notes.get(delivery);
    this.notes.delete(delivery);
    return note;
  }
}
