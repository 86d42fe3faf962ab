import type { Config } from '../config/schema.js';
import { LATEST } from '../domain/serial.js';
import type { RefState } from '../domain/state.js';
import { isActiveFreezeException, neutraliseFreezeExceptions } from './preferences-edit.js';
import {
  editsOf,
  markdownText,
  planOriginSerial,
  renderRepairs,
  renderSetTable,
  setProblem,
  sortedEdits,
  type SerialChange,
} from './serial-edits.js';
import type { Edit, PlanResult } from './types.js';

export const THAW_TITLE = 'Thaw APT snapshots.';

/**
 * Returns a development branch to `latest`: every origin of every set that
 * thaws, and every active freeze-exception pin neutralised. Sets that never
 * thaw (the builder VM's) are left alone.
 */
export function planThaw(state: RefState, config: Config): PlanResult {
  const problems: string[] = [];
  const changes: SerialChange[] = [];
  const thawing = state.sets.filter((set) => set.config.thaws);
  for (const set of thawing) {
    const problem = setProblem(set);
    if (problem !== undefined) problems.push(problem);
    else changes.push(...set.origins.map((origin) => planOriginSerial(set, origin, LATEST)));
  }
  if (problems.length > 0) return { ok: false, error: `cannot thaw: ${problems.join('; ')}` };

  const serialEdits = editsOf(changes);
  const { preferences } = state;
  const active = preferences.file.kind === 'text' ? preferences.freezeExceptions.filter(isActiveFreezeException) : [];
  const edits: Edit[] = [...serialEdits];
  if (preferences.file.kind === 'text' && active.length > 0) {
    edits.push({
      path: config.paths.apt_preferences,
      content: neutraliseFreezeExceptions(preferences.file.text, active),
    });
  }

  const development = config.branches.development.map((b) => `\`${b}\``).join(', ') || 'the development branch';
  const sets = thawing.map((s) => `\`${s.config.dir}\``).join(', ') || 'the sets that thaw';
  const body: string[] = [];
  if (serialEdits.length > 0) {
    const frozen = state.sets.filter((set) => !set.config.thaws);
    body.push(
      `A development branch (${development}) builds from the newest snapshots: its serial files say \`latest\`. After a release branch was merged into it, the serials frozen for that release came with it, and it kept building from old snapshots. This sets them back to \`latest\`.`,
      '',
      '## Snapshots thawed',
      '',
      ...thawing.flatMap((set) => renderSetTable(set, changes, ['origin', 'from', 'to'])),
      ...(frozen.length > 0
        ? [
            `Not thawed, because they never thaw (\`thaws: false\`): ${frozen.map((s) => `${markdownText(s.config.name)} (\`${s.config.dir}\`)`).join(', ')}.`,
            '',
          ]
        : []),
    );
  } else {
    body.push(`Every origin of ${sets} is already \`latest\`.`, '');
  }
  if (active.length > 0) {
    body.push(
      '## Freeze exceptions neutralised',
      '',
      `These stanzas of \`${config.paths.apt_preferences}\` pinned packages for a freeze that is over, and came along with the release branch. \`Pin-Priority: -1\` keeps them as a record but stops them from selecting any package; nothing else in the file changes.`,
      '',
      '| explanation | packages | line | priority |',
      '| --- | --- | --- | --- |',
      ...active.map(
        (e) =>
          `| ${markdownText(e.explanation)} | ${markdownText(e.packages)} | ${(e.priorityLine as number) + 1} | ${e.priority} → -1 |`,
      ),
      '',
    );
  } else if (serialEdits.length === 0) {
    body.push(`No freeze exception in \`${config.paths.apt_preferences}\` is active: nothing to thaw.`, '');
  }
  body.push(...renderRepairs(changes));
  return {
    ok: true,
    plan: { action: 'thaw', title: THAW_TITLE, body: body.join('\n').trimEnd() + '\n', edits: sortedEdits(edits) },
  };
}
