/**
 * Values keyed by object id, kept while their total weight (about their size
 * in bytes) stays under a budget, least recently used out first. Git objects
 * never change, so nothing here ever goes stale; the budget only bounds memory
 * when a long history holds many large blobs.
 */
export class ObjectCache<V> {
  private readonly values = new Map<string, { value: V; weight: number }>();
  private readonly loading = new Map<string, Promise<V>>();
  private total = 0;

  constructor(
    private readonly budget: number,
    private readonly weigh: (value: V) => number,
  ) {}

  /** The cached value, or the one `load` gives; concurrent calls for one key load once. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.values.get(key);
    if (hit) {
      this.values.delete(key);
      this.values.set(key, hit);
      return Promise.resolve(hit.value);
    }
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const promise = load().then(
      (value) => {
        this.loading.delete(key);
        this.set(key, value);
        return value;
      },
      (error: unknown) => {
        this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, promise);
    return promise;
  }

  set(key: string, value: V): void {
    const weight = this.weigh(value);
    const old = this.values.get(key);
    if (old) {
      this.total -= old.weight;
      this.values.delete(key);
    }
    if (weight > this.budget) return;
    this.values.set(key, { value, weight });
    this.total += weight;
    for (const [oldest, entry] of this.values) {
      if (this.total <= this.budget) break;
      this.values.delete(oldest);
      this.total -= entry.weight;
    }
  }
}
