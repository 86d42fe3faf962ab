import { createHash } from 'node:crypto';

/** A commit of the fake repository and its text files (path → content). */
export interface FakeCommit {
  sha: string;
  parents: string[];
  date: Date;
  message: string;
  files: Readonly<Record<string, string>>;
}

/** A check run of the fake repository, as the reader's AppCheckRuns fragment reports it. */
export interface FakeCheckRun {
  id: number;
  appId: number;
  name: string;
  externalId: string | null;
  annotationsCount: number;
}

const MODE_FILE = 0o100644;
const MODE_TREE = 0o040000;

interface Blob {
  kind: 'blob';
  oid: string;
  text: string;
  size: number;
}
interface Tree {
  kind: 'tree';
  oid: string;
  children: Map<string, Blob | Tree>;
}

const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

function buildTree(files: Readonly<Record<string, string>>): Tree {
  const root: Tree = { kind: 'tree', oid: '', children: new Map() };
  for (const [path, text] of Object.entries(files)) {
    const parts = path.split('/');
    const name = parts.pop() as string;
    let dir = root;
    for (const part of parts) {
      let child = dir.children.get(part);
      if (!child) {
        child = { kind: 'tree', oid: '', children: new Map() };
        dir.children.set(part, child);
      }
      if (child.kind !== 'tree') throw new Error(`fake GitHub: "${path}" goes through a file`);
      dir = child;
    }
    const bytes = Buffer.from(text, 'utf8');
    dir.children.set(name, {
      kind: 'blob',
      oid: sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes])),
      text,
      size: bytes.length,
    });
  }
  const hash = (tree: Tree): string => {
    const sorted = [...tree.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    tree.children = new Map(sorted);
    tree.oid = sha1(sorted.map(([name, node]) => `${name} ${node.kind === 'tree' ? hash(node) : node.oid}`).join('\n'));
    return tree.oid;
  };
  hash(root);
  return root;
}

const entryHead = (name: string, node: Blob | Tree) => ({
  name,
  type: node.kind,
  mode: node.kind === 'tree' ? MODE_TREE : MODE_FILE,
});

/** The fields of fragment DepthN of the reader's query (src/adapters/github/ref-query.ts). */
function atDepth(node: Blob | Tree, depth: number): Record<string, unknown> {
  if (node.kind === 'blob')
    return { oid: node.oid, byteSize: node.size, isBinary: false, isTruncated: false, text: node.text };
  if (depth === 0) return { entries: [...node.children.keys()].map((name) => ({ name })) };
  return {
    entries: [...node.children].map(([name, child]) => ({
      ...entryHead(name, child),
      object: atDepth(child, depth - 1),
    })),
  };
}

/** `alias: object(expression: $alias) { ...Fragment }`, as buildRefQuery writes each field. */
const FIELD = /(\w+): object\(expression: \$(\w+)\) \{ \.\.\.(\w+) \}/g;

export interface GraphqlAnswer {
  data: { repository: Record<string, unknown> | null };
  errors?: { type: string; message: string }[];
}

/** AppCheckRuns: the app's suite on the commit, if it has runs there, with the latest run of each name. */
function appCheckRuns(sha: string, runs: readonly FakeCheckRun[], appId: unknown): Record<string, unknown> {
  const latest = new Map<string, FakeCheckRun>();
  for (const run of runs)
    if (run.appId === appId && (latest.get(run.name)?.id ?? -1) < run.id) latest.set(run.name, run);
  const nodes = [...latest.values()].map((run) => ({
    databaseId: run.id,
    name: run.name,
    externalId: run.externalId,
    annotations: { totalCount: run.annotationsCount },
  }));
  const suites =
    nodes.length === 0 ? [] : [{ app: { databaseId: appId }, checkRuns: { totalCount: nodes.length, nodes } }];
  return { oid: sha, checkSuites: { totalCount: suites.length, nodes: suites } };
}

/**
 * Answers the GraphQL query of GraphqlRefReader (one `object(expression:)`
 * per alias, a fragment each) from commits held in memory, as GitHub
 * would for a tree of plain text files: `REV` is the commit, `REV:PATH`
 * the object at PATH, `REV:` the root. Unknown revisions and paths are null.
 * The check runs a commit has come from `checkRunsOf` (by commit sha).
 */
export class FakeRefGraphql {
  /** By file set: commits that share one share its tree. */
  private readonly trees = new WeakMap<FakeCommit['files'], Tree>();

  constructor(
    private readonly repository: { owner: string; repo: string },
    private readonly commitOf: (rev: string) => FakeCommit | undefined,
    private readonly checkRunsOf: (sha: string) => readonly FakeCheckRun[] = () => [],
  ) {}

  answer(body: unknown): GraphqlAnswer {
    const { query, variables } = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
    if (typeof query !== 'string' || !variables)
      throw new Error('fake GitHub: a GraphQL request needs "query" and "variables"');
    if (variables.owner !== this.repository.owner || variables.name !== this.repository.repo) {
      const message = `Could not resolve to a Repository with the name '${String(variables.owner)}/${String(variables.name)}'.`;
      return { data: { repository: null }, errors: [{ type: 'NOT_FOUND', message }] };
    }
    const repository: Record<string, unknown> = {};
    for (const [, alias, variable, fragment] of query.matchAll(FIELD)) {
      repository[alias as string] = this.object(
        String(variables[variable as string]),
        fragment as string,
        variables.appId,
      );
    }
    return { data: { repository } };
  }

  private object(expression: string, fragment: string, appId: unknown): Record<string, unknown> | null {
    const colon = expression.indexOf(':');
    const commit = this.commitOf(colon < 0 ? expression : expression.slice(0, colon));
    if (!commit) return null;
    if (colon < 0 && fragment === 'AppCheckRuns') return appCheckRuns(commit.sha, this.checkRunsOf(commit.sha), appId);
    if (colon < 0) {
      return {
        oid: commit.sha,
        committedDate: commit.date.toISOString(),
        message: commit.message,
        parents: { nodes: commit.parents.map((oid) => ({ oid })) },
      };
    }
    const node = this.resolve(commit, expression.slice(colon + 1));
    if (!node) return null;
    if (fragment === 'Listing') {
      return node.kind === 'tree' ? { entries: [...node.children].map(([name, child]) => entryHead(name, child)) } : {};
    }
    const depth = /^Depth(\d)$/.exec(fragment);
    if (!depth) throw new Error(`fake GitHub: fragment ${fragment} is not one the reader's query uses`);
    return atDepth(node, Number(depth[1]));
  }

  private resolve(commit: FakeCommit, path: string): Blob | Tree | undefined {
    let tree = this.trees.get(commit.files);
    if (!tree) {
      tree = buildTree(commit.files);
      this.trees.set(commit.files, tree);
    }
    let node: Blob | Tree | undefined = tree;
    for (const part of path === '' ? [] : path.split('/'))
      node = node?.kind === 'tree' ? node.children.get(part) : undefined;
    return node;
  }
}
