import type { CheckReport } from '../../ports/forge.js';
import type { ExistingCheckRun, KnownCheckRuns } from './check-runs-read.js';
import {
  annotationBatches,
  annotationsId,
  checkRunActions,
  checkRunSummary,
  type GitHubAnnotation,
} from './check-output.js';
import { call } from './forge-error.js';
import { isOurApp, type ForgeContext } from './forge-context.js';

interface Run {
  id: number;
  html_url: string | null;
  url: string;
}

/** The app's latest run of the report's name on its commit: from `known` when it is about that commit, else asked of GitHub. */
async function existingRun(
  { octokit, repository, identity }: ForgeContext,
  report: CheckReport,
  known: KnownCheckRuns | undefined,
): Promise<ExistingCheckRun | undefined> {
  if (known?.sha === report.headSha) return known.runs.get(report.name);
  const listed = await call('ensureCheck', () =>
    octokit.rest.checks.listForRef({
      owner: repository.owner,
      repo: repository.repo,
      ref: report.headSha,
      check_name: report.name,
      filter: 'latest',
      ...(identity.appId !== undefined ? { app_id: identity.appId } : {}),
    }),
  );
  const run = listed.data.check_runs
    .filter((r) => r.name === report.name && isOurApp(identity, r.app))
    .sort((a, b) => b.id - a.id)[0];
  return run && { id: run.id, externalId: run.external_id, annotationsCount: run.output.annotations_count };
}

/**
 * Reports `report` as the check run of its name on its commit: one run per
 * commit and name, whatever the number of re-runs and redeliveries.
 *
 * A run the app already made there is updated. GitHub appends annotations
 * on every update and has no way to remove them, so the run is updated
 * with them only when it has none yet, and without them when it already
 * carries exactly these (its external_id records which: see annotationsId),
 * whatever its title and summary said; only a run carrying other
 * annotations is replaced by a new one, as GitHub shows the latest run of
 * a name.
 */
export async function ensureCheckRun(
  context: ForgeContext,
  report: CheckReport,
  known?: KnownCheckRuns,
): Promise<{ id: number; url: string }> {
  const { octokit, repository } = context;
  const { owner, repo } = repository;
  const op = 'ensureCheck';
  const output = { title: report.title, summary: checkRunSummary(report.summary) };
  const batches = annotationBatches(report.annotations);
  const externalId = annotationsId(report.annotations);
  const existing = await existingRun(context, report, known);

  const update = (
    id: number,
    fields: { output: typeof output & { annotations?: GitHubAnnotation[] } } & Record<string, unknown>,
  ) => call(op, () => octokit.rest.checks.update({ owner, repo, check_run_id: id, ...fields }));
  const final = {
    ...(report.pending === undefined
      ? { status: 'completed' as const, conclusion: report.conclusion }
      : { status: report.pending }),
    ...(report.detailsUrl === undefined ? {} : { details_url: report.detailsUrl }),
    actions: checkRunActions(report.fixes),
    external_id: externalId,
  };
  const carriesThese =
    existing !== undefined &&
    existing.externalId === externalId &&
    existing.annotationsCount === report.annotations.length;

  let run: Run;
  let remaining: GitHubAnnotation[][];
  if (existing && (carriesThese || existing.annotationsCount === 0)) {
    const first = carriesThese ? [] : batches.slice(0, 1);
    run = (
      await update(existing.id, { ...final, output: { ...output, ...(first[0] ? { annotations: first[0] } : {}) } })
    ).data;
    remaining = carriesThese ? [] : batches.slice(1);
  } else {
    const created = await call(op, () =>
      octokit.rest.checks.create({
        owner,
        repo,
        name: report.name,
        head_sha: report.headSha,
        ...final,
        output: { ...output, ...(batches[0] ? { annotations: batches[0] } : {}) },
      }),
    );
    run = created.data;
    remaining = batches.slice(1);
  }
  for (const annotations of remaining) await update(run.id, { output: { ...output, annotations } });
  return { id: run.id, url: run.html_url ?? run.url };
}

/**
 * The app's latest run named `name` on the commit `ref` names: GitHub
 * takes a tag or a branch there as well as a sha. The conclusion of a run
 * not completed is its status (`queued`, `in_progress`). Requests: 1.
 */
export async function latestCheckRun(
  { octokit, repository, identity }: ForgeContext,
  ref: string,
  name: string,
): Promise<{ sha: string; conclusion: string; url: string } | undefined> {
  const listed = await call('latestCheck', () =>
    octokit.rest.checks.listForRef({
      owner: repository.owner,
      repo: repository.repo,
      ref,
      check_name: name,
      filter: 'latest',
      ...(identity.appId !== undefined ? { app_id: identity.appId } : {}),
    }),
  );
  const run = listed.data.check_runs
    .filter((r) => r.name === name && isOurApp(identity, r.app))
    .sort((a, b) => b.id - a.id)[0];
  return run && { sha: run.head_sha, conclusion: run.conclusion ?? run.status, url: run.html_url ?? run.url };
}
