import { createHmac, timingSafeEqual } from 'node:crypto';
import { startHttpServer, type LocalHttpServer, type Reply } from '../../../helpers/http-server.js';
import { FAIL_REPLY, HANG_REPLY, type CiBehaviour, type ReceivedRequest } from './ci-behaviour.js';

export interface FakeWebhookReceiver {
  server: LocalHttpServer;
  url: string;
  behaviour: CiBehaviour;
  received: ReceivedRequest[];
  /** Delivery ids of the requests whose signature was right. */
  deliveries: string[];
  /** The answer to a good delivery. */
  accepted: Reply;
}

export const HOOK_PATH = '/hooks/apt-snapshots';

/**
 * A receiver that checks a delivery as GitHub's webhook receivers do: the
 * HMAC-SHA256 of the raw body with the shared secret, compared in constant
 * time, before reading anything.
 */
export async function startFakeWebhookReceiver(secret: string): Promise<FakeWebhookReceiver> {
  const server = await startHttpServer();
  const fake: FakeWebhookReceiver = {
    server,
    url: `${server.url}${HOOK_PATH}`,
    behaviour: 'accept',
    received: [],
    deliveries: [],
    accepted: {
      status: 202,
      headers: { 'content-type': 'application/json' },
      body: '{"url":"https://ci.example/jobs/77","id":77}',
    },
  };
  server.route(`POST ${HOOK_PATH}`, (request) => {
    let parameters: Record<string, string> = {};
    try {
      parameters = (JSON.parse(request.body) as { parameters: Record<string, string> }).parameters;
    } catch {
      // Recorded with no parameters; refused below by its signature or its type.
    }
    fake.received.push({
      method: request.method,
      url: `${server.url}${request.url}`,
      parameters,
      headerNames: Object.keys(request.headers),
    });
    const signature = String(request.headers['x-apt-snapshots-signature-256'] ?? '');
    const expected = `sha256=${createHmac('sha256', secret).update(Buffer.from(request.body, 'utf8')).digest('hex')}`;
    if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected)))
      return { status: 401, body: 'signature mismatch' };
    if (request.headers['content-type'] !== 'application/json') return { status: 415, body: 'expected JSON' };
    const delivery = String(request.headers['x-apt-snapshots-delivery'] ?? '');
    if (!/^[0-9a-f-]{36}$/.test(delivery)) return { status: 400, body: 'missing delivery id' };
    if (fake.behaviour === 'refuse') return { status: 422, body: '{"error":"unknown job"}' };
    if (fake.behaviour === 'fail') return FAIL_REPLY;
    if (fake.behaviour === 'hang') return HANG_REPLY;
    fake.deliveries.push(delivery);
    return fake.accepted;
  });
  return fake;
}
