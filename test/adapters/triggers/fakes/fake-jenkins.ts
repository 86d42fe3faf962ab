import {
  startHttpServer,
  type LocalHttpServer,
  type RecordedRequest,
  type Reply,
} from '../../../helpers/http-server.js';
import { FAIL_REPLY, HANG_REPLY, type CiBehaviour, type ReceivedRequest } from './ci-behaviour.js';

export interface FakeJenkinsOptions {
  user: string;
  token: string;
  /** Jobs by full name, `folder/name` in a folder. */
  jobs: string[];
  /** CSRF protection: a crumb bound to the web session it was issued in, as Jenkins since 2.176.2. */
  csrf: boolean;
  /** Where Jenkins sits under its host: "" or "/jenkins". */
  prefix?: string;
}

export interface FakeJenkins {
  server: LocalHttpServer;
  /** The Jenkins root URL, prefix included, without a trailing "/". */
  url: string;
  behaviour: CiBehaviour;
  /** Every request to a buildWithParameters endpoint, as Jenkins read it. */
  received: ReceivedRequest[];
  /** What successive reads of the queue item answer (the last one repeats); executable by default. */
  queue: Reply[];
  /** Where the 201 sends the client; the fake's own queue item by default. */
  location: string | null;
  queueItemPath: string;
  crumbsIssued: number;
}

const QUEUE_ITEM = 7;

export function queueWaiting(why = 'In the quiet period. Expires in 4.9 sec'): Reply {
  return json({ _class: 'hudson.model.Queue$WaitingItem', id: QUEUE_ITEM, blocked: false, buildable: false, why });
}

export function queueStarted(url: string, number = 42): Reply {
  return json({
    _class: 'hudson.model.Queue$LeftItem',
    id: QUEUE_ITEM,
    cancelled: false,
    why: null,
    executable: { _class: 'hudson.model.FreeStyleBuild', number, url },
  });
}

export function queueCancelled(): Reply {
  return json({ _class: 'hudson.model.Queue$LeftItem', id: QUEUE_ITEM, cancelled: true, executable: null, why: null });
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * A Jenkins controller as its remote access API behaves: HTTP basic
 * authentication with a user's API token, an optional crumb issuer, jobs
 * in folders at /job/a/job/b, buildWithParameters reading a form and
 * answering 201 with the queue item, and the queue item's JSON.
 */
export async function startFakeJenkins(options: FakeJenkinsOptions): Promise<FakeJenkins> {
  const prefix = options.prefix ?? '';
  const server = await startHttpServer();
  const expected = `Basic ${Buffer.from(`${options.user}:${options.token}`).toString('base64')}`;
  const sessions = new Map<string, string>();
  const queueItemPath = `${prefix}/queue/item/${QUEUE_ITEM}/`;
  const jobPath = (job: string) =>
    `${prefix}/${job
      .split('/')
      .map((name) => `job/${encodeURIComponent(name)}`)
      .join('/')}/`;
  const fake: FakeJenkins = {
    server,
    url: `${server.url}${prefix}`,
    behaviour: 'accept',
    received: [],
    queue: [queueStarted(`${server.url}${jobPath(options.jobs[0] ?? '')}42/`)],
    location: `${server.url}${queueItemPath}`,
    queueItemPath,
    crumbsIssued: 0,
  };
  const unauthorized = (request: RecordedRequest): Reply | undefined =>
    request.headers.authorization === expected
      ? undefined
      : {
          status: 401,
          headers: { 'www-authenticate': 'Basic realm="Jenkins"' },
          body: `Invalid password/token for user: ${options.user}`,
        };

  server.route(`GET ${prefix}/crumbIssuer/api/json`, (request) => {
    if (!options.csrf) return { status: 404, body: '<html><body>Not Found</body></html>' };
    const denied = unauthorized(request);
    if (denied) return denied;
    fake.crumbsIssued += 1;
    const session = `node0session${fake.crumbsIssued}`;
    const crumb = `crumb-${fake.crumbsIssued}`;
    sessions.set(session, crumb);
    return json({ _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb, crumbRequestField: 'Jenkins-Crumb' }, 200, {
      'set-cookie': `JSESSIONID.3a4f1b2c=${session}; Path=/; HttpOnly`,
    });
  });

  for (const job of options.jobs) {
    server.route(`POST ${jobPath(job)}buildWithParameters`, (request) => {
      const form = new URLSearchParams(request.body);
      fake.received.push({
        method: request.method,
        url: `${server.url}${request.url}`,
        parameters: Object.fromEntries(form),
        headerNames: Object.keys(request.headers),
      });
      const denied = unauthorized(request);
      if (denied) return denied;
      if (options.csrf) {
        const session = /JSESSIONID\.3a4f1b2c=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
        const crumb = session === undefined ? undefined : sessions.get(session);
        if (crumb === undefined || request.headers['jenkins-crumb'] !== crumb)
          return { status: 403, body: 'No valid crumb was included in the request' };
      }
      // Jenkins reads a form; anything else would start the job with its default parameters.
      if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        return { status: 400, body: 'expected a form' };
      switch (fake.behaviour) {
        case 'refuse':
          return {
            status: 403,
            headers: { 'content-type': 'text/html' },
            body: `<html><head><title>Access Denied</title></head><body><h2>Access Denied</h2><p>${options.user} is missing the Job/Build permission</p></body></html>`,
          };
        case 'fail':
          return FAIL_REPLY;
        case 'hang':
          return HANG_REPLY;
        case 'accept':
          return { status: 201, headers: fake.location === null ? {} : { location: fake.location } };
      }
    });
  }

  server.route(`GET ${queueItemPath}api/json`, (request, index) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    return fake.queue[Math.min(index, fake.queue.length - 1)] ?? { status: 500 };
  });
  return fake;
}
