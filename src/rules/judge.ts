import { compareFindings, type Finding } from '../domain/finding.js';
import { errorMessage } from '../errors.js';
import { RULES } from './index.js';
import { settleFixes } from './settle-fixes.js';
import type { Rule, RuleContext, ServerFacts } from './types.js';

/**
 * `incomplete`: no error, but the snapshot server did not answer every
 * lookup, so a rule that needs it could not decide everything.
 */
export type Conclusion = 'success' | 'failure' | 'incomplete';

export interface Verdict {
  conclusion: Conclusion;
  findings: Finding[];
  /** Rules that did not run, and why (offline). */
  skipped: { rule: string; reason: string }[];
  /** The snapshot server's lookups that got no answer, e.g. "http://…/Release: connection refused". */
  unanswered: string[];
}

/** The lookups the server did not answer; a snapshot it says it lacks is an answer. */
export function unansweredLookups(facts: ServerFacts | undefined): string[] {
  if (!facts) return [];
  return [...facts.expiries.values()].flatMap((expiry) => (expiry.ok || expiry.missing ? [] : [expiry.error]));
}

/** An error fails; otherwise a judgement that lacks the server's answers is incomplete. */
export function conclude(findings: readonly Finding[], unanswered: readonly string[]): Conclusion {
  if (findings.some((f) => f.severity === 'error')) return 'failure';
  return unanswered.length > 0 ? 'incomplete' : 'success';
}

/**
 * Runs `rules`, but those `skipReason` gives a reason not to run. A rule
 * that throws fails closed: its crash becomes an error finding rather than
 * a silent pass.
 */
export function runRules<C, R extends { id: string; check(ctx: C): Finding[] }>(
  rules: readonly R[],
  ctx: C,
  skipReason: (rule: R) => string | undefined,
): { findings: Finding[]; skipped: Verdict['skipped'] } {
  const findings: Finding[] = [];
  const skipped: Verdict['skipped'] = [];
  for (const rule of rules) {
    const reason = skipReason(rule);
    if (reason !== undefined) {
      skipped.push({ rule: rule.id, reason });
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
  return { findings, skipped };
}

export const OFFLINE = 'needs the snapshot server (offline)';

/** Runs every rule, then keeps one fix per finding (settleFixes). */
export function judge(ctx: RuleContext, rules: readonly Rule[] = RULES): Verdict {
  const { findings, skipped } = runRules(rules, ctx, (rule) => (rule.needsServer && !ctx.facts ? OFFLINE : undefined));
  const settled = settleFixes(findings, ctx.state).sort(compareFindings);
  const unanswered = unansweredLookups(ctx.facts);
  return { conclusion: conclude(settled, unanswered), findings: settled, skipped, unanswered };
}
