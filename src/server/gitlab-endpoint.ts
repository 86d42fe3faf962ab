import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'probot';
import {
  isGitLabWebhookEvent,
  parseGitLabWebhook,
  type GitLabProjectRef,
  type GitLabWebhookEvent,
} from '../adapters/gitlab/webhook-events.js';
import type { ForgeEvent } from '../ports/forge-events.js';
import type { AppMetrics, WebhookOutcome } from './metrics.js';
import type { Redeliveries } from './redeliveries.js';
import { MAX_WEBHOOK_BYTES } from './webhook-endpoint.js';
import { answer, header, readBody, TooLarge } from './webhook-http.js';

/**
 * GitLab counts a delivery as failed after 10 s (the default of
 * self-managed instances too), and disables a webhook that keeps
 * failing. As on the GitHub side, the handler is awaited so that a
 * failure is answered 500 and can be resent, but for 9 s at most: then
 * the answer is 202 and the handling goes on; how it ended is in the log
 * line, and a failure then still forgets the delivery, so that GitLab's
 * "Resend request" handles it again.
 */
const RESPOND_AFTER_MS = 9_000;

const JSON_TYPE = /^\s*application\/json\s*(;|$)/i;
/** GitLab's delivery ids are UUIDs: anything else would go into Redis keys and log lines unchecked. */
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;
/** Headers are the sender's to write: a log line carries at most this much of one. */
const MAX_HEADER_IN_LOG = 100;

export interface GitLabDelivery {
  /** What identifies the delivery across resends (see deliveryIdOf). */
  id: string;
  event: GitLabWebhookEvent;
}

export interface GitLabWebhookOptions {
  /** The webhook's secret token, which GitLab sends as X-Gitlab-Token. */
  secret: string;
  redeliveries: Redeliveries;
  /** The app's handling of one event; 'ignored' when it left it alone (a push by the bot, a branch it does not judge). */
  handle(project: GitLabProjectRef, event: ForgeEvent, delivery: GitLabDelivery): Promise<'done' | 'ignored'>;
  log: Logger;
  metrics?: Pick<AppMetrics, 'webhook'>;
  maxBodyBytes?: number;
  respondAfterMs?: number;
}

/** The request handler for the GitLab webhook path, and what a stop needs of it. */
export interface GitLabWebhookHandler {
  (request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Deliveries under way, from their first byte to their log line. */
  readonly pending: number;
  /**
   * Resolves when every delivery under way has ended, or after `graceMs`;
   * those still running are logged as abandoned and forgotten, so that
   * GitLab's "Resend request" handles them again.
   */
  settled(graceMs: number): Promise<void>;
}

interface Delivery {
  id: string | undefined;
  event: string;
  /** Whether the event name may be a metrics label: a known one, from a sender that knew the token. */
  known: boolean;
  project?: string;
  /** Claimed by this delivery, and not yet marked handled nor forgotten. */
  recorded?: boolean;
  /** What this delivery claimed its id with, so that it lets go of its own claim only. */
  token: string;
  started: number;
  done?: boolean;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Idempotency-Key (GitLab 17.4 and later) stays the same when a delivery
 * is resent, by hand or by GitLab; X-Gitlab-Event-UUID, all older
 * versions send, is made anew for each sending, so it only tells the same
 * request arriving twice (a proxy retrying).
 */
function deliveryIdOf(request: IncomingMessage): { id?: string; header: string } {
  const key = header(request, 'idempotency-key');
  if (key !== undefined) return { id: key, header: 'Idempotency-Key' };
  const uuid = header(request, 'x-gitlab-event-uuid');
  return uuid === undefined ? { header: 'X-Gitlab-Event-UUID' } : { id: uuid, header: 'X-Gitlab-Event-UUID' };
}

/**
 * POST on the GitLab webhook path: the X-Gitlab-Token compared in
 * constant time with the secret (digests compared, so that not even its
 * length shows), then the payload mapped to the app's neutral event, a
 * delivery already received left alone, and the app's handler. Every
 * delivery ends in exactly one log line (delivery, event, project,
 * outcome, duration), which never holds the token nor the payload.
 * @throws Error when the secret is empty: every token would match it
 */
export function gitlabWebhookHandler(options: GitLabWebhookOptions): GitLabWebhookHandler {
  if (options.secret === '') throw new Error('the GitLab webhook secret token is empty: every request would match it');
  const expected = digest(options.secret);
  const maxBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BYTES;
  const respondAfterMs = options.respondAfterMs ?? RESPOND_AFTER_MS;
  const inFlight = new Map<Promise<void>, Delivery>();

  const forget = async (delivery: Delivery): Promise<string> => {
    if (!delivery.recorded || delivery.id === undefined) return '';
    delivery.recorded = false;
    return options.redeliveries.forget(delivery.id, delivery.token).then(
      () => '',
      (error: unknown) => `; not forgotten, so a resend will be ignored: ${messageOf(error)}`,
    );
  };

  /** Said by the claimer once the handling succeeded, so that resends are answered as done; a failure only logged. */
  const markHandled = async (delivery: Delivery): Promise<string> => {
    if (!delivery.recorded || delivery.id === undefined) return '';
    delivery.recorded = false;
    return options.redeliveries.handled(delivery.id).then(
      () => '',
      (error: unknown) =>
        `; not marked handled, so a resend is answered 409 until the claim expires, then handled again: ${messageOf(error)}`,
    );
  };

  const finish = (delivery: Delivery, outcome: WebhookOutcome, reason?: string): void => {
    if (delivery.done) return;
    delivery.done = true;
    const durationMs = Math.round(performance.now() - delivery.started);
    const label = outcome === 'refused' ? 'unverified' : delivery.known ? delivery.event : 'other';
    options.metrics?.webhook(label, outcome, durationMs / 1000);
    const line = {
      forge: 'GitLab',
      delivery: delivery.id?.slice(0, MAX_HEADER_IN_LOG),
      event: delivery.event,
      ...(delivery.project !== undefined ? { project: delivery.project } : {}),
      outcome,
      durationMs,
      ...(reason ? { reason } : {}),
    };
    const message = `GitLab webhook ${delivery.event} ${outcome}${reason ? `: ${reason}` : ''} (${durationMs} ms)`;
    if (outcome === 'failed' || outcome === 'abandoned') options.log.error(line, message);
    else if (outcome === 'handled' || outcome === 'ignored') options.log.info(line, message);
    else options.log.warn(line, message);
  };

  const receive = async (request: IncomingMessage, response: ServerResponse, delivery: Delivery): Promise<void> => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      answer(response, 405, { error: `${request.method ?? 'this method'} is not allowed here: webhooks are POSTed` });
      // Not a delivery: nothing to log or count.
      delivery.done = true;
      return;
    }
    const token = header(request, 'x-gitlab-token');
    if (token === undefined || !timingSafeEqual(digest(token), expected)) {
      answer(response, 401, { error: 'X-Gitlab-Token does not match the secret token' });
      finish(
        delivery,
        'refused',
        token === undefined
          ? 'no X-Gitlab-Token (set the secret token in the webhook settings)'
          : 'X-Gitlab-Token does not match (check the webhook’s secret token)',
      );
      return;
    }
    const name = header(request, 'x-gitlab-event');
    if (name === undefined) {
      answer(response, 400, { error: 'missing header: X-Gitlab-Event' });
      finish(delivery, 'invalid', 'missing header: X-Gitlab-Event');
      return;
    }
    if (!isGitLabWebhookEvent(name)) {
      answer(response, 202, { ok: true, status: 'ignored', reason: 'an event the app does not read' });
      finish(delivery, 'ignored', 'an event the app does not read (untick it in the webhook settings)');
      return;
    }
    delivery.known = true;
    if (!JSON_TYPE.test(header(request, 'content-type') ?? '')) {
      const reason = 'content-type must be application/json';
      answer(response, 415, { error: reason });
      finish(delivery, 'invalid', reason);
      return;
    }
    const { id, header: idHeader } = deliveryIdOf(request);
    if (id === undefined || !DELIVERY_ID.test(id)) {
      const reason = id === undefined ? `missing header: ${idHeader}` : `${idHeader} is not a delivery id`;
      answer(response, 400, { error: reason });
      finish(delivery, 'invalid', reason);
      return;
    }

    let body: string;
    try {
      body = await readBody(request, maxBytes);
    } catch (error) {
      const tooLarge = error instanceof TooLarge;
      const reason = tooLarge ? `payload larger than ${maxBytes} bytes` : `payload not read: ${messageOf(error)}`;
      answer(response, tooLarge ? 413 : 400, { error: reason });
      finish(delivery, 'invalid', reason);
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body) as unknown;
    } catch {
      answer(response, 400, { error: 'payload is not JSON' });
      finish(delivery, 'invalid', 'payload is not JSON');
      return;
    }
    const parsed = parseGitLabWebhook(name, payload);
    if (!parsed.ok) {
      answer(response, 400, { error: parsed.problem });
      finish(delivery, 'invalid', parsed.problem);
      return;
    }
    delivery.project = parsed.project.pathWithNamespace;
    const { event } = parsed;
    if (event === undefined) {
      answer(response, 200, { ok: true, status: 'ignored', reason: parsed.reason });
      finish(delivery, 'ignored', parsed.reason);
      return;
    }

    // A Redis that cannot tell does not stop the event: the handlers are safe to run twice (replies are edited, statuses replaced).
    let unchecked = '';
    try {
      const state = await options.redeliveries.claim(id, delivery.token);
      if (state === 'handling') {
        // Still being handled, here or by another replica (past the 202): should that fail, it is forgotten, and this
        // resend would be lost had it been answered as done. A 409 tells whoever resent it to try again.
        answer(response, 409, { ok: false, status: 'still being handled: resend it once that ends' });
        finish(delivery, 'ignored', `redelivery: ${idHeader} ${id} is still being handled`);
        return;
      }
      if (state === 'done') {
        answer(response, 200, { ok: true, status: 'redelivery ignored' });
        finish(delivery, 'ignored', `redelivery: ${idHeader} ${id} was handled already`);
        return;
      }
      delivery.recorded = true;
    } catch (error) {
      unchecked = `; not checked for a redelivery: ${messageOf(error)}`;
    }

    const work = Promise.resolve()
      .then(() => options.handle(parsed.project, event, { id, event: name }))
      .then(
        async (outcome) => {
          const notes = `${unchecked}${await markHandled(delivery)}`;
          finish(delivery, outcome === 'done' ? 'handled' : 'ignored', notes.slice(2) || undefined);
          answer(response, 200, outcome === 'done' ? { ok: true } : { ok: true, status: 'ignored' });
        },
        async (error: unknown) => {
          finish(delivery, 'failed', `${messageOf(error)}${unchecked}${await forget(delivery)}`);
          answer(response, 500, { error: `the delivery could not be handled: the bot’s log says why (${id})` });
        },
      );
    let timer: NodeJS.Timeout | undefined;
    const early = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        answer(response, 202, { ok: true, status: 'still processing' });
        resolve();
      }, respondAfterMs);
    });
    await Promise.race([work, early]);
    clearTimeout(timer);
    await work;
  };

  const handler = (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const event = header(request, 'x-gitlab-event')?.slice(0, MAX_HEADER_IN_LOG) ?? 'unknown';
    const delivery: Delivery = {
      id: deliveryIdOf(request).id,
      event,
      known: false,
      started: performance.now(),
      token: randomUUID(),
    };
    const work = receive(request, response, delivery).catch(async (error: unknown) => {
      finish(delivery, 'failed', `${messageOf(error)}${await forget(delivery)}`);
      answer(response, 500, { error: 'the delivery could not be handled' });
    });
    inFlight.set(work, delivery);
    void work.finally(() => inFlight.delete(work));
    return work;
  };

  const settled = async (graceMs: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      Promise.allSettled([...inFlight.keys()]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (ended) return;
    await Promise.all(
      [...inFlight.values()].map(async (delivery) => {
        const forgotten = await forget(delivery);
        finish(delivery, 'abandoned', `still running when the server stopped: resend it from GitLab${forgotten}`);
      }),
    );
  };

  return Object.defineProperties(handler, {
    settled: { value: settled },
    pending: { get: () => inFlight.size },
  }) as GitLabWebhookHandler;
}
