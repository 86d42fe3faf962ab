import type { Config } from '../../config/schema.js';
import type { BuildManifest } from '../../domain/build-manifest.js';
import type { Finding, Severity } from '../../domain/finding.js';
import type { ParseResult } from '../../domain/serial.js';
import type { RefState } from '../../domain/state.js';
import type { ServerFacts } from '../types.js';

/** A build manifest as given: where it came from, and what it says or why it cannot be read. */
export interface ManifestInput {
  /** The URL or file it was read from, for messages and findings. */
  source: string;
  manifest: ParseResult<BuildManifest>;
}

/** What the release check judges: the tagged commit as a release. */
export interface ReleaseContext {
  tag: string;
  /** The tagged commit's state, its changelog included. */
  state: RefState;
  config: Config;
  manifest?: ManifestInput;
  /** Why the manifest the release names could not be read (not published yet, most often): build-manifest says so when skipped. */
  manifestUnavailable?: string;
  /** The previous release's manifest, to list what changed. */
  previous?: ManifestInput;
  /** Absent offline: rules that need the snapshot server are skipped. */
  facts?: ServerFacts;
  now: Date;
}

export interface ReleaseRule {
  id: string;
  /** Every severity the rule reports, worst first. */
  severities: readonly Severity[];
  description: string;
  needsServer?: boolean;
  /** Skipped, and said so, when no build manifest was given. */
  needsManifest?: boolean;
  check(ctx: ReleaseContext): Finding[];
}
