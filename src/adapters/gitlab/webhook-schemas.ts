import { z } from 'zod';
import { branchNameProblem, normalizeBranchName } from '../../domain/branch-name.js';

/**
 * The fields of GitLab's webhook payloads the app reads, and nothing else
 * (https://docs.gitlab.com/user/project/integrations/webhook_events/).
 * Every string is bounded and every number a positive safe integer: a
 * payload comes from whoever knows the secret token, and its names go
 * into API paths and log lines.
 */

const MAX_REF = 1000;
/** GitLab's own limit on a note's length. */
const MAX_NOTE = 1_000_000;
/** GitLab's own limit on an issue's description (1 MiB). */
const MAX_DESCRIPTION = 1_048_576;

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'must be a commit sha');
const id = z.int().positive();
const word = z.string().min(1).max(64);
/** GitLab's usernames: letters, digits, `_`, `-` and `.`, not starting with `-`. */
const username = z.string().regex(/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}$/, 'must be a GitLab username');

const SEGMENT = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
/** A project's full path (`tails/tails`, `group/sub/project`): the Forge addresses the project by it. */
const projectPath = z
  .string()
  .max(1024)
  .refine(
    (path) => path.split('/').every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..'),
    'must be a GitLab project path',
  );

function isWebUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'https:' || protocol === 'http:';
}
const webUrl = z.string().max(2048).refine(isWebUrl, 'must be an http(s) URL');

/**
 * A time as GitLab's hooks write it (`2026-11-30 14:00:00 UTC`, or ISO
 * 8601): it names an edit in the marker of the app's answer, so nothing
 * else gets through.
 */
const timestamp = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,9})?(?: ?(?:UTC|Z|[+-]\d\d:?\d\d))?$/, 'must be a time')
  .refine((text) => !Number.isNaN(Date.parse(text)), 'must be a time');
const description = z.string().max(MAX_DESCRIPTION);

/**
 * A bare branch name as git takes it: one that normalizeBranchName keeps
 * as it is, so that `refs/heads/x` or `remotes/origin/x` in a field that
 * names a branch is refused rather than read as another branch.
 */
export const branchName = z
  .string()
  .max(MAX_REF)
  .refine((name) => {
    const normalized = normalizeBranchName(name);
    return normalized.ok && normalized.branch === name;
  }, 'must be a branch name');

const HEADS = 'refs/heads/';
const TAGS = 'refs/tags/';
const branchRef = z
  .string()
  .max(MAX_REF)
  .refine((ref) => ref.startsWith(HEADS) && normalizeBranchName(ref).ok, 'must be refs/heads/ and a branch name');
/** Tag names follow the same rules as branch names (git check-ref-format). */
const tagRef = z
  .string()
  .max(MAX_REF)
  .refine(
    (ref) => ref.startsWith(TAGS) && branchNameProblem(ref.slice(TAGS.length)) === undefined,
    'must be refs/tags/ and a tag name',
  );

const project = z.object({
  id,
  path_with_namespace: projectPath,
  web_url: webUrl,
  /** Its rules decide which branches are base branches, as the repository's on GitHub. */
  default_branch: branchName,
});

/** Notes and merge request events name their author this way; pushes with user_username and user_id. */
const user = z.object({ username, id: id.optional() });

const pushed = {
  before: sha,
  after: sha,
  user_id: id,
  user_username: username,
  project,
};

export const SCHEMAS = {
  'Push Hook': z.object({ object_kind: z.literal('push'), ref: branchRef, ...pushed }),
  'Tag Push Hook': z.object({
    object_kind: z.literal('tag_push'),
    ref: tagRef,
    ...pushed,
    /** The commit the tag names (`after` is an annotated tag's object); null when the tag was deleted. */
    checkout_sha: sha.nullable().optional(),
  }),
  'Merge Request Hook': z.object({
    object_kind: z.literal('merge_request'),
    user,
    project,
    object_attributes: z.object({
      iid: id,
      action: word,
      state: word,
      source_branch: branchName,
      target_branch: branchName,
      /** Null once the source project is deleted. */
      source_project_id: id.nullable().optional(),
      target_project_id: id,
      /** Null when the merge request has no diff (its source branch gone before it had one). */
      last_commit: z.object({ id: sha }).nullable().optional(),
      /** The head before a push: only there when the update brought new commits. */
      oldrev: sha.nullable().optional(),
    }),
    changes: z.object({ target_branch: z.object({ previous: branchName, current: branchName }).optional() }).optional(),
  }),
  'Note Hook': z.object({
    object_kind: z.literal('note'),
    user,
    project,
    object_attributes: z.object({
      id,
      note: z.string().max(MAX_NOTE),
      noteable_type: word,
      /** GitLab's own notes ("added 1 commit"). */
      system: z.boolean().optional(),
      internal: z.boolean().nullable().optional(),
      confidential: z.boolean().nullable().optional(),
    }),
    merge_request: z.object({ iid: id }).optional(),
    issue: z.object({ iid: id }).optional(),
  }),
  'Issue Hook': z.object({
    object_kind: z.literal('issue'),
    user,
    project,
    object_attributes: z.object({
      iid: id,
      action: word,
      /** Null for an issue without one. */
      description: description.nullable().optional(),
      updated_at: timestamp,
      confidential: z.boolean().nullable().optional(),
    }),
    /** The attributes this event changed; `description` only when the edit changed it. */
    changes: z.object({ description: z.object({ previous: description.nullable() }).optional() }).optional(),
  }),
  /** Internal notes, and notes on confidential issues: only the project is read, to say whose it was. */
  'Confidential Note Hook': z.object({ project }),
} as const;

export type GitLabWebhookEvent = keyof typeof SCHEMAS;
export type GitLabPayload<E extends GitLabWebhookEvent> = z.infer<(typeof SCHEMAS)[E]>;
