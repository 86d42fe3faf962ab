import { compareFindings, type Finding } from '../../domain/finding.js';
import { errorMessage } from '../../errors.js';
import { conclude, unansweredLookups, type Verdict } from '../judge.js';
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

/** Runs every release rule; one that throws fails closed, as in judge(). */
export function judgeRelease(ctx: ReleaseContext, rules: readonly ReleaseRule[] = RELEASE_RULES): Verdict {
  const findings: Finding[] = [];
  const skipped: Verdict['skipped'] = [];
  for (const rule of rules) {
    if (rule.needsServer && !ctx.facts) {
      skipped.push({ rule: rule.id, reason: 'needs the snapshot server (offline)' });
      continue;
    }
    if (rule.needsManifest && !ctx.manifest) {
      skipped.push({ rule: rule.id, reason: 'no build manifest was given' });
      continue;
    }
    try {
      findings.push(...rule.check(ctx));
    } catch (error) {
      findings.push({
        rule: rule.id,
        severity: 'error',
        path: '.',
        message: `rule ${rule.id} could not decide: ${errorMessage(error)}`,
      });
    }
  }
  findings.sort(compareFindings);
  const unanswered = unansweredLookups(ctx.facts);
  return { conclusion: conclude(findings, unanswered), findings, skipped, unanswered };
}
