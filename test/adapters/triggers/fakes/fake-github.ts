import {
  startHttpServer,
  type LocalHttpServer,
  type RecordedRequest,
  type Reply,
} from '../../../helpers/http-server.js';
import { FAIL_REPLY, HANG_REPLY, type CiBehaviour, type ReceivedRequest } from './ci-behaviour.js';

export interface FakeGitHubOptions {
  /** owner/name */
  repository: string;
  /** The workflow's file name; its id is 161335. */
  workflow: string;
  token: string;
  refs: string[];
  /** The inputs the workflow declares. */
  inputs: string[];
  /** "/api/v3" for GitHub Enterprise Server. */
  prefix?: string;
  /** False for a server from before return_run_details (February 2026). */
  runDetails?: boolean;
}

export interface FakeGitHub {
  server: LocalHttpServer;
  /** The API's root, prefix included. */
  url: string;
  behaviour: CiBehaviour;
  received: ReceivedRequest[];
  /** The bodies of the dispatches that created a run. */
  dispatched: Array<{ ref: string; inputs: Record<string, string> }>;
}

export const WORKFLOW_ID = 161335;
export const RUN_ID = 30433642;

function json(body: unknown, status: number): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

/**
 * GitHub's workflow dispatch endpoint as documented: a bearer token, the
 * API version header, a JSON body whose inputs the workflow must declare
 * (at most 25), 422 for a ref that does not exist; 204, or 200 with the
 * run when asked with return_run_details.
 */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const prefix = options.prefix ?? '';
  const server = await startHttpServer();
  const fake: FakeGitHub = { server, url: `${server.url}${prefix}`, behaviour: 'accept', received: [], dispatched: [] };
  const web = `${server.url}`;
  const handler = (request: RecordedRequest): Reply => {
    let body: { ref?: unknown; inputs?: Record<string, unknown>; return_run_details?: unknown; [key: string]: unknown };
    try {
      body = JSON.parse(request.body) as typeof body;
    } catch {
      return json({ message: 'Problems parsing JSON' }, 400);
    }
    fake.received.push({
      method: request.method,
      url: `${server.url}${request.url}`,
      parameters: Object.fromEntries(Object.entries(body.inputs ?? {}).map(([k, v]) => [k, String(v)])),
      headerNames: Object.keys(request.headers),
    });
    if (request.headers.authorization !== `Bearer ${options.token}`)
      return json(
        { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
        401,
      );
    if (request.headers['x-github-api-version'] !== '2022-11-28')
      return json({ message: 'Unsupported API version', status: '400' }, 400);
    if (!(request.headers.accept ?? '').includes('application/vnd.github+json'))
      return json({ message: 'Unsupported Accept header', status: '415' }, 415);
    if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
      return json({ message: 'Unsupported Content-Type', status: '415' }, 415);
    if (options.runDetails === false && 'return_run_details' in body)
      return json({ message: 'Invalid request.\n\n"return_run_details" is not a permitted key.', status: '422' }, 422);
    if (typeof body.ref !== 'string' || !options.refs.includes(body.ref))
      return json({ message: `No ref found for: ${String(body.ref)}`, status: '422' }, 422);
    const inputs = body.inputs ?? {};
    const unexpected = Object.keys(inputs).filter((name) => !options.inputs.includes(name));
    if (unexpected.length > 0)
      return json({ message: `Unexpected inputs provided: ${JSON.stringify(unexpected)}`, status: '422' }, 422);
    if (fake.behaviour === 'refuse')
      return json({ message: "Workflow does not have 'workflow_dispatch' trigger", status: '422' }, 422);
    if (fake.behaviour === 'fail') return FAIL_REPLY;
    if (fake.behaviour === 'hang') return HANG_REPLY;
    fake.dispatched.push({ ref: body.ref, inputs: inputs as Record<string, string> });
    if (body.return_run_details !== true) return { status: 204 };
    return json(
      {
        workflow_run_id: RUN_ID,
        run_url: `${fake.url}/repos/${options.repository}/actions/runs/${RUN_ID}`,
        html_url: `${web}/${options.repository}/actions/runs/${RUN_ID}`,
      },
      200,
    );
  };
  for (const workflow of [options.workflow, String(WORKFLOW_ID)])
    server.route(`POST ${prefix}/repos/${options.repository}/actions/workflows/${workflow}/dispatches`, handler);
  return fake;
}
