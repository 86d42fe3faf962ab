import {
  startHttpServer,
  type LocalHttpServer,
  type RecordedRequest,
  type Reply,
} from '../../../helpers/http-server.js';
import { FAIL_REPLY, HANG_REPLY, type CiBehaviour, type ReceivedRequest } from './ci-behaviour.js';

export interface FakeGitLabOptions {
  /** The project's path; its id is 1234. */
  project: string;
  /** The pipeline trigger token. */
  token: string;
  /** Branches and tags that exist. */
  refs: string[];
  /** Where GitLab sits under its host: "" or "/gitlab". */
  prefix?: string;
}

export interface FakeGitLab {
  server: LocalHttpServer;
  url: string;
  behaviour: CiBehaviour;
  received: ReceivedRequest[];
  /** The refs pipelines were created for. */
  pipelines: string[];
  /** Replaces the 201's JSON body when set. */
  createdBody?: string;
}

export const PROJECT_ID = 1234;
const PIPELINE_ID = 987;

function json(body: unknown, status: number): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * GitLab's pipeline trigger API: the project by id or by its URL-encoded
 * path, the trigger token and ref as form fields, `variables[NAME]` for
 * each variable; 404 for a token it does not know, 400 for an unknown ref.
 */
export async function startFakeGitLab(options: FakeGitLabOptions): Promise<FakeGitLab> {
  const prefix = options.prefix ?? '';
  const server = await startHttpServer();
  const fake: FakeGitLab = { server, url: `${server.url}${prefix}`, behaviour: 'accept', received: [], pipelines: [] };
  const handler = (request: RecordedRequest): Reply => {
    const form = new URLSearchParams(request.body);
    const variables: Record<string, string> = {};
    for (const [key, value] of form) {
      const name = /^variables\[(.+)\]$/.exec(key)?.[1];
      if (name !== undefined) variables[name] = value;
    }
    fake.received.push({
      method: request.method,
      url: `${server.url}${request.url}`,
      parameters: variables,
      headerNames: Object.keys(request.headers),
    });
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return json({ error: 'token is missing, ref is missing' }, 400);
    if (form.get('token') !== options.token) return json({ message: '404 Not Found' }, 404);
    const ref = form.get('ref') ?? '';
    if (fake.behaviour === 'refuse' || !options.refs.includes(ref))
      return json({ message: { base: ['Reference not found'] } }, 400);
    if (fake.behaviour === 'fail') return FAIL_REPLY;
    if (fake.behaviour === 'hang') return HANG_REPLY;
    fake.pipelines.push(ref);
    if (fake.createdBody !== undefined) return { status: 201, body: fake.createdBody };
    return json(
      {
        id: PIPELINE_ID,
        iid: 12,
        project_id: PROJECT_ID,
        sha: 'a91957a858320c0e17f3a0eca7cfacbff50ea29a',
        ref,
        status: 'created',
        source: 'trigger',
        web_url: `${fake.url}/${options.project}/-/pipelines/${PIPELINE_ID}`,
      },
      201,
    );
  };
  for (const id of [encodeURIComponent(options.project), String(PROJECT_ID)])
    server.route(`POST ${prefix}/api/v4/projects/${id}/trigger/pipeline`, handler);
  return fake;
}
