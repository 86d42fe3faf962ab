import type { Reply } from '../../../helpers/http-server.js';

/**
 * How a fake CI treats the request that starts a job: takes it, refuses it
 * (a 4xx, as for a wrong ref or a missing permission), fails after
 * receiving it (a proxy's 502), or never answers.
 */
export type CiBehaviour = 'accept' | 'refuse' | 'fail' | 'hang';

export const FAIL_REPLY: Reply = { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
export const HANG_REPLY: Reply = { hang: true };

/** What a CI read from a request that starts a job, whatever it answered. */
export interface ReceivedRequest {
  method: string;
  /** Absolute, as the client addressed it. */
  url: string;
  /** The job's inputs as the CI reads them. */
  parameters: Record<string, string>;
  /** Lower case. */
  headerNames: string[];
}
