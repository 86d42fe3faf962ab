import { execFileSync } from 'node:child_process';
import type { TestRepo } from './git-repo.js';
import type { GitLabReply, GitLabRequest, GitLabStandIn } from './gitlab-stand-in.js';
import {
  executeGql,
  GqlError,
  parseGql,
  type GqlResponse,
  type GqlSchema,
  type GqlSelection,
  type Resolver,
} from './graphql-mini.js';

/**
 * Routes that answer GitLab's repository reads from a real Git repository,
 * as GitLab documents them: REST commits, blobs and merge base, and the
 * GraphQL `project.repository` fields `tree` and `blobs` (validated by
 * graphql-mini: unknown fields, arguments and variables are errors).
 */
export interface RepoStandInOptions {
  /** The project's full path, as REST ids (URL-encoded) and `project(fullPath:)` name it. */
  project: string;
  repo: TestRepo;
  /** GitLab's page size for tree connections; 100 by default. */
  pageSize?: number;
  /** Bytes of text GitLab gives in `rawTextBlob` before truncating; 10 MiB by default, as GitLab. */
  textLimit?: number;
  /** GitLab's query complexity limit, counted as `queryComplexity` does; 250 by default. */
  maxComplexity?: number;
  /** Who last updated issue `iid` and when (ISO 8601), as `Project.issue(iid:)` answers; undefined: no such issue. */
  issueUpdate?: (iid: number) => { updatedBy: { id: number; username: string } | null; updatedAt: string } | undefined;
}

const NOT_FOUND = (what: string): GitLabReply => ({ status: 404, body: { message: `404 ${what} Not Found` } });

interface TreeEntryValue {
  name: string;
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
}

interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function serveRepository(standIn: GitLabStandIn, options: RepoStandInOptions): void {
  const { repo, project } = options;
  const pageSize = options.pageSize ?? 100;
  const textLimit = options.textLimit ?? 10 * 1024 * 1024;
  const maxComplexity = options.maxComplexity ?? 250;
  const git = (args: string[]): Buffer =>
    execFileSync('git', args, { cwd: repo.dir, env: { ...repo.env, GIT_LITERAL_PATHSPECS: '1' }, maxBuffer: 1 << 28 });
  const text = (args: string[]) => git(args).toString('utf8');

  /** The commit a ref names, as GitLab resolves it (branch, tag or sha), or undefined. */
  const resolve = (ref: string): string | undefined => {
    if (ref === '' || ref.startsWith('-')) return undefined;
    try {
      return text(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).trim();
    } catch {
      return undefined;
    }
  };
  const commitJson = (sha: string) => {
    const [id, parents, committed, authored, an, ae, cn, ce, message] = text([
      'log',
      '-1',
      '--format=%H%x00%P%x00%cI%x00%aI%x00%an%x00%ae%x00%cn%x00%ce%x00%B',
      sha,
    ]).split('\0');
    return {
      id,
      short_id: id?.slice(0, 8),
      created_at: committed,
      parent_ids: parents === '' ? [] : parents?.split(' '),
      title: (message ?? '').split('\n')[0],
      message: (message ?? '').replace(/\n$/, ''),
      author_name: an,
      author_email: ae,
      authored_date: authored,
      committer_name: cn,
      committer_email: ce,
      committed_date: committed,
      trailers: {},
      web_url: `${standIn.url}/${project}/-/commit/${id}`,
    };
  };
  /** The entry at `path` of commit `sha` (the root for ''), or undefined. */
  const entryAt = (sha: string, path: string): TreeEntryValue | undefined => {
    if (path === '') return { name: '', path: '', mode: '040000', type: 'tree', oid: '' };
    const line = git(['ls-tree', '-z', '--full-tree', sha, '--', path]).toString('utf8').split('\0')[0];
    const match = line ? /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line) : null;
    if (!match || match[4] !== path) return undefined;
    return {
      name: path.slice(path.lastIndexOf('/') + 1),
      path,
      mode: match[1] as string,
      type: match[2] as TreeEntryValue['type'],
      oid: match[3] as string,
    };
  };
  /** What GitLab lists below a path: nothing when it is no directory (GitLab rescues Gitaly's "path not treeish"). */
  const listing = (sha: string, path: string, recursive: boolean): TreeEntryValue[] => {
    if (entryAt(sha, path)?.type !== 'tree') return [];
    const args = ['ls-tree', '-z', ...(recursive ? ['-r', '-t'] : []), path === '' ? sha : `${sha}:${path}`];
    return git(args)
      .toString('utf8')
      .split('\0')
      .filter((line) => line !== '')
      .map((line) => {
        const [, mode, type, oid, relative] = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line) as string[];
        const full = path === '' ? (relative as string) : `${path}/${relative}`;
        return {
          name: full.slice(full.lastIndexOf('/') + 1),
          path: full,
          mode: mode as string,
          type: type as TreeEntryValue['type'],
          oid: oid as string,
        };
      });
  };

  const checkProject = (request: GitLabRequest): GitLabReply | undefined =>
    request.params.id === project ? undefined : NOT_FOUND('Project');

  standIn.on('GET', '/projects/:id/repository/commits/:sha', (request) => {
    const sha = resolve(request.params.sha as string);
    return checkProject(request) ?? (sha ? { body: commitJson(sha) } : NOT_FOUND('Commit'));
  });

  standIn.on('GET', '/projects/:id/repository/blobs/:sha', (request) => {
    const refused = checkProject(request);
    if (refused) return refused;
    const oid = request.params.sha as string;
    let content: Buffer;
    try {
      if (text(['cat-file', '-t', oid]).trim() !== 'blob') return NOT_FOUND('Blob');
      content = git(['cat-file', 'blob', oid]);
    } catch {
      return NOT_FOUND('Blob');
    }
    return { body: { size: content.length, encoding: 'base64', content: content.toString('base64'), sha: oid } };
  });

  standIn.on('GET', '/projects/:id/repository/merge_base', (request) => {
    const refused = checkProject(request);
    if (refused) return refused;
    const refs = request.query.getAll('refs[]');
    if (refs.length < 2) return { status: 400, body: { message: 'Provide at least 2 refs' } };
    const shas = refs.map(resolve);
    const unknown = refs.filter((_, i) => shas[i] === undefined);
    if (unknown.length > 0) {
      const noun = unknown.length === 1 ? 'ref' : 'refs';
      return { status: 400, body: { message: `Could not find ${noun}: ${unknown.join(', ')}` } };
    }
    try {
      const base = text(['merge-base', ...(shas as string[])]).trim();
      return { body: commitJson(base) };
    } catch {
      return NOT_FOUND('Merge Base');
    }
  });

  const connection = <T>(items: T[], args: Record<string, unknown>, size = 100): Connection<T> => {
    const after = typeof args.after === 'string' ? Number(Buffer.from(args.after, 'base64').toString()) + 1 : 0;
    const first = typeof args.first === 'number' ? Math.min(args.first, size) : size;
    const nodes = items.slice(after, after + first);
    const end = after + nodes.length - 1;
    return {
      nodes,
      pageInfo: {
        hasNextPage: end + 1 < items.length,
        hasPreviousPage: after > 0,
        startCursor: nodes.length > 0 ? Buffer.from(String(after)).toString('base64') : null,
        endCursor: nodes.length > 0 ? Buffer.from(String(end)).toString('base64') : null,
      },
    };
  };
  const accepting =
    (field: string, names: string[], resolver: Resolver): Resolver =>
    (parent, args) => {
      for (const name of Object.keys(args))
        if (!names.includes(name)) throw new GqlError(`Field '${field}' doesn't accept argument '${name}'`);
      return resolver(parent, args);
    };
  const page = ['after', 'before', 'first', 'last'];
  const entryFields = (extra: Record<string, Resolver> = {}): Record<string, Resolver> => ({
    id: (e) => `gid://gitlab/Gitlab::Graphql::Representation::TreeEntry/${(e as TreeEntryValue).oid}`,
    sha: (e) => (e as TreeEntryValue).oid,
    name: (e) => (e as TreeEntryValue).name,
    path: (e) => (e as TreeEntryValue).path,
    flatPath: (e) => (e as TreeEntryValue).path,
    type: (e) => (e as TreeEntryValue).type,
    webPath: (e) => `/${project}/-/tree/${(e as TreeEntryValue).path}`,
    webUrl: (e) => `${standIn.url}/${project}/-/tree/${(e as TreeEntryValue).path}`,
    ...extra,
  });
  const connectionFields = {
    nodes: (c: unknown) => (c as Connection<unknown>).nodes,
    pageInfo: (c: unknown) => (c as Connection<unknown>).pageInfo,
  };
  interface TreeValue {
    sha: string | undefined;
    entries: TreeEntryValue[];
  }
  interface BlobValue {
    entry: TreeEntryValue;
    content: Buffer;
  }
  const isBinary = (content: Buffer) => {
    if (content.includes(0)) return true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(content);
      return false;
    } catch {
      return true;
    }
  };

  const schema: GqlSchema = {
    types: {
      Query: {
        project: accepting('project', ['fullPath'], (_, args) => (args.fullPath === project ? {} : null)),
      },
      Project: {
        fullPath: () => project,
        repository: () => ({}),
        issue: accepting('issue', ['iid'], (_, args) => options.issueUpdate?.(Number(args.iid)) ?? null),
      },
      Issue: {
        updatedBy: (i) => (i as { updatedBy: unknown }).updatedBy,
        updatedAt: (i) => (i as { updatedAt: string }).updatedAt,
      },
      UserCore: {
        id: (u) => `gid://gitlab/User/${(u as { id: number }).id}`,
        username: (u) => (u as { username: string }).username,
      },
      Repository: {
        rootRef: () => text(['symbolic-ref', '--short', 'HEAD']).trim(),
        tree: accepting('tree', ['ref', 'path', 'recursive', 'refType'], (_, args): TreeValue => {
          const sha = resolve(typeof args.ref === 'string' ? args.ref : 'HEAD');
          const path = typeof args.path === 'string' ? args.path.replace(/^\/+|\/+$/g, '') : '';
          return { sha, entries: sha ? listing(sha, path, args.recursive === true) : [] };
        }),
        blobs: accepting('blobs', ['ref', 'paths', 'refType', ...page], (_, args): Connection<BlobValue> => {
          const sha = resolve(typeof args.ref === 'string' ? args.ref : 'HEAD');
          const paths = Array.isArray(args.paths) ? (args.paths as string[]) : [];
          const blobs = paths.flatMap((path): BlobValue[] => {
            const entry = sha ? entryAt(sha, path) : undefined;
            if (entry?.type !== 'blob') return [];
            return [{ entry, content: git(['cat-file', 'blob', entry.oid]) }];
          });
          return connection(blobs, args);
        }),
      },
      Tree: {
        trees: accepting('trees', page, (t, args) =>
          connection(
            (t as TreeValue).entries.filter((e) => e.type === 'tree'),
            args,
            pageSize,
          ),
        ),
        blobs: accepting('blobs', page, (t, args) =>
          connection(
            (t as TreeValue).entries.filter((e) => e.type === 'blob'),
            args,
            pageSize,
          ),
        ),
        submodules: accepting('submodules', page, (t, args) =>
          connection(
            (t as TreeValue).entries.filter((e) => e.type === 'commit'),
            args,
            pageSize,
          ),
        ),
        lastCommit: (t) => ((t as TreeValue).sha ? { sha: (t as TreeValue).sha } : null),
      },
      TreeEntryConnection: connectionFields,
      BlobConnection: connectionFields,
      SubmoduleConnection: connectionFields,
      RepositoryBlobConnection: connectionFields,
      PageInfo: {
        hasNextPage: (p) => (p as Connection<unknown>['pageInfo']).hasNextPage,
        hasPreviousPage: (p) => (p as Connection<unknown>['pageInfo']).hasPreviousPage,
        startCursor: (p) => (p as Connection<unknown>['pageInfo']).startCursor,
        endCursor: (p) => (p as Connection<unknown>['pageInfo']).endCursor,
      },
      TreeEntry: entryFields(),
      Blob: entryFields({ mode: (e) => (e as TreeEntryValue).mode, lfsOid: () => null }),
      Submodule: entryFields({ treeUrl: () => null }),
      RepositoryBlob: {
        id: (b) => `gid://gitlab/Blob/${(b as BlobValue).entry.oid}`,
        oid: (b) => (b as BlobValue).entry.oid,
        path: (b) => (b as BlobValue).entry.path,
        name: (b) => (b as BlobValue).entry.name,
        mode: (b) => (b as BlobValue).entry.mode,
        // BigInt: GraphQL sends it as a string.
        size: (b) => String((b as BlobValue).content.length),
        rawSize: (b) => String((b as BlobValue).content.length),
        rawTextBlob: (b) => {
          const { content } = b as BlobValue;
          return isBinary(content) ? null : content.subarray(0, textLimit).toString('utf8');
        },
        rawBlob: (b) => (b as BlobValue).content.subarray(0, textLimit).toString('utf8'),
      },
      Commit: {
        sha: (c) => (c as { sha: string }).sha,
        committedDate: (c) => commitJson((c as { sha: string }).sha).committed_date,
        message: (c) => commitJson((c as { sha: string }).sha).message,
      },
    },
    fieldTypes: {
      Query: { project: 'Project' },
      Project: { repository: 'Repository', issue: 'Issue' },
      Issue: { updatedBy: 'UserCore' },
      Repository: { tree: 'Tree', blobs: 'RepositoryBlobConnection' },
      Tree: {
        trees: 'TreeEntryConnection',
        blobs: 'BlobConnection',
        submodules: 'SubmoduleConnection',
        lastCommit: 'Commit',
      },
      TreeEntryConnection: { nodes: 'TreeEntry', pageInfo: 'PageInfo' },
      BlobConnection: { nodes: 'Blob', pageInfo: 'PageInfo' },
      SubmoduleConnection: { nodes: 'Submodule', pageInfo: 'PageInfo' },
      RepositoryBlobConnection: { nodes: 'RepositoryBlob', pageInfo: 'PageInfo' },
    },
    typeOf: (_, fieldType) => fieldType,
    interfaces: {},
  };

  standIn.on('POST', '/api/graphql', (request) => {
    const { query, variables } = (request.body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
    if (typeof query !== 'string')
      return { status: 400, body: { errors: [{ message: 'No query string was present' }] } };
    const complexity = queryComplexity(query, variables ?? {});
    if (complexity > maxComplexity) {
      return {
        body: {
          errors: [
            { message: `Query has complexity of ${complexity}, which exceeds max complexity of ${maxComplexity}` },
          ],
        },
      };
    }
    const answer: GqlResponse = executeGql(schema, {}, query, variables ?? {});
    return { body: answer };
  });
}

/**
 * GitLab's count, roughly: one per field, one more for each field that
 * calls Gitaly (`tree`, `blobs`), and per path of `blobs`, doubled as
 * GitLab does for a connection a resolver loads.
 */
export function queryComplexity(query: string, variables: Record<string, unknown>): number {
  let document;
  try {
    document = parseGql(query);
  } catch {
    return 0;
  }
  const count = (selections: GqlSelection[]): number =>
    selections.reduce((sum, s) => {
      if (s.kind !== 'field') return sum + count(s.kind === 'inline' ? s.selections : []);
      const children = 1 + count(s.selections ?? []);
      if (s.name === 'tree') return sum + children + 2;
      if (s.name === 'blobs' && 'paths' in s.args) {
        const paths = s.args.paths;
        const value = paths && typeof paths === 'object' && 'variable' in paths ? variables[paths.variable] : undefined;
        return sum + 2 * (children + 2 + (Array.isArray(value) ? value.length : 0));
      }
      return sum + children;
    }, 0);
  return count(document.operation.selections);
}
