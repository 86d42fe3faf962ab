import type { ReleaseJobName } from '../ports/job-trigger.js';
import { readMarker, SHA_RE, writeMarker } from './hidden-marker.js';

/** Where a job of a release stands, as its check run records it. */
export type JobState =
  /** Waiting for what it needs: the manifest's URL, or the released images. */
  | 'waiting'
  /** Not started: the release check fails, or the tag was released from another commit. */
  | 'held'
  /** Claimed by this attempt and being started. */
  | 'starting'
  | 'started'
  /** The CI refused it, or could not be reached: a re-run tries the next attempt. */
  | 'failed'
  /** Claimed, but how it went was never recorded: a person looks at the CI, then a re-run tries the next attempt. */
  | 'unknown';

/** What a release check run or a job check run is about: enough to act again from the check alone. */
export type ReleaseSubject =
  | { kind: 'release'; tag: string; sha: string; manifestUrl?: string }
  | {
      kind: 'job';
      tag: string;
      sha: string;
      job: ReleaseJobName;
      state: JobState;
      /** The attempt this run reports, once one was claimed. */
      attempt?: number;
      /** The manifest the release uses, given in a comment, so that a re-run keeps it. */
      manifestUrl?: string;
    };

const MARKER = 'apt-snapshots-bot:release';
const JOBS: readonly string[] = ['tag-apt-snapshots', 'build_IUKs'];
const STATES: readonly string[] = ['waiting', 'held', 'starting', 'started', 'failed', 'unknown'];

/** A hidden comment ending the summary: GitHub sends it back with check_run events. */
export function releaseMarker(subject: ReleaseSubject): string {
  return writeMarker(MARKER, subject);
}

function isText(value: unknown, max = 255): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** The subject a summary carries, or undefined when it carries none or a malformed one. */
export function parseReleaseMarker(summary: string | null | undefined): ReleaseSubject | undefined {
  const data = readMarker(MARKER, summary);
  if (!data || !isText(data.tag) || !isText(data.sha) || !SHA_RE.test(data.sha)) return undefined;
  const manifestUrl = data.manifestUrl;
  if (manifestUrl !== undefined && !isText(manifestUrl, 2000)) return undefined;
  const manifest = manifestUrl === undefined ? {} : { manifestUrl };
  if (data.kind === 'release') return { kind: 'release', tag: data.tag, sha: data.sha, ...manifest };
  if (data.kind !== 'job' || !isText(data.job) || !JOBS.includes(data.job) || !isText(data.state)) return undefined;
  if (!STATES.includes(data.state)) return undefined;
  const attempt = data.attempt;
  if (attempt !== undefined && (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1))
    return undefined;
  return {
    kind: 'job',
    tag: data.tag,
    sha: data.sha,
    job: data.job as ReleaseJobName,
    state: data.state as JobState,
    ...(attempt === undefined ? {} : { attempt }),
    ...manifest,
  };
}
