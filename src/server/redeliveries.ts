/** How long a delivery is remembered: GitLab's "Resend request" is used within hours, not days. */
export const REDELIVERY_TTL_MS = 24 * 60 * 60 * 1000;

/** The longest delivery id kept: GitLab's are UUIDs; a longer one is no id of GitLab's. */
export const MAX_DELIVERY_ID = 100;

/**
 * The deliveries already received, to handle each GitLab event once
 * however often it comes (a "Resend request", a proxy that retries).
 */
export interface Redeliveries {
  /** True the first time `id` is seen within the period, and from then on false; rejects when it cannot tell. */
  firstTime(id: string): Promise<boolean>;
  /** Forgets `id`, so that a delivery whose handling failed is handled when it comes again. */
  forget(id: string): Promise<void>;
}

/** Why `id` cannot be a delivery id, or undefined. */
export function deliveryIdError(id: string): RangeError | undefined {
  if (id === '' || id.length > MAX_DELIVERY_ID)
    return new RangeError(`a delivery id has 1 to ${MAX_DELIVERY_ID} characters, not ${id.length}`);
  return undefined;
}

export interface MemoryRedeliveriesOptions {
  /** At most this many ids are kept; the oldest go first. */
  maxEntries?: number;
  ttlMs?: number;
  /** Milliseconds, increasing; tests pass a clock of their own. */
  now?: () => number;
}

/**
 * The deliveries one process received: enough for a single replica.
 * Bounded, so that a flood of deliveries costs memory no longer than it
 * costs the oldest ids, which GitLab no longer resends by then.
 */
export class MemoryRedeliveries implements Redeliveries {
  /** Ids by when they expire, oldest first (insertion order, since the period is one for all). */
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: MemoryRedeliveriesOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? REDELIVERY_TTL_MS;
    this.now = options.now ?? (() => performance.now());
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError(`maxEntries must be a whole number above 0, not ${this.maxEntries}`);
    if (!Number.isSafeInteger(this.ttlMs) || this.ttlMs < 1)
      throw new RangeError(`ttlMs must be a whole number of milliseconds above 0, not ${this.ttlMs}`);
  }

  firstTime(id: string): Promise<boolean> {
    const invalid = deliveryIdError(id);
    if (invalid) return Promise.reject(invalid);
    const now = this.now();
    this.expire(now);
    if (this.seen.has(id)) return Promise.resolve(false);
    this.seen.set(id, now + this.ttlMs);
    for (const oldest of this.seen.keys()) {
      if (this.seen.size <= this.maxEntries) break;
      this.seen.delete(oldest);
    }
    return Promise.resolve(true);
  }

  forget(id: string): Promise<void> {
    this.seen.delete(id);
    return Promise.resolve();
  }

  private expire(now: number): void {
    for (const [id, expires] of this.seen) {
      if (expires > now) return;
      this.seen.delete(id);
    }
  }
}
