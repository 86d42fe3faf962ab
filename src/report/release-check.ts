import type { PackageChanges } from '../domain/build-manifest.js';
import type { Finding, Severity } from '../domain/finding.js';
import { formatSerialValue } from '../domain/serial.js';
import { describeFileRead } from '../domain/state.js';
import { describeRules } from '../flow/evaluate.js';
import type { ReleaseEvaluation } from '../flow/release.js';
import type { CheckConclusion, CheckReport } from '../ports/forge.js';
import type { DescribedRequest, ReleaseJobName } from '../ports/job-trigger.js';
import type { Verdict } from '../rules/judge.js';
import { annotationsFor } from './check-annotations.js';
import { describeFailure } from './check-failure.js';
import { checkTitle, short } from './check-summary.js';
import { escapeMarkdown, inlineCode, tableCell } from './markdown.js';
import { releaseMarker, type JobState, type ReleaseSubject } from './release-subject.js';

/** Where a job of the release stands, for the release check and the job's own check. */
export interface JobStatus {
  job: ReleaseJobName;
  parameters: Readonly<Record<string, string>>;
  state: JobState;
  /** What starts it: the trigger's description, or undefined when the deployment configures none. */
  trigger?: string;
  /** The request the trigger sends, without credentials. */
  request?: DescribedRequest;
  attempt?: number;
  /** Where to follow it: the build, queue item or pipeline. */
  url?: string;
  /** One sentence: why it waits, why it is held, what went wrong, or what started. */
  message: string;
}

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };
const STATE_WORDS: Record<JobState, string> = {
  waiting: '⏳ waiting',
  held: '⏸️ not started',
  starting: '🚀 starting',
  started: '✅ started',
  failed: '❌ did not start',
  unknown: '❓ outcome unknown',
};

/** The name of the release check run, and of each job's: apart from the branch checks. */
export function releaseCheckName(checkName: string): string {
  return `${checkName}: release`;
}

export function jobCheckName(checkName: string, job: ReleaseJobName): string {
  return `${checkName}: ${job}`;
}

function conclusionOf(verdict: Verdict): CheckConclusion {
  return verdict.conclusion === 'incomplete' ? 'neutral' : verdict.conclusion;
}

/** Findings about a URL (a manifest) have no file in the repository to annotate. */
function inRepository(finding: Finding): boolean {
  return !finding.path.includes('://');
}

function findingLines(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return ['### Findings', '', 'None: every release rule passes.', ''];
  return [
    '### Findings',
    '',
    ...findings.map(
      (f) =>
        `- ${ICON[f.severity]} **${f.severity}** ${inlineCode(f.rule)} in ${inlineCode(f.line === undefined ? f.path : `${f.path}:${f.line}`)}: ${escapeMarkdown(f.message)}${f.hint ? `<br>↳ ${escapeMarkdown(f.hint)}` : ''}`,
    ),
    '',
  ];
}

function setsTable(evaluation: ReleaseEvaluation): string[] {
  const used = evaluation.manifest?.serials;
  const lines = ['### Snapshots at the tag', ''];
  for (const set of evaluation.state.sets) {
    lines.push(`#### ${escapeMarkdown(set.config.name)} — ${inlineCode(set.config.dir)}`, '');
    if (set.presence !== 'dir') {
      lines.push(
        `${inlineCode(set.config.dir)} ${set.presence === 'missing' ? 'does not exist' : 'is not a directory'}.`,
        '',
      );
      continue;
    }
    const manifest = used !== undefined && set.config.name === evaluation.config.release.manifest_set;
    lines.push(manifest ? '| origin | serial | the build used |' : '| origin | serial |');
    lines.push(manifest ? '| --- | --- | --- |' : '| --- | --- |');
    for (const origin of set.origins) {
      const value = origin.value
        ? formatSerialValue(origin.value)
        : `? (${origin.syntaxError ?? describeFileRead(origin.file)})`;
      const cells = [inlineCode(origin.origin), inlineCode(value)];
      if (manifest) cells.push(used[origin.origin] === undefined ? '—' : inlineCode(used[origin.origin] as string));
      lines.push(`| ${cells.map(tableCell).join(' | ')} |`);
    }
    lines.push('');
  }
  return lines;
}

const SHOWN_CHANGES = 30;

function packageLines(kind: string, changes: PackageChanges): string[] {
  const entries: string[] = [];
  for (const [word, list] of Object.entries(changes) as [keyof PackageChanges, PackageChanges['added']][]) {
    for (const change of list) {
      const name = change.arch === undefined ? change.package : `${change.package}:${change.arch}`;
      const versions = [change.from, change.to].filter((v) => v !== undefined).join(' → ');
      entries.push(`- ${word} ${inlineCode(name)} ${inlineCode(versions)}`);
    }
  }
  const counts = (Object.keys(changes) as (keyof PackageChanges)[]).map((k) => `${changes[k].length} ${k}`).join(', ');
  const shown = entries.slice(0, SHOWN_CHANGES);
  return [
    `**${kind} packages:** ${counts}.`,
    '',
    ...shown,
    ...(entries.length > shown.length ? [`- … and ${entries.length - shown.length} more`] : []),
    '',
  ];
}

function manifestLines(evaluation: ReleaseEvaluation): string[] {
  const manifest = evaluation.manifest;
  if (!manifest) return [];
  const lines = ['### Build manifest', '', `Read from ${inlineCode(manifest.source, 300)}.`, ''];
  const changes = manifest.changes;
  if (!changes) return lines;
  lines.push('Since the previous release:', '');
  lines.push(
    ...(changes.serials.length === 0
      ? ['- no serial changed']
      : changes.serials.map(
          (s) => `- ${inlineCode(s.origin)}: ${inlineCode(s.from ?? 'none')} → ${inlineCode(s.to ?? 'none')}`,
        )),
    '',
  );
  return [...lines, ...packageLines('Binary', changes.binary), ...packageLines('Source', changes.source)];
}

function parametersText(parameters: Readonly<Record<string, string>>): string {
  return Object.entries(parameters)
    .map(([name, value]) => inlineCode(`${name}=${value}`, 300))
    .join(' ');
}

function jobsLines(jobs: readonly JobStatus[], checkName: string): string[] {
  if (jobs.length === 0) return [];
  const lines = ['### Jobs', '', '| job | state | parameters | follow it |', '| --- | --- | --- | --- |'];
  for (const job of jobs) {
    const follow = job.url ? `[${escapeMarkdown(job.url)}](${job.url})` : '—';
    lines.push(
      `| ${[inlineCode(job.job), STATE_WORDS[job.state], parametersText(job.parameters), follow].map(tableCell).join(' | ')} |`,
    );
  }
  lines.push('', ...jobs.map((job) => `- ${inlineCode(job.job)}: ${escapeMarkdown(job.message)}`));
  lines.push(
    '',
    `Each job has a check of its own, ${inlineCode(jobCheckName(checkName, 'build_IUKs'))} and the like, to re-run.`,
    '',
  );
  return lines;
}

export interface ReleaseCheckInput {
  checkName: string;
  evaluation: ReleaseEvaluation;
  jobs: readonly JobStatus[];
  subject: Extract<ReleaseSubject, { kind: 'release' }>;
  notes?: readonly string[];
}

function releaseTitle(evaluation: ReleaseEvaluation): string {
  const { verdict } = evaluation;
  if (verdict.findings.some((f) => f.severity !== 'notice') || verdict.conclusion === 'incomplete')
    return checkTitle(verdict);
  const notices = verdict.findings.length;
  return `${evaluation.tag}: a sound release${notices === 0 ? '' : ` (${notices} notice${notices === 1 ? '' : 's'})`}`;
}

/** The release check run on the tagged commit: the verdict, the snapshots, the manifest, and the jobs. */
export function renderReleaseCheck(input: ReleaseCheckInput): CheckReport {
  const { evaluation } = input;
  const { verdict } = evaluation;
  const version = evaluation.version === undefined ? '' : ` of ${inlineCode(evaluation.version)}`;
  const date =
    evaluation.inputs?.sourceDateEpoch === undefined
      ? ''
      : ` Dated ${new Date(evaluation.inputs.sourceDateEpoch * 1000).toISOString().replace('.000Z', 'Z')} (SOURCE_DATE_EPOCH ${evaluation.inputs.sourceDateEpoch}).`;
  const heading =
    verdict.conclusion === 'success'
      ? `**✅ ${inlineCode(evaluation.tag)} is a sound release**${version} at ${inlineCode(short(evaluation.commit.sha))}.${date}`
      : verdict.conclusion === 'incomplete'
        ? `**⚠️ ${inlineCode(evaluation.tag)}${version} could not be judged whole**: the snapshot server did not answer.${date}`
        : `**❌ ${inlineCode(evaluation.tag)} is not a sound release**${version} at ${inlineCode(short(evaluation.commit.sha))}.${date}`;
  const marker = releaseMarker(input.subject);
  const body = [
    heading,
    '',
    ...(input.notes ?? []).flatMap((n) => [n, '']),
    ...findingLines(verdict.findings),
    ...jobsLines(input.jobs, input.checkName),
    ...setsTable(evaluation),
    ...manifestLines(evaluation),
    ...(verdict.skipped.length > 0
      ? ['### Skipped rules', '', ...verdict.skipped.map((s) => `- ${inlineCode(s.rule)}: ${s.reason}`), '']
      : []),
    `**Rules:** ${escapeMarkdown(describeRules(evaluation.rules))}.`,
    '',
  ].join('\n');
  return {
    name: releaseCheckName(input.checkName),
    headSha: evaluation.commit.sha,
    // GitLab files a status under a ref: the tag, which holds the commit whatever branches do.
    ref: evaluation.tag,
    conclusion: conclusionOf(verdict),
    title: releaseTitle(evaluation),
    summary: `${body}\n${marker}`,
    annotations: annotationsFor(verdict.findings.filter(inRepository)),
    fixes: [],
  };
}

export interface JobCheckInput {
  checkName: string;
  tag: string;
  sha: string;
  status: JobStatus;
  manifestUrl?: string;
  notes?: readonly string[];
}

const JOB_CONCLUSION: Record<JobState, { conclusion: CheckConclusion; pending?: 'queued' | 'in_progress' }> = {
  waiting: { conclusion: 'neutral', pending: 'queued' },
  starting: { conclusion: 'neutral', pending: 'in_progress' },
  held: { conclusion: 'neutral' },
  started: { conclusion: 'success' },
  failed: { conclusion: 'failure' },
  // A failure, so that it shows and can be re-run, once a person has looked at the CI.
  unknown: { conclusion: 'failure' },
};

/** A job's own check run: its state, what it was or will be started with, and where to follow it. */
export function renderJobCheck(input: JobCheckInput): CheckReport {
  const { status } = input;
  const subject: ReleaseSubject = {
    kind: 'job',
    tag: input.tag,
    sha: input.sha,
    job: status.job,
    state: status.state,
    ...(status.attempt === undefined ? {} : { attempt: status.attempt }),
    ...(input.manifestUrl === undefined ? {} : { manifestUrl: input.manifestUrl }),
  };
  const request = status.request;
  const body = [
    `**${STATE_WORDS[status.state]}: ${inlineCode(status.job)} of ${inlineCode(input.tag)}**${status.attempt === undefined ? '' : `, attempt ${status.attempt}`}.`,
    '',
    ...(input.notes ?? []).flatMap((n) => [n, '']),
    escapeMarkdown(status.message),
    '',
    ...(status.url ? [`Follow it: ${status.url}`, ''] : []),
    '### Parameters',
    '',
    '| name | value |',
    '| --- | --- |',
    ...Object.entries(status.parameters).map(
      ([name, value]) =>
        `| ${tableCell(inlineCode(name))} | ${value === '' ? '_(empty)_' : tableCell(inlineCode(value, 300))} |`,
    ),
    '',
    status.trigger === undefined
      ? 'No trigger is configured for this job: the deployment sets one in `jobs` (see the README), or someone starts it by hand with these parameters.'
      : `${status.state === 'started' || status.state === 'failed' || status.state === 'unknown' ? 'Started by' : 'To be started by'} ${escapeMarkdown(status.trigger)}${request ? `: ${inlineCode(`${request.method} ${request.url}`, 300)}` : ''}.`,
    '',
  ].join('\n');
  const { conclusion, pending } = JOB_CONCLUSION[status.state];
  return {
    name: jobCheckName(input.checkName, status.job),
    headSha: input.sha,
    ref: input.tag,
    conclusion,
    ...(pending ? { pending } : {}),
    ...(status.url ? { detailsUrl: status.url } : {}),
    title: `${STATE_WORDS[status.state].replace(/^\S+ /, '')}: ${status.message}`.slice(0, 120),
    summary: `${body}\n${releaseMarker(subject)}`,
    annotations: [],
    fixes: [],
  };
}

/**
 * The release check of a tag that could not be judged: it fails, so that
 * nothing reads silence as consent, and carries the release's subject, so
 * "Re-run" judges the tag again.
 */
export function renderReleaseFailure(
  checkName: string,
  subject: { tag: string; sha: string },
  error: unknown,
): CheckReport {
  const { reason, detail } = describeFailure(error);
  return {
    name: releaseCheckName(checkName),
    headSha: subject.sha,
    ref: subject.tag,
    conclusion: 'failure',
    title: `Could not judge: ${reason}`,
    summary: [
      `**Could not judge the release ${inlineCode(subject.tag)} at ${inlineCode(short(subject.sha))}.** A re-run never starts a job twice.`,
      '',
      detail,
      '',
      releaseMarker({ kind: 'release', tag: subject.tag, sha: subject.sha }),
    ].join('\n'),
    annotations: [],
    fixes: [],
  };
}
