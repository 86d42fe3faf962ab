import { createHash } from 'node:crypto';
import type nock from 'nock';
import type { CommitInfo } from '../../src/domain/tree.js';
import { executeGql, GqlResolveError, type GqlResponse, type GqlSchema } from './graphql-mini.js';
import { FAKE_COMMIT, type FakeEntry } from './snapshot.js';

export interface FakeRevision {
  /** Paths to contents, as for fakeSnapshot; `dir/` => '' is an empty directory. */
  files: Record<string, FakeEntry>;
  /** Defaults to FAKE_COMMIT; `message` defaults to the subject. */
  commit?: Partial<CommitInfo> & { message?: string };
}

/** GitHub cuts `Blob.text` at this many bytes and sets `isTruncated`. */
export const GITHUB_TEXT_LIMIT = 512_000;

const MODES = { file: 0o100644, executable: 0o100755, symlink: 0o120000, tree: 0o040000, gitlink: 0o160000 } as const;

interface Blob {
  kind: 'Blob';
  oid: string;
  size: number;
  /** The first `limit` bytes; large fakes are made on demand. */
  bytes: (limit: number) => Buffer;
}
interface Tree {
  kind: 'Tree';
  oid: string;
  children: Map<string, { mode: number; node: Blob | Tree | Gitlink }>;
}
interface Gitlink {
  kind: 'Gitlink';
  oid: string;
}
interface Commit {
  kind: 'Commit';
  oid: string;
  parents: string[];
  date?: Date;
  message?: string;
  tree?: Tree;
}
interface TreeEntry {
  name: string;
  path: string;
  mode: number;
  node: Blob | Tree | Gitlink;
}

const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest('hex');

function blobOf(content: Buffer): Blob {
  return {
    kind: 'Blob',
    oid: sha1(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content])),
    size: content.length,
    bytes: (limit) => content.subarray(0, limit),
  };
}

function tooLargeBlob(size: number): Blob {
  return {
    kind: 'Blob',
    oid: sha1(`too large ${size}`),
    size,
    bytes: (limit) => Buffer.alloc(Math.min(limit, size), 'x'),
  };
}

function buildTree(files: Record<string, FakeEntry>): Tree {
  const root: Tree = { kind: 'Tree', oid: '', children: new Map() };
  const dirAt = (parts: string[]): Tree => {
    let tree = root;
    for (const part of parts) {
      let child = tree.children.get(part);
      if (!child) {
        child = { mode: MODES.tree, node: { kind: 'Tree', oid: '', children: new Map() } };
        tree.children.set(part, child);
      }
      if (child.node.kind !== 'Tree') throw new Error(`fake GitHub: "${part}" is both a file and a directory`);
      tree = child.node;
    }
    return tree;
  };
  for (const [path, value] of Object.entries(files)) {
    const parts = path.split('/');
    if (path.endsWith('/')) {
      dirAt(parts.slice(0, -1));
      continue;
    }
    const name = parts.pop() as string;
    const dir = dirAt(parts);
    if (typeof value === 'string' || Buffer.isBuffer(value))
      dir.children.set(name, { mode: MODES.file, node: blobOf(Buffer.from(value)) });
    else if ('executable' in value)
      dir.children.set(name, { mode: MODES.executable, node: blobOf(Buffer.from(value.executable)) });
    else if ('symlink' in value)
      dir.children.set(name, { mode: MODES.symlink, node: blobOf(Buffer.from(value.symlink)) });
    else if ('submodule' in value)
      dir.children.set(name, { mode: MODES.gitlink, node: { kind: 'Gitlink', oid: sha1(`submodule ${path}`) } });
    else dir.children.set(name, { mode: MODES.file, node: tooLargeBlob(value.tooLarge) });
  }
  const hashTree = (tree: Tree): string => {
    const listing = [...tree.children].map(
      ([name, { mode, node }]) => `${mode.toString(8)} ${name} ${node.kind === 'Tree' ? hashTree(node) : node.oid}`,
    );
    tree.oid = sha1(listing.sort().join('\n'));
    return tree.oid;
  };
  hashTree(root);
  return root;
}

// A byte-order mark stays in a blob's text, as the bytes hold it: the readers must not lose it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function isBinary(bytes: Buffer): boolean {
  if (bytes.includes(0)) return true;
  try {
    utf8.decode(bytes);
    return false;
  } catch {
    return true;
  }
}

function entriesOf(tree: Tree, path: string): TreeEntry[] {
  return [...tree.children]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, { mode, node }]) => ({ name, mode, node, path: path === '' ? name : `${path}/${name}` }));
}

/** A check run on a commit, as the fake's GraphQL API reports it. */
export interface FakeCheckRun {
  sha: string;
  appId: number;
  id: number;
  name: string;
  externalId: string | null;
  annotationsCount: number;
}

interface CheckSuite {
  appId: number;
  runs: FakeCheckRun[];
}

/** GitHub refuses a connection without `first` (or `last`), and `first` outside 1..100. */
function firstOf(args: Record<string, unknown>): number {
  const first = Number(args.first);
  if (!Number.isInteger(first) || first < 1 || first > 100)
    throw new GqlResolveError('`first` must be between 1 and 100', 'ARGUMENT_ERROR');
  return first;
}

/** Arguments and input-object fields outside `known` are a typo GitHub would reject. */
function onlyArguments(args: Record<string, unknown>, known: string[], where: string): void {
  for (const key of Object.keys(args))
    if (!known.includes(key)) throw new GqlResolveError(`${where} has no argument or field '${key}'`, 'ARGUMENT_ERROR');
}

function filterOf(args: Record<string, unknown>, known: string[], where: string): Record<string, unknown> {
  const filter = (args.filterBy ?? {}) as Record<string, unknown>;
  onlyArguments(filter, known, `${where}.filterBy`);
  return filter;
}

/** The latest run of each name, as GitHub's `checkType: LATEST` gives them. */
function latestRuns(runs: FakeCheckRun[]): FakeCheckRun[] {
  const latest = new Map<string, FakeCheckRun>();
  for (const run of runs) if ((latest.get(run.name)?.id ?? -1) < run.id) latest.set(run.name, run);
  return [...latest.values()];
}

const typeName = (node: Blob | Tree | Gitlink) =>
  node.kind === 'Blob' ? 'blob' : node.kind === 'Tree' ? 'tree' : 'commit';

export interface FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  /** Every GraphQL request answered, in order. */
  readonly requests: { query: string; variables: Record<string, unknown> }[];
  /** Answers a POST /graphql body as GitHub would. */
  answer(body: unknown): GqlResponse;
  /** The blob id at `rev:path`, e.g. to expect a REST blob request. */
  oidOf(rev: string, path: string): string;
  /** GitHub's answer to GET /repos/{owner}/{repo}/git/blobs/{oid}. */
  blob(oid: string): { sha: string; size: number; encoding: 'base64'; content: string };
  /** A check run the GraphQL API reports from now on (Commit.checkSuites). */
  addCheckRun(run: FakeCheckRun): void;
}

/**
 * A GitHub repository holding `revisions` (keyed by the revision expression
 * a reader sends: a sha or `refs/heads/NAME`; a revision is also found by its
 * commit sha), answering GraphQL queries over Repository.object as GitHub
 * does: `REV` is the commit, `REV:PATH` the object at PATH without following
 * symlinks, `REV:` the root tree; blob text is cut at 512,000 bytes.
 */
export function fakeGitHub(
  revisions: Record<string, FakeRevision>,
  repository = { owner: 'tails', repo: 'tails' },
): FakeGitHub {
  const commits = new Map<string, Commit>();
  for (const [rev, revision] of Object.entries(revisions)) {
    const info = { ...FAKE_COMMIT, ...revision.commit };
    const commit: Commit = {
      kind: 'Commit',
      oid: info.sha,
      parents: info.parents,
      date: info.date,
      message: revision.commit?.message ?? info.subject,
      tree: buildTree(revision.files),
    };
    commits.set(rev, commit);
    if (!commits.has(info.sha)) commits.set(info.sha, commit);
  }
  const blobs = new Map<string, Blob>();
  const collect = (tree: Tree) => {
    for (const { node } of tree.children.values()) {
      if (node.kind === 'Blob') blobs.set(node.oid, node);
      if (node.kind === 'Tree') collect(node);
    }
  };
  for (const commit of commits.values()) if (commit.tree) collect(commit.tree);

  const resolve = (expression: string): Commit | Tree | Blob | null => {
    const colon = expression.indexOf(':');
    const commit = commits.get(colon < 0 ? expression : expression.slice(0, colon));
    if (!commit?.tree) return null;
    if (colon < 0) return commit;
    const path = expression.slice(colon + 1);
    if (path === '') return commit.tree;
    let node: Blob | Tree | Gitlink = commit.tree;
    for (const part of path.split('/')) {
      if (node.kind !== 'Tree') return null;
      const child = node.children.get(part);
      if (!child) return null;
      node = child.node;
    }
    return node.kind === 'Gitlink' ? null : node;
  };

  const checkRuns: FakeCheckRun[] = [];
  const suitesOf = (sha: string, appId: unknown): CheckSuite[] => {
    const suites = new Map<number, CheckSuite>();
    for (const run of checkRuns) {
      if (run.sha !== sha || (appId !== undefined && run.appId !== appId)) continue;
      const suite = suites.get(run.appId) ?? { appId: run.appId, runs: [] };
      suite.runs.push(run);
      suites.set(run.appId, suite);
    }
    return [...suites.values()];
  };

  const treePaths = new WeakMap<Tree, string>();
  const schema: GqlSchema = {
    types: {
      Query: {
        repository: (_parent, args) => {
          if (args.owner !== repository.owner || args.name !== repository.repo) {
            throw new GqlResolveError(
              `Could not resolve to a Repository with the name '${String(args.owner)}/${String(args.name)}'.`,
              'NOT_FOUND',
            );
          }
          return {};
        },
      },
      Repository: {
        nameWithOwner: () => `${repository.owner}/${repository.repo}`,
        object: (_parent, args) => {
          const expression = String(args.expression);
          const found = resolve(expression);
          if (found?.kind === 'Tree') treePaths.set(found, expression.slice(expression.indexOf(':') + 1));
          return found;
        },
      },
      GitObject: { oid: (o) => (o as { oid: string }).oid },
      Commit: {
        oid: (c) => (c as Commit).oid,
        committedDate: (c) => (c as Commit).date?.toISOString() ?? null,
        message: (c) => (c as Commit).message ?? null,
        messageHeadline: (c) => (c as Commit).message?.split('\n')[0] ?? null,
        parents: (c, args) => {
          const first = Number(args.first);
          if (!Number.isInteger(first) || first < 1 || first > 100)
            throw new GqlResolveError('`first` must be between 1 and 100', 'ARGUMENT_ERROR');
          const parents = (c as Commit).parents;
          return {
            totalCount: parents.length,
            nodes: parents.slice(0, first).map((oid) => commits.get(oid) ?? { kind: 'Commit', oid, parents: [] }),
          };
        },
        tree: (c) => (c as Commit).tree ?? null,
        checkSuites: (c, args) => {
          onlyArguments(args, ['first', 'filterBy'], 'Commit.checkSuites');
          const first = firstOf(args);
          const suites = suitesOf(
            (c as Commit).oid,
            filterOf(args, ['appId', 'checkName'], 'Commit.checkSuites').appId,
          );
          return { totalCount: suites.length, nodes: suites.slice(0, first) };
        },
      },
      CheckSuiteConnection: {
        totalCount: (c) => (c as { totalCount: number }).totalCount,
        nodes: (c) => (c as { nodes: CheckSuite[] }).nodes,
      },
      CheckSuite: {
        app: (s) => ({ databaseId: (s as CheckSuite).appId }),
        checkRuns: (s, args) => {
          onlyArguments(args, ['first', 'filterBy'], 'CheckSuite.checkRuns');
          const first = firstOf(args);
          const filter = filterOf(args, ['appId', 'checkName', 'checkType'], 'CheckSuite.checkRuns');
          if (filter.checkType !== undefined && filter.checkType !== 'LATEST' && filter.checkType !== 'ALL')
            throw new GqlResolveError(`no CheckRunType ${JSON.stringify(filter.checkType)}`, 'ARGUMENT_ERROR');
          const named = (s as CheckSuite).runs.filter(
            (run) => filter.checkName === undefined || run.name === filter.checkName,
          );
          const runs = (filter.checkType === 'LATEST' ? latestRuns(named) : named).sort((a, b) => b.id - a.id);
          return { totalCount: runs.length, nodes: runs.slice(0, first) };
        },
      },
      App: { databaseId: (a) => (a as { databaseId: number }).databaseId },
      CheckRunConnection: {
        totalCount: (c) => (c as { totalCount: number }).totalCount,
        nodes: (c) => (c as { nodes: FakeCheckRun[] }).nodes,
      },
      CheckRun: {
        databaseId: (r) => (r as FakeCheckRun).id,
        name: (r) => (r as FakeCheckRun).name,
        externalId: (r) => (r as FakeCheckRun).externalId,
        annotations: (r, args) => {
          onlyArguments(args, ['first'], 'CheckRun.annotations');
          firstOf(args);
          return { totalCount: (r as FakeCheckRun).annotationsCount };
        },
      },
      CheckAnnotationConnection: { totalCount: (c) => (c as { totalCount: number }).totalCount },
      CommitConnection: {
        totalCount: (c) => (c as { totalCount: number }).totalCount,
        nodes: (c) => (c as { nodes: Commit[] }).nodes,
      },
      Tree: {
        oid: (t) => (t as Tree).oid,
        entries: (t) => entriesOf(t as Tree, treePaths.get(t as Tree) ?? ''),
      },
      TreeEntry: {
        name: (e) => (e as TreeEntry).name,
        path: (e) => (e as TreeEntry).path,
        mode: (e) => (e as TreeEntry).mode,
        oid: (e) => (e as TreeEntry).node.oid,
        type: (e) => typeName((e as TreeEntry).node),
        object: (e) => {
          const { node, path } = e as TreeEntry;
          if (node.kind === 'Tree') treePaths.set(node, path);
          return node.kind === 'Gitlink' ? null : node;
        },
      },
      Blob: {
        oid: (b) => (b as Blob).oid,
        byteSize: (b) => (b as Blob).size,
        isBinary: (b) => isBinary((b as Blob).bytes(GITHUB_TEXT_LIMIT)),
        isTruncated: (b) => (b as Blob).size > GITHUB_TEXT_LIMIT,
        text: (b) => {
          const bytes = (b as Blob).bytes(GITHUB_TEXT_LIMIT);
          return isBinary(bytes) ? null : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        },
      },
    },
    fieldTypes: {
      Query: { repository: 'Repository' },
      Repository: { object: 'GitObject' },
      Commit: { parents: 'CommitConnection', tree: 'Tree', checkSuites: 'CheckSuiteConnection' },
      CheckSuiteConnection: { nodes: 'CheckSuite' },
      CheckSuite: { app: 'App', checkRuns: 'CheckRunConnection' },
      CheckRunConnection: { nodes: 'CheckRun' },
      CheckRun: { annotations: 'CheckAnnotationConnection' },
      CommitConnection: { nodes: 'Commit' },
      Tree: { entries: 'TreeEntry' },
      TreeEntry: { object: 'GitObject' },
    },
    interfaces: { GitObject: ['Commit', 'Tree', 'Blob'] },
    typeOf: (value, fieldType) => (fieldType === 'GitObject' ? (value as { kind: string }).kind : fieldType),
  };

  const requests: FakeGitHub['requests'] = [];
  return {
    owner: repository.owner,
    repo: repository.repo,
    requests,
    answer(body) {
      const { query, variables = {} } = body as { query: string; variables?: Record<string, unknown> };
      requests.push({ query, variables });
      return executeGql(schema, {}, query, variables);
    },
    oidOf(rev, path) {
      const found = resolve(`${rev}:${path}`);
      if (found?.kind !== 'Blob') throw new Error(`fake GitHub: no blob at ${rev}:${path}`);
      return found.oid;
    },
    blob(oid) {
      const blob = blobs.get(oid);
      if (!blob) throw new Error(`fake GitHub: no blob ${oid}`);
      const base64 = blob.bytes(blob.size).toString('base64');
      return { sha: oid, size: blob.size, encoding: 'base64', content: (base64.match(/.{1,60}/g) ?? []).join('\n') };
    },
    addCheckRun(run) {
      checkRuns.push(run);
    },
  };
}

/**
 * Expects one GraphQL request on `scope` (https://api.github.com, or a GHE
 * API root) and answers it from `fake`; then one REST blob request per
 * `restBlobs` entry, for files whose text GitHub truncates.
 */
export function mockRead(
  scope: nock.Scope,
  fake: FakeGitHub,
  options: { restBlobs?: { rev: string; path: string }[] } = {},
): nock.Scope {
  // Reads only: a mutation (moving a bot branch) has mocks of its own.
  scope
    .post('/graphql', (body: { query?: unknown }) => !/^\s*mutation\b/.test(String(body.query)))
    .reply(200, (_uri, body) => fake.answer(body));
  for (const { rev, path } of options.restBlobs ?? []) {
    const oid = fake.oidOf(rev, path);
    scope.get(`/repos/${fake.owner}/${fake.repo}/git/blobs/${oid}`).reply(200, fake.blob(oid));
  }
  return scope;
}
