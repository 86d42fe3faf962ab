import type { TriggerConfig } from '../../config/schema.js';
import type { DescribedRequest, JobRequest, JobTrigger, TriggeredJob } from '../../ports/job-trigger.js';
import { exchange, httpSettings, jsonBody, refusal, type HttpRequest, type HttpSettings } from './http-exchange.js';
import { checkParameters } from './job-parameters.js';
import { appendPath, displayBase, safeLink } from './links.js';
import { readCredential, redactor, type Redact } from './secrets.js';
import type { FailureContext } from './trigger-failure.js';
import type { ResolvedOptions } from './trigger-options.js';

type GitLabConfig = Extract<TriggerConfig, { type: 'gitlab' }>;

/**
 * GitLab's pipeline trigger API: `POST /api/v4/projects/:id/trigger/pipeline`
 * with a pipeline trigger token, the ref, and the parameters as CI/CD
 * variables; the pipeline runs the job.
 */
export class GitLabTrigger implements JobTrigger {
  readonly description: string;
  private readonly token: string;
  private readonly redact: Redact;
  private readonly http: HttpSettings;

  /** @throws UsageError when the token variable is missing */
  constructor(
    private readonly config: GitLabConfig,
    env: NodeJS.ProcessEnv,
    options: ResolvedOptions,
  ) {
    this.description = `GitLab at ${displayBase(config.url)}, project ${config.project}, ref ${config.ref}`;
    this.token = readCredential(env, config.token_env, 'token_env', this.description);
    this.redact = redactor([this.token]);
    this.http = httpSettings(options, this.redact, config.timeout_ms);
  }

  describe(request: JobRequest): DescribedRequest {
    checkParameters(request, this.context(request));
    return {
      method: 'POST',
      url: this.url().href,
      parameters: { ...request.parameters },
      headers: ['Content-Type', 'User-Agent'],
    };
  }

  async trigger(request: JobRequest): Promise<TriggeredJob> {
    const context = this.context(request);
    checkParameters(request, context);
    // The token goes in the form, as GitLab documents it, not in the URL where logs would keep it.
    const form = new URLSearchParams({ token: this.token, ref: this.config.ref });
    for (const [name, value] of Object.entries(request.parameters)) form.append(`variables[${name}]`, value);
    const post: HttpRequest = {
      method: 'POST',
      url: this.url(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'apt-snapshots-bot' },
      body: form.toString(),
      startsJob: true,
    };
    const answer = await exchange(this.http, post, context);
    if (answer.status < 200 || answer.status > 299) throw refusal(post, answer, context);
    const json = jsonBody(answer);
    if (!json.ok) {
      this.http.log.warn(
        `${this.description}: ${request.job}: a pipeline was created, but its answer is unreadable: ${json.problem}`,
      );
      return { status: 'started' };
    }
    const pipeline = json.value as { id?: unknown; web_url?: unknown } | null;
    return {
      status: 'started',
      url: safeLink(pipeline?.web_url),
      id: typeof pipeline?.id === 'number' ? String(pipeline.id) : undefined,
    };
  }

  /** The project by id, or by its path with "/" encoded (tails%2Ftails), as GitLab's API takes it. */
  private url(): URL {
    return appendPath(this.config.url, ['api', 'v4', 'projects', String(this.config.project), 'trigger', 'pipeline']);
  }

  private context(request: JobRequest): FailureContext {
    return {
      description: this.description,
      ci: 'GitLab',
      job: request.job,
      credentials: `the pipeline trigger token in ${this.config.token_env}`,
      redact: this.redact,
    };
  }
}
