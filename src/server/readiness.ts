/** One thing the app needs to do its work, asked whether it answers. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answered as it should; rejects saying what failed (never a secret). */
  check(): Promise<void>;
}

export interface CheckResult {
  ok: boolean;
  error?: string;
}

export interface Readiness {
  ready: boolean;
  /** When the checks last finished (ISO 8601); null before the first round ends. */
  checkedAt: string | null;
  checks: Record<string, CheckResult>;
}

export interface ReadinessOptions {
  /** How old a result may be before the next request starts a new round. */
  maxAgeMs?: number;
  /** How long one check may take before it counts as failed. */
  timeoutMs?: number;
  now?: () => number;
  /** Told when a check fails for the first time in a row, and when it passes again: the log's lines. */
  onChange?: (name: string, result: CheckResult) => void;
}

function withTimeout(promise: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * GET /readyz answers from the last round of checks, at once, and starts
 * a new round in the background when that one is older than `maxAgeMs`.
 * A monitor polling every few seconds therefore never waits on GitHub nor
 * makes the app ask GitHub more than once a minute, and one slow
 * dependency never makes the probe itself time out.
 */
export class ReadinessProbe {
  private last: Readiness = { ready: false, checkedAt: null, checks: {} };
  private lastAt: number | undefined;
  private round: Promise<void> | undefined;
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly onChange: (name: string, result: CheckResult) => void;

  constructor(
    private readonly checks: readonly ReadinessCheck[],
    options: ReadinessOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.onChange = options.onChange ?? (() => {});
  }

  /** The last result, starting a new round when it is stale. */
  current(): Readiness {
    if (this.lastAt === undefined || this.now() - this.lastAt >= this.maxAgeMs) void this.refresh();
    return this.last;
  }

  /**
   * Runs a round every `maxAgeMs` (a second at least) until the returned
   * function is called, so that a dependency going away shows in the log
   * within a minute even when nobody asks /readyz.
   */
  watch(): () => void {
    const timer = setInterval(() => void this.refresh(), Math.max(this.maxAgeMs, 1000));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Resolves once no round runs, so that a server stops with nothing of its own still asking. */
  async settled(): Promise<void> {
    await this.round;
  }

  /** Runs every check once; concurrent callers share the round under way. */
  refresh(): Promise<void> {
    this.round ??= this.runRound().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  private async runRound(): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async (dependency): Promise<[string, CheckResult]> => {
        const { name } = dependency;
        try {
          await withTimeout(dependency.check(), this.timeoutMs, name);
          return [name, { ok: true }];
        } catch (error) {
          return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }];
        }
      }),
    );
    for (const [name, result] of results) {
      const before = this.last.checks[name];
      // A first round that passes is no news; one that fails is, as is every change after.
      if (before ? before.ok !== result.ok : !result.ok) this.onChange(name, result);
    }
    this.lastAt = this.now();
    this.last = {
      ready: results.every(([, result]) => result.ok),
      checkedAt: new Date(this.lastAt).toISOString(),
      checks: Object.fromEntries(results),
    };
  }
}
