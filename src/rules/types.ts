import type { Config } from '../config/schema.js';
import type { Finding, Severity } from '../domain/finding.js';
import type { RefState } from '../domain/state.js';

/** `missing`: the server answered that it has no such snapshot (HTTP 404 or 410), rather than not answering. */
export type Expiry = { ok: true; validUntil: Date | null } | { ok: false; error: string; missing?: true };

/** What the snapshot server told us, gathered before judging. */
export interface ServerFacts {
  /** Keyed by `${origin}/${serial}` for every pinned serial that was looked up. */
  expiries: ReadonlyMap<string, Expiry>;
}

export interface RuleContext {
  /** The branch the state is judged as (not necessarily the name in config/base_branch). */
  branch: string;
  state: RefState;
  /**
   * The base to compare with and its state: a topic branch's (named in
   * config/base_branch), or a pull request's, whatever its head; `forkPoint`, when known, is the state where the branch forked from it (their
   * merge base): what the base changed since then is not the branch's doing.
   */
  base?: { branch: string; state: RefState; forkPoint?: RefState };
  /** The state before a push, when judging a push. */
  before?: RefState;
  config: Config;
  /** Absent offline: rules that need it are skipped. */
  facts?: ServerFacts;
  now: Date;
}

export interface Rule {
  /** Stable: used in output, configuration and documentation. */
  id: string;
  /**
   * Every severity the rule reports, worst first: `check --help` and the
   * README's rules table list exactly these (a test holds the README to them,
   * and every rule's findings to its list).
   */
  severities: readonly [Severity, ...Severity[]];
  /** One line for documentation and `--help`. */
  description: string;
  /** Rules that need the snapshot server are skipped offline. */
  needsServer?: boolean;
  check(ctx: RuleContext): Finding[];
}

export function expiryKey(origin: string, serial: string): string {
  return `${origin}/${serial}`;
}
