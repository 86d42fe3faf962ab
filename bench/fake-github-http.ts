import type { IncomingMessage } from 'node:http';

/** An answer the fake GitHub gives as an error, with GitHub's status. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteRequest {
  match: RegExpExecArray;
  query: URLSearchParams;
  body: unknown;
  /** The request's own URL, for links to further pages. */
  url: URL;
}

export interface Answer {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

/**
 * One endpoint: `name` is GitHub's route template, what the counts say;
 * `as` whose credentials it takes (the app's JWT or the installation's
 * token).
 */
export interface Route {
  name: string;
  method: string;
  path: RegExp;
  as: 'app' | 'installation';
  handler: (request: RouteRequest) => Answer;
}

export async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Refusal(400, 'the body is not JSON');
  }
}

/** The JSON body's object, for handlers; anything else is an empty object. */
export function fields(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export const NOT_FOUND: Answer = {
  status: 404,
  json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
};
