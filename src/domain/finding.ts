export type Severity = 'error' | 'warning' | 'notice';

export type PlanAction = 'thaw' | 'freeze' | 'bump';

export interface Finding {
  /** The stable id of the rule that found it. */
  rule: string;
  severity: Severity;
  /** The file or directory the finding is about, relative to the repository root. */
  path: string;
  /** 1-based line in `path`, when the finding is about one line. */
  line?: number;
  message: string;
  /** What to do about it, in one sentence. */
  hint?: string;
  /** The planner that fixes it, when one does. */
  fix?: PlanAction;
  /**
   * The rule could not decide (the snapshot server did not answer): an error
   * then fails a check closed, but a Git hook does not reject a push for an
   * outage.
   */
  undecided?: true;
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

export function compareFindings(a: Finding, b: Finding): number {
  return (
    ORDER[a.severity] - ORDER[b.severity] ||
    a.path.localeCompare(b.path) ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}
