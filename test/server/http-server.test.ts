import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { DeliveryOutcomes } from '../../src/server/delivery-outcomes.js';
import { listen, type ListeningServer } from '../../src/server/http-server.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { ReadinessProbe } from '../../src/server/readiness.js';
import { WebhookEndpoint, type WebhookReceiver } from '../../src/server/webhook-endpoint.js';
import { captureLog } from '../helpers/probot-app.js';

const SECRET = 'http-server-test-secret-9c4e';
const PATH = '/api/github/webhooks';

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const push = {
  ref: 'refs/heads/devel',
  after: 'a'.repeat(40),
  repository: { full_name: 'tails/tails' },
};

interface Harness {
  server: ListeningServer;
  webhooks: WebhookEndpoint;
  url: string;
  received: { id: string; name: string }[];
  metrics: AppMetrics;
  log: ReturnType<typeof captureLog>;
  outcomes: DeliveryOutcomes;
}

async function start(
  receive: WebhookReceiver['receive'] = async () => {},
  options: { maxBytes?: number; respondAfterMs?: number; stopGraceMs?: number } = {},
): Promise<Harness> {
  const received: { id: string; name: string }[] = [];
  const metrics = new AppMetrics({ processMetrics: false });
  const log = captureLog();
  const outcomes = new DeliveryOutcomes();
  const webhooks = new WebhookEndpoint({
    receiver: {
      verify: async (payload, signature) => sign(payload) === signature,
      receive: async (event) => {
        received.push({ id: event.id, name: event.name });
        await receive(event);
      },
    },
    log: log.logger,
    metrics,
    outcomes,
    ...options,
  });
  const readiness = new ReadinessProbe([{ name: 'github', check: async () => {} }]);
  await readiness.refresh();
  const server = await listen({
    host: '127.0.0.1',
    port: 0,
    webhookPath: PATH,
    webhooks,
    readiness,
    metrics,
    ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }),
  });
  return { server, webhooks, url: `http://127.0.0.1:${server.port}`, received, metrics, log, outcomes };
}

function deliver(url: string, body: string, headers: Record<string, string | undefined> = {}): Promise<Response> {
  const all: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': 'delivery-1',
    'x-hub-signature-256': sign(body),
    ...headers,
  };
  const sent = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  return fetch(`${url}${PATH}`, { method: 'POST', headers: sent, body });
}

/** The log lines that summarise a delivery: the ones carrying an outcome. */
function summaries(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => 'outcome' in l);
}

describe('the HTTP server', () => {
  let h: Harness;
  afterEach(async () => {
    await h.server.stop();
  });

  it('answers /healthz, /readyz and /metrics without touching the app', async () => {
    h = await start();
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { github: { ok: true } } });
    const metrics = await fetch(`${h.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('# TYPE apt_snapshots_bot_webhooks_total counter');
    const head = await fetch(`${h.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(h.received).toEqual([]);
  });

  it('answers 404 elsewhere and 405 to a POST on a probe', async () => {
    h = await start();
    const missing = await fetch(`${h.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'nothing here' });
    expect((await fetch(`${h.url}/healthz`, { method: 'POST' })).status).toBe(405);
    const get = await fetch(`${h.url}${PATH}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('hands a signed delivery to the app and logs one line with its delivery, event, repository, commit, outcome and duration', async () => {
    h = await start();
    const response = await deliver(h.url, JSON.stringify(push));
    expect(response.status).toBe(200);
    expect(h.received).toEqual([{ id: 'delivery-1', name: 'push' }]);
    expect(summaries(h.log.text())).toEqual([
      expect.objectContaining({
        delivery: 'delivery-1',
        event: 'push',
        repository: 'tails/tails',
        commit: 'a'.repeat(40),
        ref: 'refs/heads/devel',
        outcome: 'handled',
        durationMs: expect.any(Number) as number,
      }),
    ]);
    expect(await h.metrics.text()).toContain('apt_snapshots_bot_webhooks_total{event="push",outcome="handled"} 1');
  });

  it('says in that line what a handler noted: a delivery left alone', async () => {
    h = await start(async (event) => void h.outcomes.note(event.payload, 'ignored', 'sent by a bot'));
    expect((await deliver(h.url, JSON.stringify(push))).status).toBe(200);
    expect(summaries(h.log.text())).toEqual([
      expect.objectContaining({
        outcome: 'ignored',
        reason: 'sent by a bot',
        msg: expect.stringMatching(/^webhook push ignored: sent by a bot \(\d+ ms\)$/) as string,
      }),
    ]);
  });

  it('refuses a wrong signature with 400 in one line, no stack trace, and never calls the app', async () => {
    h = await start();
    const body = JSON.stringify(push);
    const response = await deliver(h.url, body, { 'x-hub-signature-256': sign(body, 'another-secret') });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'signature does not match' });
    expect(h.received).toEqual([]);
    const lines = h.log.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ delivery: 'delivery-1', event: 'push', outcome: 'refused' });
    expect(h.log.text()).not.toContain('stack');
    expect(h.log.text()).not.toContain(SECRET);
    // Whose event it says it is cannot be trusted: the metrics do not take the header's word.
    expect(await h.metrics.text()).toContain(
      'apt_snapshots_bot_webhooks_total{event="unverified",outcome="refused"} 1',
    );
  });

  it.each([
    ['no content type', { 'content-type': 'text/plain' }, 415, 'content-type is not application/json'],
    ['no delivery id', { 'x-github-delivery': undefined }, 400, 'missing headers: x-github-delivery'],
    ['no signature', { 'x-hub-signature-256': undefined }, 400, 'missing headers: x-hub-signature-256'],
  ])('answers a delivery with %s with an error status, in one line', async (_name, headers, status, reason) => {
    h = await start();
    const response = await deliver(h.url, JSON.stringify(push), headers);
    expect(response.status).toBe(status);
    expect(h.received).toEqual([]);
    expect(summaries(h.log.text())).toEqual([expect.objectContaining({ outcome: 'invalid', reason })]);
  });

  it('refuses a signed body that is not JSON, and one over the size limit without reading it all', async () => {
    h = await start(async () => {}, { maxBytes: 1000 });
    const junk = await deliver(h.url, '{not json');
    expect(junk.status).toBe(400);
    const big = await deliver(h.url, JSON.stringify({ ...push, padding: 'x'.repeat(5000) }));
    expect(big.status).toBe(413);
    expect(h.received).toEqual([]);
    expect(summaries(h.log.text()).map((l) => l.reason)).toEqual([
      'payload is not JSON',
      'payload larger than 1000 bytes',
    ]);
  });

  it('fails a delivery whose handler failed with 500 and the error message only', async () => {
    h = await start(async () => {
      throw new AggregateError([new Error('GitHub said 502 on POST /graphql')], 'handler failed');
    });
    const response = await deliver(h.url, JSON.stringify(push));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'GitHub said 502 on POST /graphql' });
    expect(summaries(h.log.text())).toEqual([
      expect.objectContaining({ outcome: 'failed', reason: 'GitHub said 502 on POST /graphql', level: 50 }),
    ]);
  });

  it('answers 202 before GitHub gives up on a slow delivery, and logs its outcome when it ends', async () => {
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    h = await start(() => done, { respondAfterMs: 50 });
    const response = await deliver(h.url, JSON.stringify(push));
    expect(response.status).toBe(202);
    expect(summaries(h.log.text())).toEqual([]);
    finish();
    await h.server.stop();
    expect(summaries(h.log.text())).toEqual([expect.objectContaining({ outcome: 'handled' })]);
    h = await start();
  });

  it('lets a delivery under way end before it stops', async () => {
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    h = await start(() => done);
    const response = deliver(h.url, JSON.stringify(push));
    while (h.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    let stopped = false;
    const stopping = h.server.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    finish();
    expect((await response).status).toBe(200);
    await stopping;
    expect(stopped).toBe(true);
    h = await start();
  });

  it('survives a request line that is no path, and answers the next request', async () => {
    h = await start();
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(h.server.port, '127.0.0.1', () =>
        socket.write('GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        socket.end();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 404 /);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('counts an event it does not know as other, and never puts a long header whole into the log', async () => {
    h = await start();
    const body = JSON.stringify(push);
    expect((await deliver(h.url, body, { 'x-github-event': 'made_up_event' })).status).toBe(200);
    expect(
      (await deliver(h.url, body, { 'x-github-delivery': 'd'.repeat(5000), 'x-hub-signature-256': 'sha256=0' })).status,
    ).toBe(400);
    const metrics = await h.metrics.text();
    expect(metrics).toContain('apt_snapshots_bot_webhooks_total{event="other",outcome="handled"} 1');
    expect(metrics).not.toContain('made_up_event');
    expect(summaries(h.log.text()).map((l) => String(l.delivery).length)).toEqual([10, 100]);
  });

  it('keeps apart what two deliveries with the same id noted, as when GitHub redelivers while the original runs', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    h = await start(async (event) => {
      calls += 1;
      if (calls === 1) {
        await held;
        h.outcomes.note(event.payload, 'gone', 'the repository is gone');
      }
    });
    const first = deliver(h.url, JSON.stringify(push));
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await deliver(h.url, JSON.stringify(push))).status).toBe(200);
    release();
    expect((await first).status).toBe(200);
    expect(summaries(h.log.text()).map((l) => [l.delivery, l.outcome])).toEqual([
      ['delivery-1', 'handled'],
      ['delivery-1', 'gone'],
    ]);
  });

  it('logs a delivery it gave up on at a stop as abandoned, saying to redeliver it', async () => {
    h = await start(() => new Promise(() => {}), { respondAfterMs: 20, stopGraceMs: 50 });
    expect((await deliver(h.url, JSON.stringify(push))).status).toBe(202);
    await h.server.stop();
    expect(summaries(h.log.text())).toEqual([
      expect.objectContaining({
        delivery: 'delivery-1',
        outcome: 'abandoned',
        reason: 'still running when the server stopped: redeliver delivery-1',
        level: 50,
      }),
    ]);
    expect(await h.metrics.text()).toContain('apt_snapshots_bot_webhooks_total{event="push",outcome="abandoned"} 1');
    h = await start();
  });

  it('lets a delivery whose body is still arriving at a stop end before it stops', async () => {
    h = await start();
    const body = JSON.stringify(push);
    let request!: ReturnType<typeof httpRequest>;
    const answered = new Promise<number>((resolve, reject) => {
      request = httpRequest(
        `${h.url}${PATH}`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'x-github-event': 'push',
            'x-github-delivery': 'delivery-1',
            'x-hub-signature-256': sign(body),
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 10));
    });
    // Once its headers are in: before that, the connection is idle, and a stop closes it. The rest of the body
    // follows the stop, however slow the machine: a timer could let the whole delivery end before the stop.
    while (h.webhooks.pending === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopping = h.server.stop();
    request.end(body.slice(10));
    expect(await answered).toBe(200);
    await stopping;
    expect(h.received).toEqual([{ id: 'delivery-1', name: 'push' }]);
    h = await start();
  });
});
