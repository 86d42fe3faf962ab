/**
 * Serialises work on one key: two webhooks about the same thing (a
 * redelivery racing the original, two pushes a second apart) must not
 * both find nothing done and both do it.
 */
export interface Locks {
  /**
   * Runs `task` while no other task of `key` runs, within this process and,
   * for a shared implementation, within every process that shares it; tasks
   * of different keys run alongside. Tasks of one process run in the order
   * they were asked for. Resolves or rejects as the task did.
   * @throws Error, without running the task, when the lock cannot be held
   *   (it stayed taken too long, or the store that keeps it failed): the
   *   task never runs unguarded.
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}
