import { createHmac, randomUUID } from 'node:crypto';
import type { TriggerConfig } from '../../config/schema.js';
import type { DescribedRequest, JobRequest, JobTrigger, TriggeredJob } from '../../ports/job-trigger.js';
import { exchange, httpSettings, jsonBody, refusal, type HttpRequest, type HttpSettings } from './http-exchange.js';
import { checkParameters } from './job-parameters.js';
import { displayBase, safeLink } from './links.js';
import { readCredential, redactor, type Redact } from './secrets.js';
import type { FailureContext } from './trigger-failure.js';
import type { ResolvedOptions } from './trigger-options.js';

type WebhookConfig = Extract<TriggerConfig, { type: 'webhook' }>;

const SIGNATURE_HEADER = 'X-Apt-Snapshots-Signature-256';
const DELIVERY_HEADER = 'X-Apt-Snapshots-Delivery';

/**
 * A generic webhook: `POST {"job", "parameters"}` as JSON, signed like
 * GitHub's webhooks: `sha256=` and the hex HMAC-SHA256 of the exact body
 * with the shared secret, which the receiver recomputes to check it.
 */
export class WebhookTrigger implements JobTrigger {
  readonly description: string;
  private readonly secret: string;
  private readonly redact: Redact;
  private readonly http: HttpSettings;

  /** @throws UsageError when the secret variable is missing */
  constructor(
    private readonly config: WebhookConfig,
    env: NodeJS.ProcessEnv,
    options: ResolvedOptions,
  ) {
    this.description = `webhook at ${displayBase(config.url)}`;
    this.secret = readCredential(env, config.secret_env, 'secret_env', this.description);
    this.redact = redactor([this.secret]);
    this.http = httpSettings(options, this.redact, config.timeout_ms);
  }

  describe(request: JobRequest): DescribedRequest {
    checkParameters(request, this.context(request));
    return {
      method: 'POST',
      url: new URL(this.config.url).href,
      parameters: { ...request.parameters },
      headers: ['Content-Type', 'User-Agent', DELIVERY_HEADER, SIGNATURE_HEADER],
    };
  }

  async trigger(request: JobRequest): Promise<TriggeredJob> {
    const context = this.context(request);
    checkParameters(request, context);
    const body = JSON.stringify({ job: request.job, parameters: request.parameters });
    const post: HttpRequest = {
      method: 'POST',
      url: new URL(this.config.url),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'apt-snapshots-bot',
        [DELIVERY_HEADER.toLowerCase()]: randomUUID(),
        [SIGNATURE_HEADER.toLowerCase()]: `sha256=${createHmac('sha256', this.secret).update(body, 'utf8').digest('hex')}`,
      },
      body,
      startsJob: true,
    };
    const answer = await exchange(this.http, post, context);
    if (answer.status < 200 || answer.status > 299) throw refusal(post, answer, context);
    // The receiver may say where the job can be followed; it owes us nothing more than a 2xx.
    const json = jsonBody(answer);
    const said = (json.ok ? json.value : null) as { url?: unknown; id?: unknown } | null;
    const id = typeof said?.id === 'string' || typeof said?.id === 'number' ? String(said.id) : undefined;
    return { status: 'started', url: safeLink(said?.url), id };
  }

  private context(request: JobRequest): FailureContext {
    return {
      description: this.description,
      ci: 'the webhook receiver',
      job: request.job,
      credentials: `the signature made with the secret in ${this.config.secret_env}`,
      redact: this.redact,
    };
  }
}
