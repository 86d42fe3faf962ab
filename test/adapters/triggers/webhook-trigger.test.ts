import { createHmac } from 'node:crypto';
import { createTrigger } from '../../../src/adapters/triggers/create-trigger.js';
import type { JobRequest, JobTrigger } from '../../../src/ports/job-trigger.js';
import { startHttpServer, type LocalHttpServer } from '../../helpers/http-server.js';
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from './fakes/fake-webhook-receiver.js';
import { triggerFailure } from './failure.js';

const SECRET = 'a-shared-secret-of-the-receiver';
const REQUEST: JobRequest = { job: 'tag-apt-snapshots', parameters: { TAG: '4.19-rc1', NOTE: 'é "quoted" \n' } };

let receiver: FakeWebhookReceiver;
let other: LocalHttpServer | undefined;

function trigger(secret = SECRET, url = receiver.url): JobTrigger {
  return createTrigger({ type: 'webhook', url, secret_env: 'HOOK_SECRET', timeout_ms: 1000 }, { HOOK_SECRET: secret });
}

beforeEach(async () => {
  receiver = await startFakeWebhookReceiver(SECRET);
});

afterEach(async () => {
  await receiver.server.close();
  await other?.close();
  other = undefined;
});

describe('WebhookTrigger', () => {
  it('posts {job, parameters} signed with the HMAC-SHA256 of the exact body, and a fresh delivery id each time', async () => {
    const started = await trigger().trigger(REQUEST);
    await trigger().trigger(REQUEST);

    expect(started).toEqual({ status: 'started', url: 'https://ci.example/jobs/77', id: '77' });
    const [first] = receiver.server.requests;
    expect(first?.body).toBe(JSON.stringify({ job: 'tag-apt-snapshots', parameters: REQUEST.parameters }));
    expect(first?.headers['x-apt-snapshots-signature-256']).toBe(
      `sha256=${createHmac('sha256', SECRET)
        .update(first?.body ?? '')
        .digest('hex')}`,
    );
    expect(receiver.deliveries).toHaveLength(2);
    expect(new Set(receiver.deliveries).size).toBe(2);
  });

  it('is started without a link when the receiver says nothing usable', async () => {
    receiver.accepted = { status: 204 };
    expect(await trigger().trigger(REQUEST)).toEqual({ status: 'started' });
    receiver.accepted = { status: 200, body: '{"url":"file:///etc/passwd"}' };
    expect(await trigger().trigger(REQUEST)).toEqual({ status: 'started' });
  });

  it('is refused by a receiver holding another secret, which the message never shows', async () => {
    const error = await triggerFailure(trigger('not-the-secret').trigger(REQUEST));
    expect(error).toMatchObject({ status: 401, sent: false });
    expect(error.message).toContain(
      'signature mismatch (the webhook receiver does not accept the signature made with the secret in HOOK_SECRET)',
    );
    expect(error.message).not.toContain('not-the-secret');
  });

  it('does not send the signed request on to another origin', async () => {
    other = await startHttpServer();
    receiver.server.route('POST /hooks/moved', {
      status: 307,
      headers: { location: `${other.url}/hooks/apt-snapshots` },
    });
    const error = await triggerFailure(trigger(SECRET, `${receiver.server.url}/hooks/moved`).trigger(REQUEST));
    expect(error).toMatchObject({ status: 307, sent: false });
    expect(other.requests).toHaveLength(0);
  });

  it('describes the header names, not the signature', () => {
    expect(trigger().describe(REQUEST)).toEqual({
      method: 'POST',
      url: receiver.url,
      parameters: REQUEST.parameters,
      headers: ['Content-Type', 'User-Agent', 'X-Apt-Snapshots-Delivery', 'X-Apt-Snapshots-Signature-256'],
    });
  });
});
