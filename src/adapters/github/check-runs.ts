import type { CheckReport } from '../../ports/forge.js';
import { annotationBatches, truncateSummary, type GitHubAnnotation } from './check-output.js';
import { call } from './forge-error.js';
import { isOurApp, type ForgeContext } from './forge-context.js';

interface Run {
  id: number;
  html_url: string | null;
  url: string;
}

/**
 * Reports `report` as the check run of its name on its commit.
 *
 * A run the app already made there is updated, so a redelivered webhook
 * leaves one run. GitHub appends annotations on every update and has no way
 * to remove them, so an existing run is updated only when it has no
 * annotations yet, or already carries these (same title, summary and
 * count; only status and actions are refreshed); otherwise a new run
 * replaces it, as GitHub shows the latest run of a name.
 */
export async function ensureCheckRun({ octokit, repository, identity }: ForgeContext, report: CheckReport): Promise<{ id: number; url: string }> {
  const { owner, repo } = repository;
  const op = 'ensureCheck';
  const output = { title: report.title, summary: truncateSummary(report.summary) };
  const batches = annotationBatches(report.annotations);
  const listed = await call(op, () =>
    octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: report.headSha,
      check_name: report.name,
      filter: 'latest',
      ...(identity.appId !== undefined ? { app_id: identity.appId } : {}),
    }),
  );
  const existing = listed.data.check_runs
    .filter((run) => run.name === report.name && isOurApp(identity, run.app))
    .sort((a, b) => b.id - a.id)[0];

  const update = (id: number, fields: { output: typeof output & { annotations?: GitHubAnnotation[] } } & Record<string, unknown>) =>
    call(op, () => octokit.rest.checks.update({ owner, repo, check_run_id: id, ...fields }));
  const final = { status: 'completed' as const, conclusion: report.conclusion, actions: report.actions };
  const carriesThese =
    existing !== undefined &&
    existing.output.annotations_count === report.annotations.length &&
    existing.output.title === output.title &&
    existing.output.summary === output.summary;

  let run: Run;
  let remaining: GitHubAnnotation[][];
  if (existing && (carriesThese || existing.output.annotations_count === 0)) {
    const first = carriesThese ? [] : batches.slice(0, 1);
    run = (await update(existing.id, { ...final, output: { ...output, ...(first[0] ? { annotations: first[0] } : {}) } })).data;
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
