import type { Finding, PlanAction, Severity } from '../domain/finding.js';
import type { CheckAnnotation, CheckFix } from '../ports/forge.js';
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

const FIXES: Record<PlanAction, Omit<CheckFix, 'command'>> = {
  thaw: { label: 'Fix it: thaw', description: 'Open a pull request that thaws it', identifier: 'fix-thaw' },
  freeze: {
    label: 'Fix it: freeze',
    description: 'Open a PR freezing to the newest serials',
    identifier: 'fix-freeze',
  },
  bump: { label: 'Fix it: bump', description: 'Open a PR bumping to the newest serials', identifier: 'fix-bump' },
};

/** A fix per planner that some finding names, in a stable order, with the command that asks for it on `branch`. */
export function fixesFor(findings: readonly Finding[], branch: string): CheckFix[] {
  const wanted = new Set(findings.flatMap((f) => (f.fix ? [f.fix] : [])));
  return FIX_ORDER.filter((action) => wanted.has(action)).map((action) => ({
    ...FIXES[action],
    command: `${COMMAND_PREFIX} ${action} ${branch}`,
  }));
}

/** The planner a fix's identifier stands for; undefined for identifiers that are not ours. */
export function fixActionOf(identifier: string): PlanAction | undefined {
  return FIX_ORDER.find((action) => FIXES[action].identifier === identifier);
}
