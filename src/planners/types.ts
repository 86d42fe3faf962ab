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
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; error: string };
