import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'probot';
import type { DeliveryOutcomes } from './delivery-outcomes.js';
import type { AppMetrics, WebhookOutcome } from './metrics.js';
import { summarise, type WebhookSummary } from './webhook-summary.js';
import { answer, header, readBody, TooLarge } from './webhook-http.js';

/** GitHub caps a webhook payload at 25 MB and drops larger ones before sending. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/**
 * GitHub counts a delivery as failed when the answer takes more than 10 s.
 * The handler goes on after the early answer (202), and the log line and
 * metrics still tell how it ended.
 */
const RESPOND_AFTER_MS = 9_000;

const JSON_TYPE = /^\s*application\/json\s*(;|$)/i;

/** Events GitHub sends an app like this one; any other name is counted as `other`, so that the metrics stay small. */
const KNOWN_EVENTS = new Set([
  'push',
  'pull_request',
  'check_run',
  'check_suite',
  'issue_comment',
  'issues',
  'create',
  'delete',
  'ping',
  'installation',
  'installation_repositories',
  'repository',
]);

/** Headers are the sender's to write: a log line carries at most this much of one. */
const MAX_HEADER_IN_LOG = 100;

/** What the endpoint needs of Probot: the webhook signature check, and the app's handlers. */
export interface WebhookReceiver {
  verify(payload: string, signature: string): Promise<boolean>;
  receive(event: { id: string; name: string; payload: unknown }): Promise<void>;
}

export interface WebhookEndpointOptions {
  receiver: WebhookReceiver;
  log: Logger;
  metrics: AppMetrics;
  outcomes: DeliveryOutcomes;
  maxBytes?: number;
  respondAfterMs?: number;
}

/** The message of whatever a handler threw, without its causes (they can hold a whole request). */
function messageOf(error: unknown): string {
  const errors = typeof error === 'object' && error !== null ? (error as { errors?: unknown }).errors : undefined;
  const first = Array.isArray(errors) && errors.length > 0 ? (errors[0] as unknown) : error;
  return first instanceof Error ? first.message : String(first);
}

interface Delivery {
  delivery: string | undefined;
  event: string | undefined;
  summary: WebhookSummary;
  started: number;
  /** Logged and counted already: abandoned at a stop, its handling may still end later. */
  done?: boolean;
}

/**
 * POST on the webhook path: GitHub's headers, a signature checked in
 * constant time against WEBHOOK_SECRET, then the app's handlers. Every
 * delivery, refused or handled, ends in exactly one log line (delivery,
 * event, repository, commit, outcome, duration) and one count in the
 * metrics. Handlers note a failure rather than throw it (app.ts, handled);
 * only a failure before them (Probot making the installation's client)
 * reaches Probot's own error line too.
 */
export class WebhookEndpoint {
  /** Deliveries from their first byte to their log line; a stop waits for them, and names those it gives up on. */
  private readonly inFlight = new Map<Promise<void>, Delivery>();
  private readonly maxBytes: number;
  private readonly respondAfterMs: number;

  constructor(private readonly options: WebhookEndpointOptions) {
    this.maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
    this.respondAfterMs = options.respondAfterMs ?? RESPOND_AFTER_MS;
  }

  /** Deliveries under way, from their first byte to their log line. */
  get pending(): number {
    return this.inFlight.size;
  }

  /**
   * Resolves when every delivery under way has ended, or after `graceMs`;
   * each one still running then is logged as abandoned, with what GitHub
   * needs to send it again, since GitHub may have counted it as delivered.
   */
  async settled(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      Promise.allSettled([...this.inFlight.keys()]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (ended) return;
    for (const delivery of this.inFlight.values())
      this.finish(
        delivery,
        'abandoned',
        `still running when the server stopped: redeliver ${delivery.delivery ?? 'it'}`,
      );
  }

  handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const delivery: Delivery = {
      delivery: header(request, 'x-github-delivery'),
      event: header(request, 'x-github-event'),
      summary: { event: 'unknown' },
      started: performance.now(),
    };
    delivery.summary = { event: delivery.event?.slice(0, MAX_HEADER_IN_LOG) ?? 'unknown' };
    const work = this.process(request, response, delivery).catch((error: unknown) => {
      this.finish(delivery, 'failed', messageOf(error));
      answer(response, 500, { error: 'the delivery could not be handled' });
    });
    this.inFlight.set(work, delivery);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** The delivery's one log line and count; a delivery finished once (abandoned at a stop) is not finished again. */
  private finish(delivery: Delivery, outcome: WebhookOutcome, reason?: string): void {
    if (delivery.done) return;
    delivery.done = true;
    const durationMs = Math.round(performance.now() - delivery.started);
    const verified = outcome !== 'refused' && outcome !== 'invalid';
    const event = !verified ? 'unverified' : KNOWN_EVENTS.has(delivery.event ?? '') ? (delivery.event ?? '') : 'other';
    this.options.metrics.webhook(event, outcome, durationMs / 1000);
    const line = {
      delivery: delivery.delivery?.slice(0, MAX_HEADER_IN_LOG),
      ...delivery.summary,
      outcome,
      durationMs,
      ...(reason ? { reason } : {}),
    };
    const message = `webhook ${delivery.summary.event} ${outcome}${reason ? `: ${reason}` : ''} (${durationMs} ms)`;
    if (outcome === 'failed' || outcome === 'abandoned') this.options.log.error(line, message);
    else if (outcome === 'handled' || outcome === 'ignored') this.options.log.info(line, message);
    else this.options.log.warn(line, message);
  }

  private async process(request: IncomingMessage, response: ServerResponse, delivery: Delivery): Promise<void> {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      answer(response, 405, { error: `${request.method ?? 'this method'} is not allowed here: webhooks are POSTed` });
      // Not a delivery: nothing to log or count.
      delivery.done = true;
      return;
    }
    if (!JSON_TYPE.test(header(request, 'content-type') ?? '')) {
      answer(response, 415, { error: 'content-type must be application/json (set it in the app’s webhook settings)' });
      this.finish(delivery, 'invalid', 'content-type is not application/json');
      return;
    }
    const { event: name, delivery: id } = delivery;
    const signature = header(request, 'x-hub-signature-256');
    const missing = [
      ['x-github-event', name],
      ['x-github-delivery', id],
      ['x-hub-signature-256', signature],
    ]
      .filter(([, value]) => value === undefined)
      .map(([key]) => key);
    if (missing.length > 0 || name === undefined || id === undefined || signature === undefined) {
      answer(response, 400, { error: `missing headers: ${missing.join(', ')}` });
      this.finish(delivery, 'invalid', `missing headers: ${missing.join(', ')}`);
      return;
    }

    let body: string;
    try {
      body = await readBody(request, this.maxBytes);
    } catch (error) {
      const tooLarge = error instanceof TooLarge;
      const reason = tooLarge ? `payload larger than ${this.maxBytes} bytes` : `payload not read: ${messageOf(error)}`;
      answer(response, tooLarge ? 413 : 400, { error: reason });
      this.finish(delivery, 'invalid', reason);
      return;
    }
    const signed = await this.options.receiver.verify(body, signature).catch(() => false);
    if (!signed) {
      answer(response, 400, { error: 'signature does not match' });
      this.finish(delivery, 'refused', 'signature does not match WEBHOOK_SECRET (check the app’s webhook secret)');
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body) as unknown;
    } catch {
      answer(response, 400, { error: 'payload is not JSON' });
      this.finish(delivery, 'invalid', 'payload is not JSON');
      return;
    }

    delivery.summary = summarise(name.slice(0, MAX_HEADER_IN_LOG), payload);
    const work = this.options.outcomes
      .track(payload, () => this.options.receiver.receive({ id, name, payload }))
      .then(
        (note) => {
          this.finish(delivery, note?.outcome ?? 'handled', note?.reason);
          if (note?.outcome === 'failed') answer(response, 500, { error: note.reason });
          else answer(response, 200, { ok: true });
        },
        (error: unknown) => {
          this.finish(delivery, 'failed', messageOf(error));
          answer(response, 500, { error: messageOf(error) });
        },
      );
    let timer: NodeJS.Timeout | undefined;
    const early = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        answer(response, 202, { ok: true, status: 'still processing' });
        resolve();
      }, this.respondAfterMs);
    });
    await Promise.race([work, early]);
    clearTimeout(timer);
    // The delivery is in flight until its handling ends, answered early or not.
    await work;
  }
}
