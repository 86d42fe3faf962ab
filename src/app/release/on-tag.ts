import { boundedMatch } from '../../domain/bounded-match.js';
import type { PushEvent, TagCreatedEvent } from '../../ports/forge-events.js';
import { errorMessage, describeForLog } from '../../errors.js';
import { renderReleaseFailure } from '../../report/release-check.js';
import type { RepoDeps } from '../deps.js';
import { ZERO_SHA } from '../targets.js';
import { releaseTag } from './release-tag.js';

const TAGS = 'refs/tags/';

/**
 * Whether the tag is a release, by the app's own configuration: a tag has
 * no branch whose rules could say otherwise, and the judged commit's rules
 * come into play once it is read.
 */
function isReleaseTag(deps: RepoDeps, tag: string): boolean {
  return boundedMatch(deps.defaults.release.tag_pattern, tag) === true;
}

/**
 * A tag pushed: judged as a release on the commit it names (`after` may be
 * an annotated tag's object, hence `^{commit}`), its jobs started once. A
 * tag deleted: the commit it named is told so, and nothing starts.
 */
export async function onTagPush(deps: RepoDeps, payload: PushEvent): Promise<void> {
  const tag = payload.ref.slice(TAGS.length);
  if (!isReleaseTag(deps, tag)) {
    deps.log.debug({ repository: deps.repository, tag }, 'tag ignored: not a release tag (release.tag_pattern)');
    return;
  }
  const deleted = payload.deleted === true || payload.after === ZERO_SHA;
  try {
    await releaseTag(
      deps,
      deleted
        ? { tag, rev: `${payload.before}^{commit}`, deleted: true }
        : { tag, rev: `${payload.after}^{commit}`, verifyTag: true },
    );
  } catch (error) {
    const sha = deleted ? payload.before : (payload.commit ?? payload.after);
    await reportReleaseFailure(deps, { tag, sha }, error);
  }
}

/**
 * Says on the tagged commit that the release could not be judged, so the
 * release manager sees it where they look and can re-run it; only when that
 * write fails too does the delivery fail, naming both errors.
 */
export async function reportReleaseFailure(
  deps: RepoDeps,
  subject: { tag: string; sha: string },
  error: unknown,
): Promise<void> {
  try {
    await deps.forge.ensureCheck(renderReleaseFailure(deps.defaults.bot.check_name, subject, error));
  } catch (writeError) {
    throw new Error(
      `could not judge the release ${subject.tag} (${errorMessage(error)}), nor report it on the check (${errorMessage(writeError)})`,
      { cause: writeError },
    );
  }
  deps.log.warn(
    { repository: deps.repository, tag: subject.tag, sha: subject.sha, err: describeForLog(error) },
    'could not judge the release; reported the failure',
  );
}

/**
 * GitHub sends `create` besides `push` for a new tag; both lead here, and
 * the claims make the second do nothing more than the first did.
 */
export async function onTagCreated(deps: RepoDeps, event: TagCreatedEvent): Promise<void> {
  if (!isReleaseTag(deps, event.tag)) {
    deps.log.debug({ repository: deps.repository }, `tag created ignored: not a release tag`);
    return;
  }
  await releaseTag(deps, { tag: event.tag, rev: `${TAGS}${event.tag}^{commit}` });
}

export function isTagRef(ref: string): boolean {
  return ref.startsWith(TAGS);
}
