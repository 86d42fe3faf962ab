import { ReadError } from '../../errors.js';
import type { GitLabApi, GitLabProject } from './client.js';
import { gitlabCall } from './client.js';
import { readRepositoryFields, type RepositoryField, type RepositoryTarget } from './reader-graphql.js';

/** Paths per `blobs` field: GitLab pages its nodes by 100 and counts two per path against the query's complexity. */
const PATHS_PER_FIELD = 50;

/** The blobs to ask about at one commit. */
export interface BlobsRequest {
  sha: string;
  paths: string[];
}

interface BlobNode {
  path?: unknown;
  size?: unknown;
  oid?: unknown;
  rawTextBlob?: unknown;
}

function blobsField(sha: string, paths: string[], selection: string): RepositoryField {
  return {
    body: `blobs(ref: $ref, paths: $paths) { nodes { ${selection} } }`,
    variables: { ref: { type: 'String!', value: sha }, paths: { type: '[String!]!', value: paths } },
    cost: 16 + 2 * paths.length,
    ...(paths.length > 1
      ? {
          split: () => {
            const half = Math.ceil(paths.length / 2);
            return {
              parts: [blobsField(sha, paths.slice(0, half), selection), blobsField(sha, paths.slice(half), selection)],
              join: (answers: unknown[]) => ({
                nodes: answers.flatMap((answer) => (answer as { nodes?: BlobNode[] } | null)?.nodes ?? []),
              }),
            };
          },
        }
      : {}),
  };
}

/** Every request's nodes by path, from as few queries as GitLab allows. */
async function blobNodes(
  target: RepositoryTarget,
  requests: BlobsRequest[],
  selection: string,
): Promise<Map<string, BlobNode>[]> {
  const fields: { request: number; field: RepositoryField }[] = [];
  requests.forEach((request, r) => {
    for (let i = 0; i < request.paths.length; i += PATHS_PER_FIELD) {
      fields.push({
        request: r,
        field: blobsField(request.sha, request.paths.slice(i, i + PATHS_PER_FIELD), selection),
      });
    }
  });
  const answers = await readRepositoryFields(
    target,
    fields.map(({ field }) => field),
  );
  const byRequest = requests.map(() => new Map<string, BlobNode>());
  answers.forEach((answer, a) => {
    const nodes = (answer as { nodes?: unknown } | null)?.nodes;
    if (!Array.isArray(nodes)) throw new ReadError(`GitLab answered ${target.where} without the blobs asked for`);
    for (const node of nodes as BlobNode[]) {
      if (typeof node.path === 'string') byRequest[fields[a]?.request as number]?.set(node.path, node);
    }
  });
  return byRequest;
}

function missing(request: BlobsRequest, path: string, target: RepositoryTarget): ReadError {
  return new ReadError(`GitLab did not return the blob "${path}" at ${request.sha} of ${target.where}`);
}

/** GitLab's `size` is a BigInt, which GraphQL sends as a string. */
function sizeOf(value: unknown): number | undefined {
  const size = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}

export interface BlobSize {
  size: number;
  oid: string;
}

/** The size and blob id of each path, without its content. */
export async function blobSizes(target: RepositoryTarget, requests: BlobsRequest[]): Promise<Map<string, BlobSize>[]> {
  const nodes = await blobNodes(target, requests, 'path size oid');
  return requests.map((request, r) => {
    const sizes = new Map<string, BlobSize>();
    for (const path of request.paths) {
      const node = nodes[r]?.get(path);
      const size = sizeOf(node?.size);
      if (!node || size === undefined || typeof node.oid !== 'string') throw missing(request, path, target);
      sizes.set(path, { size, oid: node.oid });
    }
    return sizes;
  });
}

/**
 * The text of each path as GitLab gives it: null for what it deems binary.
 * GitLab truncates large text (10 MiB by default) and may re-encode text it
 * takes for another charset, so the caller checks the length.
 */
export async function blobTexts(
  target: RepositoryTarget,
  requests: BlobsRequest[],
): Promise<Map<string, string | null>[]> {
  const nodes = await blobNodes(target, requests, 'path rawTextBlob');
  return requests.map((request, r) => {
    const texts = new Map<string, string | null>();
    for (const path of request.paths) {
      const node = nodes[r]?.get(path);
      if (!node || (node.rawTextBlob !== null && typeof node.rawTextBlob !== 'string')) {
        throw missing(request, path, target);
      }
      texts.set(path, node.rawTextBlob);
    }
    return texts;
  });
}

/** A blob's exact bytes over REST (GET /projects/:id/repository/blobs/:sha, base64), checked against its size. */
export async function blobBytes(
  api: GitLabApi,
  project: GitLabProject,
  blob: BlobSize,
  where: string,
): Promise<Buffer> {
  let data: { content?: unknown; encoding?: unknown };
  try {
    data = await gitlabCall('read blob', () => api.Repositories.showBlob(project.id, blob.oid));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ReadError(`cannot read blob ${blob.oid} of ${where}: ${message}`, { cause: error });
  }
  const content =
    data.encoding === 'base64' && typeof data.content === 'string' ? Buffer.from(data.content, 'base64') : undefined;
  if (!content || content.length !== blob.size) {
    throw new ReadError(`GitLab returned blob ${blob.oid} of ${where} without its ${blob.size} bytes`);
  }
  return content;
}
