import type { TriggerConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import type { DescribedRequest, JobRequest, JobTrigger, TriggeredJob } from '../../ports/job-trigger.js';
import { exchange, httpSettings, jsonBody, refusal, type HttpRequest, type HttpSettings } from './http-exchange.js';
import { followQueueItem } from './jenkins-queue.js';
import { checkParameters } from './job-parameters.js';
import { appendPath, displayBase } from './links.js';
import { readCredential, redactor, type Redact } from './secrets.js';
import { triggerError, type FailureContext } from './trigger-failure.js';
import type { ResolvedOptions } from './trigger-options.js';

type JenkinsConfig = Extract<TriggerConfig, { type: 'jenkins' }>;

const USER_AGENT = 'apt-snapshots-bot';

/**
 * Jenkins' remote access API: `POST /job/NAME/buildWithParameters` with the
 * parameters as a form, authenticated by a user and their API token; then the
 * queue item Jenkins answers with, until it names the build.
 */
export class JenkinsTrigger implements JobTrigger {
  readonly description: string;
  private readonly authorization: string;
  private readonly redact: Redact;
  private readonly http: HttpSettings;

  /** @throws UsageError when a credential variable is missing */
  constructor(
    private readonly config: JenkinsConfig,
    env: NodeJS.ProcessEnv,
    private readonly options: ResolvedOptions,
  ) {
    this.description = `Jenkins at ${displayBase(config.url)}, job ${config.job}`;
    const user = readCredential(env, config.user_env, 'user_env', this.description);
    if (user.includes(':')) {
      throw new UsageError(
        `${this.description}: the user in ${config.user_env} (user_env) contains ":", which HTTP basic authentication cannot carry`,
      );
    }
    const token = readCredential(env, config.token_env, 'token_env', this.description);
    this.authorization = `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
    this.redact = redactor([token, this.authorization.slice('Basic '.length)]);
    this.http = httpSettings(options, this.redact, config.timeout_ms);
  }

  describe(request: JobRequest): DescribedRequest {
    checkParameters(request, this.context(request));
    return {
      method: 'POST',
      url: this.buildUrl().href,
      parameters: { ...request.parameters },
      headers: ['Authorization', 'Content-Type', 'User-Agent'],
    };
  }

  async trigger(request: JobRequest): Promise<TriggeredJob> {
    const context = this.context(request);
    checkParameters(request, context);
    const crumb = await this.crumb(context);
    const post: HttpRequest = {
      method: 'POST',
      url: this.buildUrl(),
      headers: {
        authorization: this.authorization,
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': USER_AGENT,
        ...crumb,
      },
      body: new URLSearchParams(request.parameters).toString(),
      startsJob: true,
    };
    const answer = await exchange(this.http, post, context);
    if (answer.status < 200 || answer.status > 299) throw refusal(post, answer, context);
    const jobPage = this.jobUrl().href;
    const location = answer.headers.get('location');
    const queueItem = location === null ? undefined : queueItemUrl(location, answer.url);
    if (queueItem === undefined) {
      this.http.log.warn(`${this.description}: ${request.job} queued, but Jenkins named no queue item to follow`);
      return { status: 'queued', url: jobPage };
    }
    if (queueItem.origin !== answer.url.origin) {
      // Jenkins builds the Location from its configured root URL; our credentials are only for the configured one.
      this.http.log.warn(
        `${this.description}: ${request.job} queued as ${queueItem.href}, on another origin than ${answer.url.origin}: not followed with our credentials`,
      );
      return { status: 'queued', url: queueItem.href };
    }
    return followQueueItem({
      queueItem,
      jobPage,
      headers: { authorization: this.authorization, 'user-agent': USER_AGENT },
      timeoutMs: this.config.queue_timeout_ms,
      http: this.http,
      now: this.options.now,
      context,
    });
  }

  /**
   * The crumb header Jenkins' CSRF protection asks for, and the session it
   * is bound to (since Jenkins 2.176.2 a crumb is only valid in the web
   * session it was issued in). A 404 means CSRF protection is off. With an
   * API token Jenkins skips the check, but a password still needs it.
   */
  private async crumb(context: FailureContext): Promise<Record<string, string>> {
    const request: HttpRequest = {
      method: 'GET',
      url: appendPath(this.config.url, ['crumbIssuer', 'api', 'json']),
      headers: { authorization: this.authorization, accept: 'application/json', 'user-agent': USER_AGENT },
      startsJob: false,
    };
    const answer = await exchange(this.http, request, context);
    if (answer.status === 404) return {};
    if (answer.status !== 200) throw refusal(request, answer, context);
    const json = jsonBody(answer);
    const { crumbRequestField: field, crumb } = (json.ok ? json.value : {}) as Record<string, unknown>;
    // Both go into a header: fetch would refuse anything else only once we count the POST as sent.
    if (
      typeof field !== 'string' ||
      !/^[A-Za-z0-9-]+$/.test(field) ||
      typeof crumb !== 'string' ||
      !/^[!-~]+$/.test(crumb)
    ) {
      const why = json.ok ? 'no crumbRequestField and crumb fit for a header' : json.problem;
      throw triggerError(context, `the crumb from ${answer.where} is unusable: ${why}`, { sent: false });
    }
    const session = answer.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0]?.trim() ?? '')
      .filter((pair) => pair.includes('='));
    return { [field.toLowerCase()]: crumb, ...(session.length > 0 ? { cookie: session.join('; ') } : {}) };
  }

  /** A job in a folder is /job/FOLDER/job/NAME. */
  private jobUrl(last = ''): URL {
    return appendPath(this.config.url, [...this.config.job.split('/').flatMap((name) => ['job', name]), last]);
  }

  private buildUrl(): URL {
    return this.jobUrl('buildWithParameters');
  }

  private context(request: JobRequest): FailureContext {
    return {
      description: this.description,
      ci: 'Jenkins',
      job: request.job,
      credentials: `the user and API token in ${this.config.user_env} and ${this.config.token_env}`,
      redact: this.redact,
    };
  }
}

/** Jenkins answers a queued build with `Location: …/queue/item/N/`. */
function queueItemUrl(location: string, base: URL): URL | undefined {
  if (!URL.canParse(location, base.href)) return undefined;
  const url = new URL(location, base);
  if (!/\/queue\/item\/\d+\/?$/.test(url.pathname) || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    return undefined;
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}
