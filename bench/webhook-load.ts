import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface SignedWebhook {
  event: string;
  delivery: string;
  body: string;
  /** x-hub-signature-256 */
  signature: string;
}

/** A webhook as GitHub sends it: the JSON body and its HMAC-SHA256 under the app's secret. */
export function signWebhook(event: string, payload: unknown, secret: string): SignedWebhook {
  const body = JSON.stringify(payload);
  return {
    event,
    delivery: randomUUID(),
    body,
    signature: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

export interface LoadOptions {
  concurrency: number;
  /** No webhook is sent after this many milliseconds; those under way finish. */
  timeLimitMs: number;
}

export interface LoadResult {
  /** Webhooks answered 200: processed, handlers included. */
  processed: number;
  seconds: number;
  /** The first few answers that were not 200, as "delivery: status body". */
  failures: string[];
}

/** POSTs one signed webhook as GitHub does; resolves with the answer's status and body. */
export function postWebhook(url: URL, agent: Agent, webhook: SignedWebhook): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(webhook.body),
          'x-github-event': webhook.event,
          'x-github-delivery': webhook.delivery,
          'x-hub-signature-256': webhook.signature,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(webhook.body);
  });
}

const MAX_FAILURES = 3;

/**
 * Posts `webhooks` to `url`, `concurrency` at a time over kept-alive
 * connections, and times them. The webhook middleware answers 200 once
 * every handler has finished (an error gives 500, a handler slower than
 * its timeout 202), so a 200 is a webhook processed. Stops sending at the
 * first failure or when the time is up.
 */
export async function sendWebhooks(
  url: string,
  webhooks: readonly SignedWebhook[],
  options: LoadOptions,
): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const failures: string[] = [];
  let next = 0;
  let processed = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < webhooks.length && failures.length === 0 && performance.now() - start < options.timeLimitMs) {
      const webhook = webhooks[next++] as SignedWebhook;
      try {
        const { status, body } = await postWebhook(target, agent, webhook);
        if (status === 200) processed += 1;
        else if (failures.length < MAX_FAILURES) failures.push(`${webhook.delivery}: ${status} ${body.slice(0, 300)}`);
      } catch (error) {
        if (failures.length < MAX_FAILURES)
          failures.push(`${webhook.delivery}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
    return { processed, seconds: (performance.now() - start) / 1000, failures };
  } finally {
    agent.destroy();
  }
}
