import type { ReleaseEvaluation } from '../flow/release.js';
import type { DescribedRequest, ReleaseJobName, TriggeredJob } from '../ports/job-trigger.js';
import type { JobPlan } from '../release/jobs.js';
import { describeRef } from './check-report.js';
import type { DescribedJob } from './described-job.js';
import { countBySeverity, formatFinding } from './findings-text.js';
import { findingJson, type FindingJson } from './release-json.js';
import { paint, PLAIN, type Style } from './style.js';
import { terminalLine } from './terminal-text.js';

/** Whether a credential variable is set: the dry run says so, never what it holds. */
export interface CredentialState {
  variable: string;
  set: boolean;
}

/** How `trigger` ended. */
export type TriggerOutcome =
  /** The release check does not allow it: nothing was sent. */
  | { kind: 'refused'; reason: string }
  | { kind: 'dry-run' }
  /** The job has nothing to do for this release: nothing was sent, and that is not a failure. */
  | { kind: 'nothing'; reason: string }
  | { kind: 'triggered'; triggered: TriggeredJob }
  /** The trigger's error; `sent`: the CI may have taken the job all the same. */
  | { kind: 'failed'; message: string; sent: boolean };

export interface TriggerResult {
  evaluation: ReleaseEvaluation;
  job: ReleaseJobName;
  /** Absent when the changelog gives no version (and the release check fails for it). */
  plan?: JobPlan;
  described?: DescribedJob;
  /** With --dry-run: whether each credential variable is set. */
  credentials?: CredentialState[];
  outcome: TriggerOutcome;
}

/** What `trigger --format json` prints; README's "JSON output" documents it. */
export interface TriggerJson {
  job: ReleaseJobName;
  tag: string;
  commit: string;
  parameters?: Record<string, string>;
  /** What is (or, with --dry-run, would be) sent, without credentials. */
  request?: DescribedRequest;
  dryRun: boolean;
  /** The release check that allows it, or not. */
  release: { conclusion: ReleaseEvaluation['verdict']['conclusion']; findings: FindingJson[] };
  credentials?: CredentialState[];
  triggered?: TriggeredJob;
  refused?: string;
  nothing?: string;
  error?: { message: string; sent: boolean };
}

export function triggerJson(result: TriggerResult): TriggerJson {
  const { evaluation, plan, described, credentials, outcome } = result;
  return {
    job: result.job,
    tag: evaluation.tag,
    commit: evaluation.commit.sha,
    ...(plan ? { parameters: plan.parameters } : {}),
    ...(described ? { request: described.request } : {}),
    dryRun: credentials !== undefined,
    release: { conclusion: evaluation.verdict.conclusion, findings: evaluation.verdict.findings.map(findingJson) },
    ...(credentials ? { credentials } : {}),
    ...(outcome.kind === 'triggered' ? { triggered: outcome.triggered } : {}),
    ...(outcome.kind === 'refused' ? { refused: outcome.reason } : {}),
    ...(outcome.kind === 'nothing' ? { nothing: outcome.reason } : {}),
    ...(outcome.kind === 'failed' ? { error: { message: outcome.message, sent: outcome.sent } } : {}),
  };
}

function requestLines(described: DescribedJob, job: ReleaseJobName): string[] {
  const { request } = described;
  return [
    `${job} through ${described.description}:`,
    `  ${request.method} ${request.url}`,
    ...(request.headers.length === 0 ? [] : [`  headers: ${request.headers.join(', ')}`]),
    '  parameters:',
    ...Object.entries(request.parameters).map(([name, value]) => `    ${name}=${value}`),
  ];
}

function credentialLines(credentials: readonly CredentialState[] | undefined): string[] {
  if (!credentials || credentials.length === 0) return [];
  const states = credentials.map((c) => `${c.variable} (${c.set ? 'set' : 'NOT set'})`);
  const missing = credentials.some((c) => !c.set);
  return [`  credentials: ${states.join(', ')}${missing ? ': a real run stops until each is set' : ''}`];
}

function endLines(result: TriggerResult): string[] {
  const { outcome, job } = result;
  switch (outcome.kind) {
    case 'dry-run':
      return ['', 'Dry run: nothing was sent.'];
    case 'nothing':
      return ['', `Nothing to start for ${job}: ${outcome.reason}. Nothing was sent.`];
    case 'triggered': {
      const { status, url, id } = outcome.triggered;
      const where = [url, id === undefined ? undefined : `(id ${id})`].filter((w) => w !== undefined).join(' ');
      return ['', `${status === 'started' ? 'Started' : 'Queued'} ${job}${where === '' ? '' : `: ${where}`}`];
    }
    // Refusals and failures are said on standard error, where a script looks for them.
    case 'refused':
    case 'failed':
      return [];
  }
}

/** The human report of `trigger`: the release check in brief, the request, and how it ended; every line one line. */
export function triggerReport(result: TriggerResult, style: Style = PLAIN): string {
  const { evaluation, described } = result;
  const { verdict } = evaluation;
  const lines = [
    `Release check of tag ${terminalLine(`${evaluation.tag} = ${describeRef(evaluation.state)}`)}: ${paint(style, verdict.conclusion, verdict.conclusion)} (${countBySeverity(verdict.findings)})`,
    ...verdict.findings.filter((f) => f.severity !== 'notice').map((f) => formatFinding(f, '  ', style)),
    '',
    ...(described ? requestLines(described, result.job).map(terminalLine) : []),
    ...credentialLines(result.credentials).map(terminalLine),
    ...endLines(result).map(terminalLine),
  ];
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
