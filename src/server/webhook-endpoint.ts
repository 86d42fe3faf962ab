import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'probot';
import type { DeliveryOutcomes } from './delivery-outcomes.js';
import type { AppMetrics, WebhookOutcome } from './metrics.js';
import { summarise, type WebhookSummary } from './webhook-summary.js';

/** GitHub caps a webhook payload at 25 MB and drops larger ones before sending. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/**
 * GitHub counts a delivery as failed when the answer takes more than 10 s.
 * The handler goes on after the early answer (202), and the log line and
 * metrics still tell how it ended.
 */
const RESPOND_AFTER_MS = 9_000;

const JSON_TYPE = /^\s*application\/json\s*(;|$)/i;

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

class TooLarge extends Error {}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new TooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, body: object): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The message of whatever a handler threw, without its causes (they can hold a whole request). */
function messageOf(error: unknown): string {
  const errors = (error as { errors?: unknown }).errors;
  const first = Array.isArray(errors) && errors.length > 0 ? (errors[0] as unknown) : error;
  return first instanceof Error ? first.message : String(first);
}

/**
 * POST on the webhook path: GitHub's headers, a signature checked in
 * constant time against WEBHOOK_SECRET, then the app's handlers. Every
 * delivery, refused or handled, ends in exactly one log line (delivery,
 * event, repository, commit, outcome, duration) and one count in the
 * metrics; a failed handler's own error line is Probot's, beside it.
 */
export class WebhookEndpoint {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxBytes: number;
  private readonly respondAfterMs: number;

  constructor(private readonly options: WebhookEndpointOptions) {
    this.maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
    this.respondAfterMs = options.respondAfterMs ?? RESPOND_AFTER_MS;
  }

  /** Resolves when every delivery under way has ended, for a clean stop. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const delivery = header(request, 'x-github-delivery');
    const name = header(request, 'x-github-event');
    const finish = (summary: WebhookSummary, outcome: WebhookOutcome, reason?: string) => {
      const durationMs = Math.round(performance.now() - started);
      this.options.metrics.webhook(name ?? 'unknown', outcome, durationMs / 1000);
      const line = { delivery, ...summary, outcome, durationMs, ...(reason ? { reason } : {}) };
      const message = `webhook ${summary.event} ${outcome}${reason ? `: ${reason}` : ''} (${durationMs} ms)`;
      if (outcome === 'failed') this.options.log.error(line, message);
      else if (outcome === 'handled' || outcome === 'ignored') this.options.log.info(line, message);
      else this.options.log.warn(line, message);
    };
    const unread = { event: name ?? 'unknown' };

    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      answer(response, 405, { error: `${request.method ?? 'this method'} is not allowed here: webhooks are POSTed` });
      return;
    }
    if (!JSON_TYPE.test(header(request, 'content-type') ?? '')) {
      answer(response, 415, { error: 'content-type must be application/json (set it in the app’s webhook settings)' });
      finish(unread, 'invalid', 'content-type is not application/json');
      return;
    }
    const signature = header(request, 'x-hub-signature-256');
    const missing = [
      ['x-github-event', name],
      ['x-github-delivery', delivery],
      ['x-hub-signature-256', signature],
    ]
      .filter(([, value]) => value === undefined)
      .map(([key]) => key);
    if (missing.length > 0 || name === undefined || delivery === undefined || signature === undefined) {
      answer(response, 400, { error: `missing headers: ${missing.join(', ')}` });
      finish(unread, 'invalid', `missing headers: ${missing.join(', ')}`);
      return;
    }

    let body: string;
    try {
      body = await readBody(request, this.maxBytes);
    } catch (error) {
      const tooLarge = error instanceof TooLarge;
      const reason = tooLarge ? `payload larger than ${this.maxBytes} bytes` : `payload not read: ${messageOf(error)}`;
      answer(response, tooLarge ? 413 : 400, { error: reason });
      finish(unread, 'invalid', reason);
      return;
    }
    const signed = await this.options.receiver.verify(body, signature).catch(() => false);
    if (!signed) {
      answer(response, 400, { error: 'signature does not match' });
      finish(unread, 'refused', 'signature does not match WEBHOOK_SECRET (check the app’s webhook secret)');
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body) as unknown;
    } catch {
      answer(response, 400, { error: 'payload is not JSON' });
      finish(unread, 'invalid', 'payload is not JSON');
      return;
    }

    const summary = summarise(name, payload);
    const work = this.options.receiver.receive({ id: delivery, name, payload }).then(
      () => {
        const note = this.options.outcomes.take(delivery);
        finish(summary, note?.outcome ?? 'handled', note?.reason);
        answer(response, 200, { ok: true });
      },
      (error: unknown) => {
        this.options.outcomes.take(delivery);
        finish(summary, 'failed', messageOf(error));
        answer(response, 500, { error: messageOf(error) });
      },
    );
    this.inFlight.add(work);
    let timer: NodeJS.Timeout | undefined;
    const early = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        answer(response, 202, { ok: true, status: 'still processing' });
        resolve();
      }, this.respondAfterMs);
    });
    try {
      await Promise.race([work, early]);
    } finally {
      clearTimeout(timer);
      void work.finally(() => this.inFlight.delete(work));
    }
  }
}
