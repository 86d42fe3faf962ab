import type { Finding } from '../../domain/finding.js';
import type { RefState } from '../../domain/state.js';

/** Two findings are the same problem when the rule, file and words are the same. */
export function findingKey(finding: Finding): string {
  return JSON.stringify([finding.rule, finding.path, finding.message]);
}

/** Every path a state knows, with a comparable rendering of what is there. */
function pathValues(state: RefState): Map<string, string> {
  const values = new Map<string, string>();
  for (const set of state.sets) {
    values.set(set.config.dir, JSON.stringify([set.presence, set.origins.map((o) => o.origin), set.strays]));
    for (const origin of set.origins) values.set(origin.path, JSON.stringify(origin.file));
  }
  values.set(state.baseBranch.path, JSON.stringify(state.baseBranch.file));
  values.set(state.preferences.path, JSON.stringify(state.preferences.file));
  values.set(state.configFile.path, JSON.stringify(state.configFile.file));
  values.set(state.overlays.path, JSON.stringify([state.overlays.presence, state.overlays.entries]));
  return values;
}

/**
 * The files (and their directories) a push changed, among those the rules
 * judge. The changelog is left out: the state before a push is read without
 * it, and a finding about it can only be new or old, not in a changed file.
 */
export function changedPaths(before: RefState, after: RefState): Set<string> {
  const old = pathValues(before);
  const now = pathValues(after);
  const changed = new Set<string>();
  for (const path of new Set([...old.keys(), ...now.keys()])) {
    if (old.get(path) === now.get(path)) continue;
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i += 1) changed.add(parts.slice(0, i).join('/'));
  }
  return changed;
}

export interface PushVerdict {
  /** Errors the push introduces, or leaves in a file it changed: these reject it. */
  blocking: Finding[];
  /** Errors already there before the push, in files it did not touch. */
  preexisting: Finding[];
  /** The problems of the rules file that judged the push: never blocking. */
  rulesProblems: Finding[];
}

/**
 * Which errors reject a push. A push is not rejected for a problem that was
 * there before and that it does not touch (someone fixing a typo elsewhere
 * must not be blocked by an old freeze); it is rejected for any new error,
 * and for any error in a file it changed, since it had the chance to fix it.
 * A new branch has no "before": every error counts. `judging`, the problems
 * of the rules file that judged the push (read before it), never rejects
 * it: the push cannot change those rules, and rejecting it would refuse the
 * very push that repairs or removes the file.
 */
export function pushVerdict(
  after: readonly Finding[],
  before?: { findings: readonly Finding[]; changed: ReadonlySet<string> },
  judging: readonly Finding[] = [],
): PushVerdict {
  const ofTheRules = new Set(judging.map(findingKey));
  // An outage of the snapshot server is no reason to refuse work.
  const all = after.filter((f) => f.severity === 'error' && f.undecided !== true);
  const errors = all.filter((f) => !ofTheRules.has(findingKey(f)));
  const rulesProblems = all.filter((f) => ofTheRules.has(findingKey(f)));
  if (!before) return { blocking: errors, preexisting: [], rulesProblems };
  const old = new Set(before.findings.filter((f) => f.severity === 'error').map(findingKey));
  const blocking: Finding[] = [];
  const preexisting: Finding[] = [];
  for (const error of errors)
    (old.has(findingKey(error)) && !before.changed.has(error.path) ? preexisting : blocking).push(error);
  return { blocking, preexisting, rulesProblems };
}
