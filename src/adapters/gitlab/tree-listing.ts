import { joinPath } from '../../domain/tree.js';
import { ReadError } from '../../errors.js';
import { parentOf } from '../github/ref-query.js';
import { readRepositoryFields, type RepositoryField, type RepositoryTarget } from './reader-graphql.js';

/** An entry of a directory as GitLab's tree lists it: a blob (file or symlink), a tree, or a submodule. */
export interface ListedEntry {
  path: string;
  name: string;
  kind: 'blob' | 'tree' | 'commit';
  /** A blob's mode, e.g. "100755"; trees and submodules have none in the listing. */
  mode?: string;
}

/** A directory to list at a commit: its entries, or everything below it. */
export interface ListingRequest {
  sha: string;
  path: string;
  recursive: boolean;
}

type Connection = 'trees' | 'blobs' | 'submodules';

/** A recursive listing needs each entry's path; a listing of one directory, only names. */
const NODES: Record<Connection, string[]> = {
  trees: ['name'],
  blobs: ['name', 'mode'],
  submodules: ['name'],
};

interface Page {
  nodes?: { name?: unknown; path?: unknown; mode?: unknown }[];
  pageInfo?: { hasNextPage?: unknown; endCursor?: unknown };
}

/**
 * `tree` asks for up to 100 entries of each kind (GitLab's page size); a
 * page after the first asks for that kind alone, after its cursor.
 */
function listingField(request: ListingRequest, cursors: Partial<Record<Connection, string | null>>): RepositoryField {
  const variables: RepositoryField['variables'] = {
    ref: { type: 'String!', value: request.sha },
    path: { type: 'String!', value: request.path },
    recursive: { type: 'Boolean!', value: request.recursive },
  };
  // As GitLab counts: each field one, `tree` two more for calling Gitaly.
  let cost = 3;
  const connections = (Object.keys(cursors) as Connection[]).map((connection) => {
    const cursor = cursors[connection];
    if (typeof cursor === 'string') variables[connection] = { type: 'String!', value: cursor };
    const after = typeof cursor === 'string' ? `(after: $${connection})` : '';
    const nodes = request.recursive ? [...NODES[connection], 'path'] : NODES[connection];
    cost += 5 + nodes.length;
    return `${connection}${after} { nodes { ${nodes.join(' ')} } pageInfo { hasNextPage endCursor } }`;
  });
  return {
    body: `tree(ref: $ref, path: $path, recursive: $recursive) { ${connections.join(' ')} }`,
    variables,
    cost,
  };
}

const KIND: Record<Connection, ListedEntry['kind']> = { trees: 'tree', blobs: 'blob', submodules: 'commit' };

function decodePage(
  page: Page | undefined,
  connection: Connection,
  dir: string,
  where: string,
): { entries: ListedEntry[]; next?: string } {
  if (!page || !Array.isArray(page.nodes) || !page.pageInfo) {
    throw new ReadError(`GitLab answered ${where} without its ${connection}`);
  }
  const entries = page.nodes.map((node): ListedEntry => {
    const path = node.path ?? (typeof node.name === 'string' ? joinPath(dir, node.name) : undefined);
    if (typeof node.name !== 'string' || node.name === '' || typeof path !== 'string' || path === '') {
      throw new ReadError(`GitLab answered ${where} with an entry of ${connection} without its name or path`);
    }
    if (connection === 'blobs' && typeof node.mode !== 'string') {
      throw new ReadError(`GitLab answered ${where} with the blob "${path}" without its mode`);
    }
    return {
      path,
      name: node.name,
      kind: KIND[connection],
      ...(typeof node.mode === 'string' ? { mode: node.mode } : {}),
    };
  });
  if (page.pageInfo.hasNextPage !== true) return { entries };
  if (typeof page.pageInfo.endCursor !== 'string' || page.pageInfo.endCursor === '') {
    throw new ReadError(`GitLab answered ${where} with more ${connection} but no cursor to them`);
  }
  return { entries, next: page.pageInfo.endCursor };
}

/**
 * Lists every requested directory, every page of it, in as few queries as
 * GitLab allows; a path that is not a directory at that commit (or does
 * not exist) lists nothing, as GitLab answers.
 * @returns each request's entries, in order
 */
export async function listTrees(target: RepositoryTarget, requests: ListingRequest[]): Promise<ListedEntry[][]> {
  const listed = requests.map((): ListedEntry[] => []);
  const firstPages: Partial<Record<Connection, string | null>> = { trees: null, blobs: null, submodules: null };
  let pending = requests.map((_, index) => ({ index, cursors: firstPages }));
  while (pending.length > 0) {
    const answers = await readRepositoryFields(
      target,
      pending.map(({ index, cursors }) => listingField(requests[index] as ListingRequest, cursors)),
    );
    const next: typeof pending = [];
    pending.forEach(({ index, cursors }, a) => {
      const request = requests[index] as ListingRequest;
      const where = `the tree "${request.path}" at ${request.sha} of ${target.where}`;
      const tree = answers[a] as Partial<Record<Connection, Page>> | null | undefined;
      if (!tree) throw new ReadError(`GitLab did not return ${where}`);
      const more: Partial<Record<Connection, string>> = {};
      for (const connection of Object.keys(cursors) as Connection[]) {
        const page = decodePage(tree[connection], connection, request.path, where);
        (listed[index] as ListedEntry[]).push(...page.entries);
        if (page.next !== undefined) {
          if (page.next === cursors[connection]) throw new ReadError(`GitLab repeated a page of ${where}`);
          more[connection] = page.next;
        }
      }
      if (Object.keys(more).length > 0) next.push({ index, cursors: more });
    });
    pending = next;
  }
  return listed;
}

/** What the listings of one commit say: the entries of each directory whose entries are known. */
export class TreeIndex {
  private readonly children = new Map<string, Map<string, ListedEntry>>();
  private readonly whole = new Set<string>();

  /** Whether the entries of `dir` are known (and, when `recursive`, everything below it). */
  has(dir: string, recursive: boolean): boolean {
    for (let at = dir; ; at = parentOf(at)) {
      if (this.whole.has(at)) return true;
      if (at === '') break;
    }
    return !recursive && this.children.has(dir);
  }

  /** The entries of `dir`, when known; empty when it is not a directory. */
  entriesOf(dir: string): ListedEntry[] | undefined {
    const entries = this.children.get(dir);
    if (entries) return [...entries.values()];
    return this.has(dir, false) ? [] : undefined;
  }

  add(request: ListingRequest, entries: ListedEntry[]): void {
    if (!this.children.has(request.path)) this.children.set(request.path, new Map());
    if (request.recursive) this.whole.add(request.path);
    for (const entry of entries) {
      const parent = parentOf(entry.path);
      const siblings = this.children.get(parent) ?? new Map<string, ListedEntry>();
      siblings.set(entry.name, entry);
      this.children.set(parent, siblings);
    }
  }
}
