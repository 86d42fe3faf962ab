import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhooks, signWebhook, type SignedWebhook } from '../../bench/webhook-load.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 answering with `reply`, recording what it got and how many were in flight at most. */
async function receiver(reply: (index: number) => { status: number; body?: string; delayMs?: number }) {
  const received: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((request, response) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const index = received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') }) - 1;
      const { status, body = '', delayMs = 0 } = reply(index);
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(status).end(body);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
    received,
    maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const webhooks = (n: number): SignedWebhook[] =>
  Array.from({ length: n }, (_, i) => signWebhook('push', { after: String(i) }, 'the-secret'));

describe('signWebhook', () => {
  it('signs the exact body with HMAC-SHA256 under the secret, as GitHub does', () => {
    const webhook = signWebhook('push', { ref: 'refs/heads/devel', after: 'a1' }, 'the-secret');
    expect(webhook.body).toBe('{"ref":"refs/heads/devel","after":"a1"}');
    expect(webhook.signature).toBe(`sha256=${createHmac('sha256', 'the-secret').update(webhook.body).digest('hex')}`);
    expect(webhook.event).toBe('push');
  });

  it('gives every webhook its own delivery id', () => {
    const ids = webhooks(20).map((w) => w.delivery);
    expect(new Set(ids).size).toBe(20);
  });
});

describe('sendWebhooks', () => {
  it('posts every webhook with its headers, never more at a time than asked, and counts the 200s', async () => {
    const server = await receiver(() => ({ status: 200, delayMs: 5 }));
    try {
      const sent = webhooks(30);
      const result = await sendWebhooks(server.url, sent, { concurrency: 4, timeLimitMs: 10_000 });
      expect(result).toMatchObject({ processed: 30, failures: [] });
      expect(result.seconds).toBeGreaterThan(0);
      expect(server.maxInFlight()).toBe(4);
      expect(server.received.map((r) => r.body).sort()).toEqual(sent.map((w) => w.body).sort());
      const first = server.received.find((r) => r.body === sent[0]?.body);
      expect(first?.headers).toMatchObject({
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': sent[0]?.delivery,
        'x-hub-signature-256': sent[0]?.signature,
      });
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a 500 (a handler failed)', 500, 'boom'],
    ['a 202 (a handler outlived the middleware timeout)', 202, 'Still processing'],
  ])('stops at %s and reports it', async (_name, status, body) => {
    const server = await receiver((index) => (index === 2 ? { status, body } : { status: 200 }));
    try {
      const sent = webhooks(10);
      const result = await sendWebhooks(server.url, sent, { concurrency: 1, timeLimitMs: 10_000 });
      expect(result.processed).toBe(2);
      expect(result.failures).toEqual([`${sent[2]?.delivery}: ${status} ${body}`]);
      expect(server.received).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('sends nothing more once the time is up', async () => {
    const server = await receiver(() => ({ status: 200, delayMs: 40 }));
    try {
      const result = await sendWebhooks(server.url, webhooks(50), { concurrency: 1, timeLimitMs: 100 });
      expect(result.processed).toBeGreaterThanOrEqual(1);
      expect(result.processed).toBeLessThan(10);
      expect(result.failures).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('reports a server that is not there', async () => {
    const server = await receiver(() => ({ status: 200 }));
    await server.close();
    const sent = webhooks(3);
    const result = await sendWebhooks(server.url, sent, { concurrency: 1, timeLimitMs: 10_000 });
    expect(result.processed).toBe(0);
    expect(result.failures).toEqual([expect.stringMatching(new RegExp(`^${sent[0]?.delivery}: .*ECONNREFUSED`))]);
  });
});
