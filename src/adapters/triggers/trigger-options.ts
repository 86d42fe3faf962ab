import type { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where adapters report what the caller cannot see (a retry, a queue item they stopped following). Probot's logger fits. */
export interface TriggerLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** What tests replace; production uses the defaults. */
export interface TriggerOptions {
  fetch?: typeof fetch;
  /** Waits before a retry and between polls of a Jenkins queue item. */
  sleep?: (ms: number) => Promise<void>;
  /** A monotonic clock in milliseconds, for the Jenkins queue deadline. */
  now?: () => number;
  spawn?: typeof spawn;
  log?: TriggerLogger;
}

export type ResolvedOptions = Required<Omit<TriggerOptions, 'spawn'>>;

const silent: TriggerLogger = { info: () => undefined, warn: () => undefined };

export function resolveOptions(options: TriggerOptions): ResolvedOptions {
  return {
    fetch: options.fetch ?? fetch,
    sleep: options.sleep ?? ((ms) => sleep(ms)),
    now: options.now ?? (() => performance.now()),
    log: options.log ?? silent,
  };
}
