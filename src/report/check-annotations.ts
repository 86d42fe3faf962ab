import type { Finding, PlanAction, Severity } from '../domain/finding.js';
import type { CheckAction, CheckAnnotation } from '../ports/forge.js';
import { COMMAND_PREFIX } from '../app/command.js';

const LEVEL: Record<Severity, CheckAnnotation['level']> = { error: 'failure', warning: 'warning', notice: 'notice' };

/** Findings about the repository as a whole (a rule that crashed) have no file to point at. */
function hasFile(path: string): boolean {
  return path !== '' && path !== '.' && !path.startsWith('/');
}

/** One annotation per finding about a file, on its line (line 1 when the finding names none). */
export function annotationsFor(findings: readonly Finding[]): CheckAnnotation[] {
  return findings
    .filter((f) => hasFile(f.path))
    .map((f) => ({
      path: f.path,
      line: f.line !== undefined && Number.isSafeInteger(f.line) && f.line >= 1 ? f.line : 1,
      level: LEVEL[f.severity],
      title: `${f.severity}: ${f.rule}`,
      message: f.hint ? `${f.message}\n\n${f.hint}` : f.message,
    }));
}

const FIX_ORDER: readonly PlanAction[] = ['thaw', 'freeze', 'bump'];

const FIX_ACTIONS: Record<PlanAction, CheckAction> = {
  thaw: { label: 'Fix it: thaw', description: 'Open a pull request that thaws it', identifier: 'fix-thaw' },
  freeze: {
    label: 'Fix it: freeze',
    description: 'Open a PR freezing to the newest serials',
    identifier: 'fix-freeze',
  },
  bump: { label: 'Fix it: bump', description: 'Open a PR bumping to the newest serials', identifier: 'fix-bump' },
};

/** A "Fix it" button per planner that some finding names, in a stable order. */
export function fixActions(findings: readonly Finding[]): CheckAction[] {
  const wanted = new Set(findings.flatMap((f) => (f.fix ? [f.fix] : [])));
  return FIX_ORDER.filter((action) => wanted.has(action)).map((action) => FIX_ACTIONS[action]);
}

/** The commands that ask for the same fixes as fixActions, on `branch`; nothing when there is none. */
export function fixCommandsFor(findings: readonly Finding[], branch: string): { commands?: string[] } {
  const wanted = new Set(findings.flatMap((f) => (f.fix ? [f.fix] : [])));
  const commands = FIX_ORDER.filter((action) => wanted.has(action)).map(
    (action) => `${COMMAND_PREFIX} ${action} ${branch}`,
  );
  return commands.length > 0 ? { commands } : {};
}

/** The planner a button's identifier stands for; undefined for identifiers that are not ours. */
export function fixActionOf(identifier: string): PlanAction | undefined {
  return FIX_ORDER.find((action) => FIX_ACTIONS[action].identifier === identifier);
}
