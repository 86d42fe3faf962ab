import type { PlanAction } from '../domain/finding.js';

/** A whole-file replacement: planners only list files whose content changes. */
export interface Edit {
  path: string;
  content: string;
}

export interface Plan {
  action: PlanAction;
  title: string;
  body: string;
  edits: Edit[];
  /** What the one asking should know about the plan: a guess it did not make (a freeze's version). */
  notes?: string[];
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; error: string };
