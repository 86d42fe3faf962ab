import type { Config } from '../config/schema.js';
import { manifestChanges, type ManifestChanges } from '../domain/build-manifest.js';
import { parseChangelogDate } from '../domain/changelog.js';
import { boundedMatch } from '../domain/bounded-match.js';
import { parseDebianVersion } from '../domain/debian-version.js';
import { compareFindings } from '../domain/finding.js';
import { interpretRef, readSpec, type RefState } from '../domain/state.js';
import type { CommitInfo } from '../domain/tree.js';
import type { RefReader } from '../ports/ref-reader.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import { conclude, type Verdict } from '../rules/judge.js';
import { judgeRelease } from '../rules/release/index.js';
import type { ManifestInput } from '../rules/release/types.js';
import { iukSourceVersions } from '../release/iuk-source-versions.js';
import { releaseJobs, type JobPlan, type ReleaseInputs } from '../release/jobs.js';
import { rulesOfCommit, rulesProblemFindings, type RulesUsed } from './evaluate.js';
import { gatherFacts } from './server-facts.js';

export interface ReleaseInput {
  reader: RefReader;
  tag: string;
  /** What the tag names: `refs/tags/TAG`, or the commit. */
  rev: string;
  /** The repository's tags, for SOURCE_VERSIONS. */
  tags: readonly string[];
  /** The deployment's configuration, which the rules of the tagged commit's parent merge over: never the commit's own. */
  defaults: Config;
  manifest?: ManifestInput;
  /** Why the manifest could not be read, when it could not: the build-manifest rule is skipped, saying so. */
  manifestUnavailable?: string;
  previous?: ManifestInput;
  /** Where the manifest is, for the tag-apt-snapshots job (a file given on the command line has none). */
  manifestUrl?: string;
  /** Absent: offline, the rules that need it are skipped. */
  server?: SnapshotServer;
  now: Date;
}

export interface ReleaseManifestSummary {
  source: string;
  /** Origin → the serial the build used. */
  serials: Record<string, string>;
  /** What changed since the previous release's manifest, when it was given and could be read. */
  changes?: ManifestChanges;
}

export interface ReleaseEvaluation {
  tag: string;
  commit: CommitInfo;
  /** The top changelog entry's version, when there is one. */
  version?: string;
  config: Config;
  rules: RulesUsed;
  state: RefState;
  verdict: Verdict;
  manifest?: ReleaseManifestSummary;
  /** What the jobs get, when the changelog gives a version. */
  inputs?: ReleaseInputs;
  jobs: JobPlan[];
}

function manifestSummary(input: ReleaseInput): ReleaseManifestSummary | undefined {
  const given = input.manifest;
  if (!given?.manifest.ok) return undefined;
  const current = given.manifest.value;
  const previous = input.previous?.manifest;
  return {
    source: given.source,
    serials: Object.fromEntries(current.serials),
    ...(previous?.ok ? { changes: manifestChanges(previous.value, current) } : {}),
  };
}

/**
 * Judges the tagged commit as a release and works out the jobs it calls
 * for. The rules are those of the commit before it, merged over the
 * deployment's: a tag does not choose the rules that judge it.
 */
export async function evaluateRelease(input: ReleaseInput): Promise<ReleaseEvaluation> {
  const snapshot = await input.reader.read(input.rev, readSpec(input.defaults, { changelog: true }));
  const parent = snapshot.commit.parents[0];
  const { config, rules } = await rulesOfCommit(
    input.reader,
    { kind: 'before-change', ...(parent === undefined ? {} : { rev: parent }), label: 'parent' },
    input.defaults,
  );
  const state =
    JSON.stringify(config.paths) === JSON.stringify(input.defaults.paths) &&
    JSON.stringify(config.snapshot_sets) === JSON.stringify(input.defaults.snapshot_sets)
      ? interpretRef(snapshot, config)
      : interpretRef(await input.reader.read(input.rev, readSpec(config, { changelog: true })), config);
  const facts = input.server ? await gatherFacts(state, config, input.server) : undefined;
  const verdict = judgeRelease({
    tag: input.tag,
    state,
    config,
    ...(input.manifest ? { manifest: input.manifest } : {}),
    ...(input.manifestUnavailable === undefined ? {} : { manifestUnavailable: input.manifestUnavailable }),
    ...(input.previous ? { previous: input.previous } : {}),
    ...(facts ? { facts } : {}),
    now: input.now,
  });
  const problems = rulesProblemFindings(rules);
  if (problems.length > 0) {
    verdict.findings = [...problems, ...verdict.findings].sort(compareFindings);
    verdict.conclusion = conclude(verdict.findings, verdict.unanswered);
  }

  const entry = state.changelog.entry;
  const summary = manifestSummary(input);
  let inputs: ReleaseInputs | undefined;
  if (entry && parseDebianVersion(entry.version).ok) {
    const date = state.changelog.file.kind === 'text' ? parseChangelogDate(state.changelog.file.text) : undefined;
    const pattern = config.release.tag_pattern;
    inputs = {
      tag: input.tag,
      version: entry.version,
      ...(date?.ok ? { sourceDateEpoch: Math.floor(date.value.date.getTime() / 1000) } : {}),
      sourceVersions: iukSourceVersions(input.tags, entry.version, {
        ignore: config.release.iuk.ignore_versions,
        isRelease: (tag) => boundedMatch(pattern, tag) === true,
      }),
      ...(input.manifestUrl === undefined ? {} : { manifestUrl: input.manifestUrl }),
    };
  }
  return {
    tag: input.tag,
    commit: snapshot.commit,
    ...(entry ? { version: entry.version } : {}),
    config,
    rules,
    state,
    verdict,
    ...(summary ? { manifest: summary } : {}),
    ...(inputs ? { inputs } : {}),
    jobs: inputs ? releaseJobs(inputs, config) : [],
  };
}
