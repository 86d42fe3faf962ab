import { z } from 'zod';
import { normalizeBranchName } from '../domain/branch-name.js';

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'must be a commit sha');
const text = z.string().min(1);
const positive = z.number().int().positive();
/**
 * An account's login or a repository's name as GitHub allows them; they
 * go into every API path, which a lone surrogate or a huge string would
 * break before any request is made.
 */
const githubName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be a GitHub name');

/** A branch name as git takes it: payloads name branches bare, so the one function that turns names into branches has nothing to strip. */
const branchName = z.string().refine((name) => normalizeBranchName(name).ok, 'must be a branch name');

/** What every handled webhook must carry: whose it is and where it happened. */
const delivered = z.object({
  installation: z.object({ id: positive }),
  repository: z.object({
    name: githubName,
    owner: z.object({ login: githubName }),
    html_url: text,
    /** Its rules decide which branches are base branches: see EvaluateInput.landed. */
    default_branch: branchName,
  }),
});
const sender = z.object({ login: text });

/** The fields each handler reads (see their payload interfaces); anything else is not looked at. */
const SCHEMAS = {
  push: delivered.extend({
    ref: text,
    before: sha,
    after: sha,
    created: z.boolean().optional(),
    deleted: z.boolean().optional(),
    forced: z.boolean().optional(),
  }),
  pull_request: delivered.extend({
    action: text,
    number: positive,
    pull_request: z.object({
      state: text,
      head: z.object({ ref: branchName, sha, repo: z.object({ full_name: text }).nullable() }),
      base: z.object({ ref: branchName, sha, repo: z.object({ full_name: text }) }),
    }),
  }),
  check_run: delivered.extend({
    action: text,
    check_run: z.object({ name: z.string(), head_sha: sha, output: z.object({ summary: z.string().nullable() }) }),
    requested_action: z.object({ identifier: z.string().optional() }).nullable().optional(),
    sender,
  }),
  create: delivered.extend({
    ref: text,
    ref_type: text,
  }),
  issues: delivered.extend({
    action: text,
    issue: z.object({ number: positive, body: z.string().nullable(), updated_at: text }),
    changes: z.object({ body: z.object({ from: z.string().nullable().optional() }).optional() }).optional(),
    sender,
  }),
  issue_comment: delivered.extend({
    action: text,
    comment: z.object({ id: positive, body: z.string() }),
    issue: z.object({ number: positive }),
    sender,
  }),
} as const;

export type HandledEvent = keyof typeof SCHEMAS;

/**
 * What is wrong with a webhook's payload, naming the first field the app
 * would read and cannot; undefined when it has them all. A signed payload
 * comes from GitHub, but one without an installation would be handled with
 * the app's own credentials, and a missing field would otherwise surface
 * as a TypeError, or as a ref read where a sha was expected.
 */
export function payloadProblem(event: HandledEvent, payload: unknown): string | undefined {
  const result = SCHEMAS[event].safeParse(payload);
  if (result.success) return undefined;
  const [issue] = result.error.issues;
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  return `${event} webhook without a valid ${field}${issue ? ` (${issue.message})` : ''}`;
}
