import type { IncomingMessage, ServerResponse } from 'node:http';

/** A body over the endpoint's limit: answered 413. */
export class TooLarge extends Error {}

/**
 * The request's body, refused as soon as it is known to exceed `maxBytes`
 * (by its Content-Length, or while it arrives), so that a sender cannot
 * make the server hold more.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
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

/** A JSON answer, unless one was sent already (a 202 before the work ended). */
export function answer(response: ServerResponse, status: number, body: object): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

/** A header sent once and not empty. */
export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
