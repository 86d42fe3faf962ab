import type { ReleaseSubject } from '../../report/release-subject.js';
import type { RepoDeps } from '../deps.js';
import { reportReleaseFailure } from './on-tag.js';
import { releaseTag } from './release-tag.js';

/**
 * "Re-run" on a release check judges the release again and starts what
 * did not start; on a job's check it acts on that job alone: a failed
 * attempt, or one whose outcome was never recorded, is followed by the
 * next; a waiting build_IUKs asks the readiness URL once now; a started job
 * is never started again. Either is about the commit the check is on: a tag
 * moved or deleted since starts nothing for it.
 */
export async function rerunRelease(deps: RepoDeps, subject: ReleaseSubject): Promise<void> {
  const manifest = subject.manifestUrl === undefined ? {} : { manifestUrl: subject.manifestUrl };
  const about = { tag: subject.tag, rev: subject.sha, commit: subject.sha, ...manifest };
  if (subject.kind === 'release') {
    try {
      await releaseTag(deps, about);
    } catch (error) {
      await reportReleaseFailure(deps, subject, error);
    }
    return;
  }
  const { state } = subject;
  await releaseTag(deps, {
    ...about,
    only: subject.job,
    retry: { state, ...(subject.attempt === undefined ? {} : { attempt: subject.attempt }) },
    ...(state === 'waiting' ? { probe: true } : {}),
  });
}
