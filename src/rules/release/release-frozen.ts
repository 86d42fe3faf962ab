import type { Finding } from '../../domain/finding.js';
import { describeFileRead, type OriginState, type SnapshotSetState } from '../../domain/state.js';
import { isFreezeException, setLabel } from '../sets.js';
import type { ReleaseContext, ReleaseRule } from './types.js';

function unreadable(origin: OriginState): string {
  return origin.syntaxError ?? describeFileRead(origin.file);
}

function setFindings(ctx: ReleaseContext, set: SnapshotSetState): Finding[] {
  const finding = (severity: Finding['severity'], path: string, message: string, hint: string): Finding => ({
    rule: releaseFrozen.id,
    severity,
    path,
    message,
    hint,
  });
  const at = `at the tag ${ctx.tag}`;
  if (set.presence === 'missing') {
    // Releases from before the time-based snapshots have no set at all.
    return [
      finding(
        'warning',
        set.config.dir,
        `The release pins no snapshots of ${setLabel(set)}: ${set.config.dir} does not exist ${at}, so it cannot be rebuilt from tagged snapshots.`,
        `Releases made since the time-based snapshots pin every origin in ${set.config.dir}.`,
      ),
    ];
  }
  if (set.presence === 'not-a-dir') {
    return [
      finding(
        'error',
        set.config.dir,
        `${set.config.dir} is not a directory ${at}: the release's snapshots cannot be known.`,
        `Make ${set.config.dir} a directory with one directory per origin.`,
      ),
    ];
  }
  return set.origins.flatMap((origin): Finding[] => {
    const exception = isFreezeException(set, origin.origin);
    if (!origin.value) {
      return [
        finding(
          'error',
          origin.path,
          `${origin.origin} in ${setLabel(set)} has no usable serial ${at}: ${origin.path} ${unreadable(origin)}.`,
          exception ? `Write \`latest\` into ${origin.path}.` : `Write the frozen serial into ${origin.path}.`,
        ),
      ];
    }
    if (exception && origin.value.kind === 'serial') {
      return [
        finding(
          'error',
          origin.path,
          `${origin.origin} is a freeze exception of ${setLabel(set)} and must stay latest at release, but ${origin.path} pins it to ${origin.value.serial} ${at}: the release would miss security updates.`,
          `Write \`latest\` into ${origin.path}.`,
        ),
      ];
    }
    if (!exception && origin.value.kind === 'latest') {
      return [
        finding(
          'error',
          origin.path,
          `${origin.origin} in ${setLabel(set)} uses latest ${at}: a release is built from frozen snapshots, so that it can be rebuilt and its snapshots tagged.`,
          `Pin ${origin.origin} to the serial the release was built from, as the freeze did.`,
        ),
      ];
    }
    return [];
  });
}

export const releaseFrozen: ReleaseRule = {
  id: 'release-frozen',
  severities: ['error', 'warning'],
  description:
    'At release, every origin of every snapshot set is pinned, except the freeze exceptions, which are `latest`.',
  check(ctx) {
    return ctx.state.sets.flatMap((set) => setFindings(ctx, set));
  },
};
