import { performance } from 'node:perf_hooks';
import { fields, NOT_FOUND, Refusal, type Answer, type Route } from './fake-github-http.js';
import type { FakeCheckRun } from './fake-ref-graphql.js';

export interface CreatedCheckRun {
  name: string;
  headSha: string;
  conclusion: string;
  /** performance.now() when it was created. */
  at: number;
}

type Run = FakeCheckRun & {
  headSha: string;
  title: string | null;
  summary: string | null;
  status: string;
  conclusion: string | null;
  detailsUrl: string | null;
};

/** A run as it stands now, for tests that look at what the app wrote. */
export type CheckRunState = Readonly<Run>;

/**
 * The check runs API: runs are created, updated (annotations add up, as on
 * GitHub) and listed for their commit, name and app, and stay across
 * resets as they would on GitHub. A run on a commit the repository does
 * not have is refused as GitHub refuses it (422, "No commit found").
 */
export class FakeCheckRuns {
  private readonly runs: Run[] = [];
  private created: CreatedCheckRun[] = [];

  constructor(
    private readonly app: { id: number; slug: string },
    private readonly repoPath: string,
    private readonly htmlRoot: string,
    private readonly hasCommit: (sha: string) => boolean,
  ) {}

  /** The runs on commit `sha`, for the GraphQL read. */
  on(sha: string): readonly Run[] {
    return this.runs.filter((run) => run.headSha === sha);
  }

  /** The latest run of `name` on commit `sha`, as updated since. */
  latest(sha: string, name: string): CheckRunState | undefined {
    return this.runs.filter((run) => run.headSha === sha && run.name === name).at(-1);
  }

  /** Created since the last reset. */
  createdSinceReset(): CreatedCheckRun[] {
    return [...this.created];
  }

  reset(): void {
    this.created = [];
  }

  private json(run: Run): Record<string, unknown> {
    return {
      id: run.id,
      name: run.name,
      head_sha: run.headSha,
      status: run.status,
      conclusion: run.conclusion,
      details_url: run.detailsUrl,
      html_url: `${this.htmlRoot}/runs/${run.id}`,
      url: `${this.repoPath}/check-runs/${run.id}`,
      app: { id: run.appId, slug: this.app.slug },
      external_id: run.externalId,
      output: { title: run.title, summary: run.summary, annotations_count: run.annotationsCount },
    };
  }

  private noCommit(sha: unknown): Answer {
    return { status: 422, json: { message: `No commit found for SHA: ${String(sha)}` } };
  }

  routes(repo: string): Route[] {
    return [
      {
        name: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
        method: 'GET',
        path: new RegExp(`^${repo}/commits/([^/]+)/check-runs$`),
        as: 'installation',
        handler: ({ match, query }) => {
          const sha = match[1] ?? '';
          if (!this.hasCommit(sha)) return this.noCommit(sha);
          const listed = this.on(sha)
            .filter((run) => run.name === query.get('check_name') && String(run.appId) === query.get('app_id'))
            .map((run) => this.json(run));
          return { status: 200, json: { total_count: listed.length, check_runs: listed } };
        },
      },
      {
        name: 'POST /repos/{owner}/{repo}/check-runs',
        method: 'POST',
        path: new RegExp(`^${repo}/check-runs$`),
        as: 'installation',
        handler: ({ body }) => {
          const {
            name,
            head_sha: headSha,
            conclusion,
            status,
            details_url: detailsUrl,
            external_id: externalId,
            output,
          } = fields(body);
          if (typeof name !== 'string' || typeof headSha !== 'string')
            throw new Refusal(422, 'a check run needs name and head_sha');
          if (!this.hasCommit(headSha)) return this.noCommit(headSha);
          const out = fields(output);
          const run: Run = {
            id: this.runs.length + 1,
            appId: this.app.id,
            name,
            headSha,
            externalId: typeof externalId === 'string' ? externalId : null,
            title: typeof out.title === 'string' ? out.title : null,
            summary: typeof out.summary === 'string' ? out.summary : null,
            annotationsCount: Array.isArray(out.annotations) ? out.annotations.length : 0,
            status: typeof status === 'string' ? status : 'completed',
            conclusion: typeof conclusion === 'string' ? conclusion : null,
            detailsUrl: typeof detailsUrl === 'string' ? detailsUrl : null,
          };
          this.runs.push(run);
          this.created.push({
            name,
            headSha,
            conclusion: typeof conclusion === 'string' ? conclusion : 'none',
            at: performance.now(),
          });
          return { status: 201, json: this.json(run) };
        },
      },
      {
        name: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
        method: 'PATCH',
        path: new RegExp(`^${repo}/check-runs/(\\d+)$`),
        as: 'installation',
        handler: ({ match, body }) => {
          const run = this.runs.find((r) => r.id === Number(match[1]));
          if (!run) return NOT_FOUND;
          const { external_id: externalId, output, conclusion, status, details_url: detailsUrl } = fields(body);
          const out = fields(output);
          if (typeof status === 'string') run.status = status;
          if (typeof conclusion === 'string' || status !== undefined)
            run.conclusion = typeof conclusion === 'string' ? conclusion : null;
          if (typeof detailsUrl === 'string') run.detailsUrl = detailsUrl;
          if (typeof externalId === 'string') run.externalId = externalId;
          if (typeof out.title === 'string') run.title = out.title;
          if (typeof out.summary === 'string') run.summary = out.summary;
          if (Array.isArray(out.annotations)) run.annotationsCount += out.annotations.length;
          return { status: 200, json: this.json(run) };
        },
      },
    ];
  }
}
