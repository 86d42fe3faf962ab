import { compareFindings } from '../../domain/finding.js';
import { conclude, OFFLINE, runRules, unansweredLookups, type Verdict } from '../judge.js';
import { buildManifest } from './build-manifest.js';
import { releaseOverlays } from './overlays.js';
import { releaseFrozen } from './release-frozen.js';
import { releaseTag } from './release-tag.js';
import { snapshotsAvailable } from './snapshots-available.js';
import type { ReleaseContext, ReleaseRule } from './types.js';

/** The rules of the release check, in the order their findings are worked out. */
export const RELEASE_RULES: readonly ReleaseRule[] = [
  releaseTag,
  releaseOverlays,
  releaseFrozen,
  snapshotsAvailable,
  buildManifest,
];

/** Runs every release rule, as judge() runs the branch rules. */
export function judgeRelease(ctx: ReleaseContext, rules: readonly ReleaseRule[] = RELEASE_RULES): Verdict {
  const { findings, skipped } = runRules(rules, ctx, (rule) =>
    rule.needsServer && !ctx.facts
      ? OFFLINE
      : rule.needsManifest && !ctx.manifest
        ? ctx.manifestUnavailable === undefined
          ? 'no build manifest was given'
          : `the build manifest could not be read: ${ctx.manifestUnavailable}`
        : undefined,
  );
  findings.sort(compareFindings);
  const unanswered = unansweredLookups(ctx.facts);
  return { conclusion: conclude(findings, unanswered), findings, skipped, unanswered };
}
