import type { Octokit, OctokitOptions } from '@octokit/core';
import type { EndpointDefaults, OctokitResponse } from '@octokit/types';

type RequestOptions = Required<EndpointDefaults>;

/** What @octokit/request's getResponseData gives for a body, by its content type, with the platform's JSON.parse. */
async function bodyData(body: ReadableStream<Uint8Array>, contentType: string | undefined): Promise<unknown> {
  const bytes = await new Response(body).arrayBuffer();
  const text = () => new TextDecoder().decode(bytes);
  if (contentType === undefined) return text();
  const [mime = '', ...parameters] = contentType
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  if (mime === 'application/json' || mime === 'application/scim+json') {
    const json = text();
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return json;
    }
  }
  const utf8 = parameters.some((p) => p.replace(/\s/g, '') === 'charset=utf-8');
  if (mime.startsWith('text/') || (utf8 && mime !== 'application/octet-stream')) return text();
  return bytes;
}

/** What @octokit/plugin-retry retries in a GraphQL answer: it can no longer see it once the body is left unparsed. */
const TRANSIENT_GRAPHQL = /Something went wrong while executing your query/;
const TRANSIENT_RETRIES = 3;

function transientGraphqlError(data: unknown): boolean {
  const errors = (data as { errors?: { message?: unknown }[] } | null)?.errors;
  return Array.isArray(errors) && typeof errors[0]?.message === 'string' && TRANSIENT_GRAPHQL.test(errors[0].message);
}

/**
 * @octokit/request parses every JSON answer with json-with-bigint, whose
 * regular expressions took a seventh of the app's CPU per push in the
 * throughput benchmark (a GraphQL answer of several refs is tens of KB).
 * GitHub's ids fit in a double, so the platform's JSON.parse does the same
 * work: this asks Octokit for the body unparsed and parses it as it would,
 * and gives it the request's body as JSON text, which it sends as it is.
 * Error answers are left to Octokit, which parses them before throwing.
 * Since @octokit/plugin-retry, whose hook runs inside this one, now sees
 * no parsed GraphQL answer, the transient GraphQL error it retries is
 * retried here, as it would (retry.enabled, retryAfterBaseValue, n² waits).
 */
export function fastJson(octokit: Octokit, octokitOptions: OctokitOptions = {}): void {
  const retry = (octokitOptions as { retry?: { enabled?: boolean; retryAfterBaseValue?: number } }).retry;
  const retries = retry?.enabled === false ? 0 : TRANSIENT_RETRIES;
  const unitMs = retry?.retryAfterBaseValue ?? 1000;
  // The requests this hook changed: an outer hook that retries one comes back with the change in place.
  const changed = new WeakSet<object>();
  octokit.hook.wrap('request', async (request, options: RequestOptions) => {
    const asked = options.request as { parseSuccessResponseBody?: boolean } | undefined;
    if (asked?.parseSuccessResponseBody === false && !changed.has(options)) return request(options);
    // before-after-hook hands every hook the same options object, whatever a hook passes on: it is changed in place.
    options.request = { ...options.request, parseSuccessResponseBody: false };
    changed.add(options);
    // The body too, for json-with-bigint's stringify walks it with a regular expression per value.
    const sent: unknown = octokit.request.endpoint.parse(options).body;
    const json = Array.isArray(sent) || (typeof sent === 'object' && sent?.constructor === Object);
    if (json && !('data' in options)) Object.assign(options, { data: JSON.stringify(sent) });
    for (let attempt = 0; ; attempt += 1) {
      const response = (await request(options)) as OctokitResponse<unknown>;
      const body = response.data;
      if (body === null) response.data = '';
      else if (body instanceof ReadableStream) {
        const headers = response.headers as Record<string, string | undefined>;
        response.data = await bodyData(body as ReadableStream<Uint8Array>, headers['content-type']);
      }
      if (attempt >= retries || !transientGraphqlError(response.data)) return response;
      await new Promise((resolve) => setTimeout(resolve, unitMs * (attempt + 1) ** 2));
    }
  });
}
