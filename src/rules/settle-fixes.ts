import type { Finding, PlanAction } from '../domain/finding.js';
import type { RefState } from '../domain/state.js';

/**
 * Which fix settles which: a thaw writes `latest` into every pin of the sets
 * that thaw, so a bump or freeze of those pins leads nowhere right; a freeze
 * moves every origin to the newest serial, so it covers every bump.
 */
function coveredPaths(fix: PlanAction, state: RefState): (path: string) => boolean {
  if (fix === 'bump') return () => false;
  if (fix === 'freeze') return () => true;
  const thawed = new Set(state.sets.filter((set) => set.config.thaws).flatMap((set) => set.origins.map((o) => o.path)));
  return (path) => thawed.has(path);
}

const STRONGEST_FIRST: readonly PlanAction[] = ['thaw', 'freeze', 'bump'];

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * Offers one fix: the one that leads to a right state for the branch. When
 * findings ask for several (devel left frozen, whose pins also expire, asks
 * for a thaw and a bump), the strongest wins: a finding it settles on the
 * same file is folded into that file's finding of the winning fix, as a
 * reason more; every other finding stays, without its fix, which is
 * withheld until the winning one has landed, when the next check offers it
 * if it is still needed.
 */
export function settleFixes(findings: readonly Finding[], state: RefState): Finding[] {
  const winner = STRONGEST_FIRST.find((fix) => findings.some((f) => f.fix === fix));
  if (winner === undefined) return [...findings];
  const covered = coveredPaths(winner, state);
  const out = findings.map((f) => ({ ...f }));
  const folded = new Set<Finding>();
  for (const finding of out) {
    if (finding.fix === undefined || finding.fix === winner) continue;
    const host = out.find((f) => f.fix === winner && f.path === finding.path);
    if (host && covered(finding.path)) {
      host.message = `${host.message} ${winner === 'thaw' ? 'Thawing' : 'Freezing'} also settles this: ${lowerFirst(finding.message)}`;
      if (finding.severity === 'error') host.severity = 'error';
      folded.add(finding);
    } else {
      delete finding.fix;
    }
  }
  return out.filter((f) => !folded.has(f));
}
