import type { TriggerConfig } from '../../config/schema.js';
import type { DescribedRequest, JobRequest, JobTrigger, TriggeredJob } from '../../ports/job-trigger.js';
import {
  exchange,
  httpSettings,
  jsonBody,
  refusal,
  type HttpAnswer,
  type HttpRequest,
  type HttpSettings,
} from './http-exchange.js';
import { checkParameters } from './job-parameters.js';
import { appendPath, displayBase, safeLink } from './links.js';
import { readCredential, redactor, type Redact } from './secrets.js';
import { triggerError, type FailureContext } from './trigger-failure.js';
import type { ResolvedOptions } from './trigger-options.js';

type GitHubActionsConfig = Extract<TriggerConfig, { type: 'github-actions' }>;

/** GitHub refuses a dispatch with more inputs than this. */
const MAX_INPUTS = 25;

/**
 * GitHub's workflow dispatch: `POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches`
 * with `{ref, inputs}`. Asked with `return_run_details` (February 2026),
 * GitHub answers 200 with the run; without it, or from a server that
 * predates it, 204 and nothing more.
 */
export class GitHubActionsTrigger implements JobTrigger {
  readonly description: string;
  private readonly authorization: string;
  private readonly redact: Redact;
  private readonly http: HttpSettings;

  /** @throws UsageError when the token variable is missing */
  constructor(
    private readonly config: GitHubActionsConfig,
    env: NodeJS.ProcessEnv,
    options: ResolvedOptions,
  ) {
    this.description = `GitHub Actions at ${displayBase(config.api_url)}, workflow ${config.workflow} of ${config.repository} on ${config.ref}`;
    const token = readCredential(env, config.token_env, 'token_env', this.description);
    this.authorization = `Bearer ${token}`;
    this.redact = redactor([token]);
    this.http = httpSettings(options, this.redact, config.timeout_ms);
  }

  describe(request: JobRequest): DescribedRequest {
    this.check(request);
    return {
      method: 'POST',
      url: this.url().href,
      parameters: { ...request.parameters },
      headers: ['Accept', 'Authorization', 'Content-Type', 'User-Agent', 'X-GitHub-Api-Version'],
    };
  }

  async trigger(request: JobRequest): Promise<TriggeredJob> {
    const context = this.check(request);
    const runs: TriggeredJob = { status: 'queued', url: this.runsPage() };
    let post = this.dispatch(request, true);
    let answer = await exchange(this.http, post, context);
    if (refusesRunDetails(answer)) {
      // A refusal: nothing was dispatched, so asking again without the option cannot start the job twice.
      this.http.log.info(`${this.description}: the server does not know return_run_details; dispatching without it`);
      post = this.dispatch(request, false);
      answer = await exchange(this.http, post, context);
    }
    if (answer.status === 204) return runs;
    if (answer.status < 200 || answer.status > 299) throw refusal(post, answer, context);
    const json = jsonBody(answer);
    const run = (json.ok ? json.value : null) as { workflow_run_id?: unknown; html_url?: unknown } | null;
    const url = safeLink(run?.html_url);
    if (typeof run?.workflow_run_id !== 'number' || url === undefined) {
      const why = json.ok ? 'no workflow_run_id and html_url' : json.problem;
      this.http.log.warn(`${this.description}: ${request.job} dispatched, but the run details are unreadable: ${why}`);
      return runs;
    }
    return { status: 'started', url, id: String(run.workflow_run_id) };
  }

  private dispatch(request: JobRequest, runDetails: boolean): HttpRequest {
    const body = {
      ref: this.config.ref,
      inputs: request.parameters,
      ...(runDetails ? { return_run_details: true } : {}),
    };
    return {
      method: 'POST',
      url: this.url(),
      headers: {
        accept: 'application/vnd.github+json',
        authorization: this.authorization,
        'content-type': 'application/json',
        'user-agent': 'apt-snapshots-bot',
        'x-github-api-version': '2022-11-28',
      },
      body: JSON.stringify(body),
      startsJob: true,
    };
  }

  private check(request: JobRequest): FailureContext {
    const context: FailureContext = {
      description: this.description,
      ci: 'GitHub Actions',
      job: request.job,
      credentials: `the token in ${this.config.token_env}`,
      redact: this.redact,
    };
    checkParameters(request, context);
    const count = Object.keys(request.parameters).length;
    if (count > MAX_INPUTS) {
      throw triggerError(context, `${count} inputs, more than the ${MAX_INPUTS} a workflow dispatch takes`, {
        sent: false,
      });
    }
    return context;
  }

  private url(): URL {
    const [owner = '', repo = ''] = this.config.repository.split('/');
    return appendPath(this.config.api_url, [
      'repos',
      owner,
      repo,
      'actions',
      'workflows',
      String(this.config.workflow),
      'dispatches',
    ]);
  }

  /**
   * The web page of the workflow's runs, where the dispatched run appears:
   * api.github.com serves github.com, and GitHub Enterprise Server's API is
   * https://HOST/api/v3. A workflow named by its numeric id has no page of
   * its own, so that is the page of every run of the repository.
   */
  private runsPage(): string {
    const api = new URL(this.config.api_url);
    const web =
      api.hostname === 'api.github.com'
        ? 'https://github.com'
        : `${api.origin}${api.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '')}`;
    const [owner = '', repo = ''] = this.config.repository.split('/');
    const workflow = typeof this.config.workflow === 'string' ? ['workflows', this.config.workflow] : [];
    return appendPath(web, [owner, repo, 'actions', ...workflow]).href;
  }
}

/** GitHub Enterprise Server before February 2026 rejects the unknown key. */
function refusesRunDetails(answer: HttpAnswer): boolean {
  return (
    (answer.status === 400 || answer.status === 422) &&
    answer.body.ok &&
    answer.body.text.includes('return_run_details')
  );
}
