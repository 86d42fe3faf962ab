import type { Finding } from '../domain/finding.js';
import type { ManifestChanges } from '../domain/build-manifest.js';
import type { ReleaseEvaluation } from '../flow/release.js';
import type { DescribedRequest } from '../ports/job-trigger.js';
import type { JobLine } from './release-report.js';
import type { ManifestRead } from './manifest-input.js';
import { rulesJson, type RulesJson } from './rules-option.js';

/** A finding as the release commands print it: what a release rule reports, nothing internal. */
export type FindingJson = Pick<Finding, 'rule' | 'severity' | 'path' | 'line' | 'message' | 'hint'>;

export function findingJson(finding: Finding): FindingJson {
  const { rule, severity, path, line, message, hint } = finding;
  return {
    rule,
    severity,
    path,
    ...(line === undefined ? {} : { line }),
    message,
    ...(hint === undefined ? {} : { hint }),
  };
}

/** What `release check --format json` prints; README's "JSON output" documents it. */
export interface ReleaseJson {
  tag: string;
  commit: string;
  /** The top changelog entry's version; null when the changelog gives none. */
  version: string | null;
  conclusion: ReleaseEvaluation['verdict']['conclusion'];
  findings: FindingJson[];
  skipped: ReleaseEvaluation['verdict']['skipped'];
  unanswered: string[];
  rules: RulesJson;
  /** The build manifest, when one was given and is one. */
  manifest?: {
    source: string;
    /** Where it was named: `--manifest`, or the configuration's template. */
    from: string;
    serials: Record<string, string>;
    changes?: ManifestChanges;
  };
  jobs: {
    job: string;
    parameters: Record<string, string>;
    waitingFor?: 'manifest' | 'readiness';
    /** Why the job has nothing to do, and would not be started. */
    nothingToDo?: string;
    /** The request the configured trigger would send (no credential), or null when none is configured. */
    trigger: DescribedRequest | null;
  }[];
}

export function releaseJson(
  run: { evaluation: ReleaseEvaluation; manifest?: ManifestRead },
  jobs: readonly JobLine[],
): ReleaseJson {
  const { evaluation, manifest } = run;
  const { verdict } = evaluation;
  const summary = evaluation.manifest;
  return {
    tag: evaluation.tag,
    commit: evaluation.commit.sha,
    version: evaluation.version ?? null,
    conclusion: verdict.conclusion,
    findings: verdict.findings.map(findingJson),
    skipped: verdict.skipped,
    unanswered: verdict.unanswered,
    rules: rulesJson({ rules: evaluation.rules }),
    ...(summary && manifest
      ? {
          manifest: {
            source: summary.source,
            from: manifest.from,
            serials: summary.serials,
            ...(summary.changes ? { changes: summary.changes } : {}),
          },
        }
      : {}),
    jobs: jobs.map(({ plan, trigger }) => ({
      job: plan.job,
      parameters: plan.parameters,
      ...(plan.waitingFor === undefined ? {} : { waitingFor: plan.waitingFor }),
      ...(plan.nothingToDo === undefined ? {} : { nothingToDo: plan.nothingToDo }),
      trigger: trigger?.request ?? null,
    })),
  };
}
