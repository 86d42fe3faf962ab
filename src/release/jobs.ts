import type { Config } from '../config/schema.js';
import type { ReleaseJobName } from '../ports/job-trigger.js';

/** What the release flow knows of a release that its jobs take as inputs. */
export interface ReleaseInputs {
  tag: string;
  /** The top changelog entry's version, e.g. 4.19~rc1. */
  version: string;
  /** The top changelog entry's date, in seconds: the build's SOURCE_DATE_EPOCH. Absent when the changelog has none. */
  sourceDateEpoch?: number;
  /** What bin/iuk-source-versions prints for the version. */
  sourceVersions: readonly string[];
  /** Where the release's build manifest is, when known. */
  manifestUrl?: string;
}

/** A job the release calls for, with the parameters it is started with. */
export interface JobPlan {
  job: ReleaseJobName;
  parameters: Record<string, string>;
  /** What the job waits for before it can start: the manifest's URL, or the released images (build_IUKs always). */
  waitingFor?: 'manifest' | 'readiness';
  /** Why the job has nothing to do for this release, and is not started at all. */
  nothingToDo?: string;
}

export const JOB_NAMES: readonly ReleaseJobName[] = ['tag-apt-snapshots', 'build_IUKs'];

/** Fills `{tag}` and `{version}` of a configured URL template. */
export function fillTemplate(template: string, inputs: Pick<ReleaseInputs, 'tag' | 'version'>): string {
  return template
    .replaceAll('{tag}', encodeURIComponent(inputs.tag))
    .replaceAll('{version}', encodeURIComponent(inputs.version));
}

/**
 * Every job a release calls for, with inputs derived from Git alone
 * (Tails' release checklist has a person type them into forms):
 * - tag-apt-snapshots: TAG and BUILD_MANIFEST, the manifest's URL;
 * - build_IUKs: TAILS_GIT_COMMIT (the tag), SOURCE_DATE_EPOCH (the top
 *   changelog entry's date), NEW_VERSION, SOURCE_VERSIONS (space-separated,
 *   as bin/iuk-source-versions prints them) and EXTRA_ARGS.
 */
export function releaseJobs(inputs: ReleaseInputs, config: Config): JobPlan[] {
  const { tag, version } = inputs;
  const major = version.split(/[.~+-]/, 1)[0] ?? version;
  return [
    {
      job: 'tag-apt-snapshots',
      parameters: { TAG: tag, BUILD_MANIFEST: inputs.manifestUrl ?? '' },
      ...(inputs.manifestUrl === undefined ? { waitingFor: 'manifest' as const } : {}),
    },
    {
      job: 'build_IUKs',
      parameters: {
        TAILS_GIT_COMMIT: tag,
        SOURCE_DATE_EPOCH: inputs.sourceDateEpoch === undefined ? '' : String(inputs.sourceDateEpoch),
        NEW_VERSION: version,
        SOURCE_VERSIONS: inputs.sourceVersions.join(' '),
        EXTRA_ARGS: config.release.iuk.extra_args,
      },
      ...(inputs.sourceVersions.length === 0
        ? {
            nothingToDo: `no earlier release of major version ${major} to upgrade from (SOURCE_VERSIONS is empty, as bin/iuk-source-versions ${version} prints nothing)`,
          }
        : // The upgrade kits are built from the released images, which come some time after the tag.
          { waitingFor: 'readiness' as const }),
    },
  ];
}
