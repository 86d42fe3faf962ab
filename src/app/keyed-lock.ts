import type { Locks } from '../ports/locks.js';

/**
 * Runs tasks one at a time per key, in arrival order. Two webhooks a second
 * apart (two pushes to devel, a redelivery racing the original) then ensure
 * the same check or branch one after the other instead of both creating it.
 * It only orders work inside one process: replicas share RedisLocks instead,
 * which queues each process's own work here first.
 */
export class KeyedLock implements Locks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      // Forget the key once nothing queued after us, so the map does not grow forever.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work running or queued; for tests. */
  get size(): number {
    return this.tails.size;
  }
}
