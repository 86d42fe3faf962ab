import type { ManifestChanges, PackageChange, PackageChanges } from '../domain/build-manifest.js';
import { describeFileRead, type RefState } from '../domain/state.js';
import type { ReleaseEvaluation } from '../flow/release.js';
import type { JobPlan } from '../release/jobs.js';
import { conclusionLine, describeRef, setsTable } from './check-report.js';
import type { DescribedJob } from './described-job.js';
import { formatFinding } from './findings-text.js';
import type { ManifestRead } from './manifest-input.js';
import { rulesLines } from './rules-option.js';
import { PLAIN, type Style } from './style.js';
import { terminalLine } from './terminal-text.js';

/** A job of the release, and how the configured trigger would start it (null: none is configured). */
export interface JobLine {
  plan: JobPlan;
  trigger: DescribedJob | null;
}

export interface ReleaseReportInput {
  run: { evaluation: ReleaseEvaluation; manifest?: ManifestRead; manifestUnreadable?: string; previous?: ManifestRead };
  jobs: readonly JobLine[];
  /** How to name the file the deployment's settings go in: `--config deploy.yml`, or `--config FILE`. */
  configHint: string;
  style?: Style;
}

/** Package changes listed per kind (binary, source) before "… and N more": the whole lists are in the JSON. */
export const SHOWN_PACKAGE_CHANGES = 20;

const CHANGE_WORDS: readonly (keyof PackageChanges)[] = ['added', 'removed', 'upgraded', 'downgraded'];

function utc(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function versionLine(evaluation: ReleaseEvaluation): string {
  const { state, inputs } = evaluation;
  const { changelog } = state;
  if (!changelog.entry)
    return `Version:     ?  (${changelog.path} ${changelog.error ?? describeFileRead(changelog.file)})`;
  const epoch = inputs?.sourceDateEpoch;
  const date =
    epoch === undefined ? 'no SOURCE_DATE_EPOCH: the entry has no date' : `SOURCE_DATE_EPOCH ${epoch}, ${utc(epoch)}`;
  return `Version:     ${changelog.entry.version} (${changelog.entry.distribution}; ${date})`;
}

function overlaysLine(state: RefState): string {
  const { overlays } = state;
  if (overlays.presence !== 'dir')
    return `Overlays:    ${overlays.path} is ${overlays.presence === 'missing' ? 'missing' : 'not a directory'}`;
  return `Overlays:    ${overlays.entries.length === 0 ? 'none' : overlays.entries.join(', ')}`;
}

function serialLines(serials: Readonly<Record<string, string>>): string[] {
  const width = Math.max(0, ...Object.keys(serials).map((o) => o.length));
  return Object.entries(serials).map(([origin, serial]) => `  ${origin.padEnd(width)}  ${serial}`);
}

function packageName(change: PackageChange): string {
  return change.arch === undefined ? change.package : `${change.package}:${change.arch}`;
}

function packageLines(kind: string, changes: PackageChanges): string[] {
  const counts = CHANGE_WORDS.map((word) => `${changes[word].length} ${word}`).join(', ');
  const entry = (word: keyof PackageChanges) => (change: PackageChanges[typeof word][number]) => ({
    word,
    name: packageName(change),
    versions: [change.from, change.to].filter((v) => v !== undefined).join(' → '),
  });
  // Each list capped on its own: thousands added must not hide the few removed.
  const lists = CHANGE_WORDS.map((word) => ({
    shown: changes[word].slice(0, SHOWN_PACKAGE_CHANGES).map(entry(word)),
    more: Math.max(0, changes[word].length - SHOWN_PACKAGE_CHANGES),
    word,
  }));
  const width = Math.max(0, ...lists.flatMap((l) => l.shown.map((e) => e.name.length)));
  return [
    `  ${kind} packages: ${counts}`,
    ...lists.flatMap((list) => [
      ...list.shown.map((e) => `    ${e.word.padEnd(10)}  ${e.name.padEnd(width)}  ${e.versions}`),
      ...(list.more > 0 ? [`    … and ${list.more} more ${list.word} (--format json lists them all)`] : []),
    ]),
  ];
}

function changesLines(changes: ManifestChanges, previous: ManifestRead): string[] {
  const serials =
    changes.serials.length === 0
      ? 'none changed'
      : changes.serials.map((s) => `${s.origin} ${s.from ?? 'none'} → ${s.to ?? 'none'}`).join(', ');
  return [
    `Since the previous release's manifest, ${previous.input.source} (${previous.from}):`,
    `  serials: ${serials}`,
    ...packageLines('binary', changes.binary),
    ...packageLines('source', changes.source),
  ];
}

function manifestLines(input: ReleaseReportInput['run']): string[] {
  const { evaluation, manifest, previous } = input;
  if (input.manifestUnreadable !== undefined)
    return [
      `Build manifest: ${input.manifestUnreadable}: build-manifest is skipped, and tag-apt-snapshots waits for it`,
      '',
    ];
  if (!manifest) return ['Build manifest: none (--manifest FILE|URL, or jobs.tag-apt-snapshots.manifest_url)', ''];
  const where = `Build manifest: ${manifest.input.source} (${manifest.from})`;
  const summary = evaluation.manifest;
  // One that is not a manifest is a build-manifest finding, which says why.
  if (!summary) return [where, '  not a build manifest: see the findings', ''];
  const lines = [where, ...serialLines(summary.serials)];
  if (summary.changes && previous) lines.push(...changesLines(summary.changes, previous));
  return [...lines, ''];
}

function jobLines(jobs: readonly JobLine[], configHint: string, manifestUnreadable: boolean): string[] {
  if (jobs.length === 0) return ['Jobs: none, as long as the changelog gives no version', ''];
  const lines = ['Jobs:'];
  for (const { plan, trigger } of jobs) {
    const waiting =
      plan.nothingToDo !== undefined
        ? ` (nothing to start: ${plan.nothingToDo})`
        : plan.waitingFor === 'manifest'
          ? manifestUnreadable
            ? ' (waits for the build manifest, which the configured URL does not give yet: see above)'
            : ' (waits for the build manifest: --manifest URL, or jobs.tag-apt-snapshots.manifest_url)'
          : plan.waitingFor === 'readiness'
            ? ' (waits for the released images: the app polls jobs.build_IUKs.readiness_url; trigger build-iuks starts it)'
            : '';
    lines.push(`  ${plan.job}${waiting}`);
    lines.push(...Object.entries(plan.parameters).map(([name, value]) => `    ${name}=${value}`));
    lines.push(
      trigger
        ? `    trigger: ${trigger.description}: ${trigger.request.method} ${trigger.request.url}`
        : `    trigger: none (set jobs.${plan.job}.trigger in ${configHint})`,
    );
  }
  return [...lines, ''];
}

/**
 * The human report of `release check`: what was judged, the snapshots and
 * the build manifest, what is wrong, the jobs the release calls for and how
 * each would be started, and the conclusion. Every line stays one line,
 * whatever the repository or the manifest holds.
 */
export function releaseReport(input: ReleaseReportInput): string {
  const { evaluation } = input.run;
  const { state, verdict } = evaluation;
  const style = input.style ?? PLAIN;
  const lines = [
    terminalLine(`Checked tag ${evaluation.tag} = ${describeRef(state)}`),
    ...rulesLines({ rules: evaluation.rules }),
    '',
    ...[versionLine(evaluation), overlaysLine(state), '', 'Snapshot sets:', ...setsTable(state), ''].map(terminalLine),
    ...manifestLines(input.run).map(terminalLine),
  ];
  if (verdict.findings.length === 0) lines.push('Findings: none');
  else lines.push('Findings:', ...verdict.findings.map((f) => formatFinding(f, '  ', style)));
  if (verdict.skipped.length > 0)
    lines.push('', 'Skipped rules:', ...verdict.skipped.map((s) => `  ${s.rule}: ${s.reason}`));
  lines.push(
    '',
    ...jobLines(input.jobs, input.configHint, input.run.manifestUnreadable !== undefined).map(terminalLine),
    conclusionLine(verdict, style),
  );
  return `${lines.join('\n')}\n`;
}
