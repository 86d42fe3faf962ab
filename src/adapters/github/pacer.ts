import type { RateLimitPolicy } from './rate-limit-policy.js';
import { TokenBucket, type Clock } from './token-bucket.js';

/** Paces requests per key (an installation): `take` resolves when the next request of that key may go. */
export interface Pacer {
  take(key: string): Promise<void>;
}

/** A TokenBucket per key, in this process: the pace holds for one replica only. */
export class MemoryPacer implements Pacer {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly policy: Pick<RateLimitPolicy, 'burst' | 'intervalMs'>,
    private readonly clock: Clock,
  ) {}

  take(key: string): Promise<void> {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.policy.burst, this.policy.intervalMs, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }
}
