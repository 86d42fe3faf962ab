/** How long a delivery handled is remembered: GitLab's "Resend request" is used within hours, not days. */
export const REDELIVERY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a delivery claimed but neither handled nor forgotten blocks
 * resends: a replica that died mid-way never says how it ended. It
 * outlasts a handling as it goes on past the 202 (a wait of up to 15
 * minutes for a lock another holds, RedisLocks' maxWaitMs, then up to 7
 * for a rate limit, then its own work), but not one that waits for
 * several locks in a row. Past it, a resend is handled alongside, which
 * the handlers allow (replies are edited, statuses replaced), and a
 * claimer lets go of its own claim only (see forget).
 */
export const HANDLING_TTL_MS = 30 * 60 * 1000;

/** The longest delivery id kept: GitLab's are UUIDs; a longer one is no id of GitLab's. */
export const MAX_DELIVERY_ID = 100;

/**
 * Where a delivery stands: 'first' when this caller has just claimed it
 * (and must then say `handled` or `forget`), 'handling' while whoever
 * claimed it is at it, 'done' once handled.
 */
export type DeliveryState = 'first' | 'handling' | 'done';

/**
 * The deliveries received, to handle each GitLab event once however often
 * it comes (a "Resend request", a proxy that retries), and to tell a
 * resend arriving while the first is still being handled, anywhere.
 */
export interface Redeliveries {
  /**
   * Claims `id` for `token` (the claimer's own, random) when nobody holds
   * it, else says how it stands; rejects when it cannot tell.
   */
  claim(id: string, token: string): Promise<DeliveryState>;
  /** Marks `id` handled, remembered for REDELIVERY_TTL_MS. */
  handled(id: string): Promise<void>;
  /**
   * Lets `id` go when `token` still holds it, so that a delivery whose
   * handling failed is handled when it comes again; one handled meanwhile,
   * or claimed by another after this claim expired (a handling that ran
   * past HANDLING_TTL_MS), is left as it is.
   */
  forget(id: string, token: string): Promise<void>;
}

/** Why `id` cannot be a delivery id, or undefined. */
export function deliveryIdError(id: string): RangeError | undefined {
  if (id === '' || id.length > MAX_DELIVERY_ID)
    return new RangeError(`a delivery id has 1 to ${MAX_DELIVERY_ID} characters, not ${id.length}`);
  return undefined;
}

/** @throws RangeError naming `name` unless `ms` is a whole number of milliseconds above 0 */
export function checkPeriod(name: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 1)
    throw new RangeError(`${name} must be a whole number of milliseconds above 0, not ${ms}`);
}

export interface MemoryRedeliveriesOptions {
  /** At most this many ids are kept; the oldest go first. */
  maxEntries?: number;
  /** How long a delivery handled is remembered. */
  ttlMs?: number;
  /** How long a claim neither handled nor forgotten holds. */
  handlingTtlMs?: number;
  /** Milliseconds, increasing; tests pass a clock of their own. */
  now?: () => number;
}

interface Entry {
  state: 'handling' | 'done';
  expires: number;
  /** Who holds a claim. */
  token?: string;
}

/**
 * The deliveries one process received: enough for a single replica.
 * Bounded, so that a flood of deliveries costs memory no longer than it
 * costs the oldest ids, which GitLab no longer resends by then.
 */
export class MemoryRedeliveries implements Redeliveries {
  /** Ids oldest first: the bound drops from the front. */
  private readonly seen = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly handlingTtlMs: number;
  private readonly now: () => number;

  constructor(options: MemoryRedeliveriesOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? REDELIVERY_TTL_MS;
    this.handlingTtlMs = options.handlingTtlMs ?? HANDLING_TTL_MS;
    this.now = options.now ?? (() => performance.now());
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError(`maxEntries must be a whole number above 0, not ${this.maxEntries}`);
    checkPeriod('ttlMs', this.ttlMs);
    checkPeriod('handlingTtlMs', this.handlingTtlMs);
  }

  claim(id: string, token: string): Promise<DeliveryState> {
    const invalid = deliveryIdError(id);
    if (invalid) return Promise.reject(invalid);
    const now = this.now();
    const entry = this.current(id, now);
    if (entry) return Promise.resolve(entry.state);
    this.record(id, { state: 'handling', expires: now + this.handlingTtlMs, token });
    return Promise.resolve('first');
  }

  handled(id: string): Promise<void> {
    const invalid = deliveryIdError(id);
    if (invalid) return Promise.reject(invalid);
    this.record(id, { state: 'done', expires: this.now() + this.ttlMs });
    return Promise.resolve();
  }

  forget(id: string, token: string): Promise<void> {
    const entry = this.current(id, this.now());
    if (entry?.state === 'handling' && entry.token === token) this.seen.delete(id);
    return Promise.resolve();
  }

  /** The entry of `id` unless it has expired; expired ones at the front go too. */
  private current(id: string, now: number): Entry | undefined {
    // Claims expire sooner than deliveries handled, so the front is swept only up to the first one still live:
    // an expired entry behind it is told by its own expiry, and the bound keeps the map small meanwhile.
    for (const [oldest, entry] of this.seen) {
      if (entry.expires > now) break;
      this.seen.delete(oldest);
    }
    const entry = this.seen.get(id);
    if (entry === undefined || entry.expires > now) return entry;
    this.seen.delete(id);
    return undefined;
  }

  private record(id: string, entry: Entry): void {
    // Deleted first, so that it becomes the newest.
    this.seen.delete(id);
    this.seen.set(id, entry);
    for (const oldest of this.seen.keys()) {
      if (this.seen.size <= this.maxEntries) break;
      this.seen.delete(oldest);
    }
  }
}
