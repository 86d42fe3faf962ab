/** Time as the rate-limit code sees it; tests pass one that advances without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Lets `capacity` takes through at once, then one every `intervalMs`, in
 * the order they were asked for: a burst goes out without waiting and a
 * long run settles to the steady rate.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly capacity: number,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {
    this.tokens = capacity;
    this.updatedAt = clock.now();
  }

  /** Resolves when the caller may go: at once while tokens are left, else when the next one is due. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.acquire());
    this.queue = turn;
    return turn;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) / this.intervalMs);
    this.updatedAt = now;
  }

  private async acquire(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await this.clock.sleep(Math.ceil((1 - this.tokens) * this.intervalMs));
      this.refill();
    }
    this.tokens = Math.max(0, this.tokens - 1);
  }
}
