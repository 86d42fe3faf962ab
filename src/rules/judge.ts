import { compareFindings, type Finding } from '../domain/finding.js';
import { errorMessage } from '../errors.js';
import { RULES } from './index.js';
import type { Rule, RuleContext } from './types.js';

export interface Verdict {
  conclusion: 'success' | 'failure';
  findings: Finding[];
  /** Rules that did not run, and why (offline). */
  skipped: { rule: string; reason: string }[];
}

/**
 * Runs every rule. A rule that throws fails closed: its crash becomes an
 * error finding rather than a silent pass.
 */
export function judge(ctx: RuleContext, rules: readonly Rule[] = RULES): Verdict {
  const findings: Finding[] = [];
  const skipped: Verdict['skipped'] = [];
  for (const rule of rules) {
    if (rule.needsServer && !ctx.facts) {
      skipped.push({ rule: rule.id, reason: 'needs the snapshot server (offline)' });
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
  return { conclusion: findings.some((f) => f.severity === 'error') ? 'failure' : 'success', findings, skipped };
}
