import { ReadError } from '../../errors.js';
import type { ReadSpec } from '../../domain/tree.js';
import { CHECK_RUNS_FRAGMENT } from './check-runs-read.js';

/** One path to read: 0 for a file, 1 or 2 for a directory and that many levels below it. */
export interface ReadTarget {
  path: string;
  depth: 0 | 1 | 2;
  maxBytes: number;
}

export interface RevisionAliases {
  rev: string;
  /** Alias of the commit object. */
  commit: string;
  /** Alias of each target's own object. */
  targets: { target: ReadTarget; alias: string }[];
  /**
   * Alias of the listing (name, type, mode) of each target's parent
   * directory, by parent path: only a tree entry says whether a blob is a
   * symlink or executable, and whether a path is a submodule. The root has
   * no parent.
   */
  listings: Map<string, string>;
}

/** The app's check runs to read beside the revisions: on the commit `rev` (one of them) names, made by app `appId`. */
export interface CheckRunsRequest {
  rev: string;
  appId: number;
}

export interface RefQuery {
  query: string;
  /** Every revision, path and app id travels here, never in the query text. */
  variables: Record<string, string | number>;
  revisions: RevisionAliases[];
  /** Alias of the check runs, when asked for. */
  checkRuns?: string;
}

/** The alias and variable of the check runs' commit, and the variable of the app id. */
const CHECK_RUNS_ALIAS = 'runs';
const APP_ID_VARIABLE = 'appId';

/*
 * Fragment DepthN reads an object and, if it is a tree, its entries N levels
 * down; Depth0 stops at the names of a directory's entries.
 */
const FRAGMENTS = {
  CommitInfo: 'fragment CommitInfo on Commit { oid committedDate message parents(first: 100) { nodes { oid } } }',
  Content: 'fragment Content on Blob { oid byteSize isBinary isTruncated text }',
  Names: 'fragment Names on Tree { entries { name } }',
  Listing: 'fragment Listing on Tree { entries { name type mode } }',
  Depth0: 'fragment Depth0 on GitObject { ...Content ...Names }',
  Depth1: 'fragment Depth1 on GitObject { ...Content ... on Tree { entries { name type mode object { ...Depth0 } } } }',
  Depth2: 'fragment Depth2 on GitObject { ...Content ... on Tree { entries { name type mode object { ...Depth1 } } } }',
  AppCheckRuns: CHECK_RUNS_FRAGMENT,
} as const;

/** Revisions become `REV:PATH` expressions, so a colon would move the split. */
export function checkRev(rev: string): void {
  if (rev === '' || /[:\s\x00-\x1f\x7f]/.test(rev)) {
    throw new ReadError(
      `${JSON.stringify(rev)} is not a revision this reader accepts: use a commit sha or refs/heads/BRANCH`,
    );
  }
}

/**
 * Whether a path can name something in a Git tree at all. Trees hold no
 * empty, "." or ".." names, so such a path is simply absent, as it is for
 * the local reader; and GitHub would resolve "./" and "../" relative to
 * something, not literally. The empty path is the root.
 */
export function isTreePath(path: string): boolean {
  return path === '' || (!path.includes('\0') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..'));
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The spec's paths, each once; a path asked twice is read as deep and as large as asked. */
export function readTargets(spec: ReadSpec): ReadTarget[] {
  const byPath = new Map<string, ReadTarget>();
  const add = (target: ReadTarget) => {
    if (!isTreePath(target.path)) return;
    const seen = byPath.get(target.path);
    byPath.set(
      target.path,
      seen
        ? {
            path: target.path,
            depth: Math.max(seen.depth, target.depth) as ReadTarget['depth'],
            maxBytes: Math.max(seen.maxBytes, target.maxBytes),
          }
        : target,
    );
  };
  for (const file of spec.files) add({ path: file.path, depth: 0, maxBytes: file.maxBytes });
  for (const dir of spec.dirs) add({ path: dir.path, depth: dir.depth, maxBytes: dir.maxBytes });
  return [...byPath.values()];
}

/** One query reading `spec` at every revision of `revs`, and the app's check runs when asked. */
export function buildRefQuery(revs: string[], spec: ReadSpec, checkRuns?: CheckRunsRequest): RefQuery {
  const targets = readTargets(spec);
  const variables: Record<string, string | number> = {};
  const fields: string[] = [];
  const used = new Set<keyof typeof FRAGMENTS>(['CommitInfo']);
  const field = (alias: string, expression: string, fragment: keyof typeof FRAGMENTS) => {
    variables[alias] = expression;
    fields.push(`${alias}: object(expression: $${alias}) { ...${fragment} }`);
    used.add(fragment);
  };

  const revisions = revs.map((rev, r): RevisionAliases => {
    checkRev(rev);
    const aliases: RevisionAliases = { rev, commit: `c${r}`, targets: [], listings: new Map() };
    field(aliases.commit, rev, 'CommitInfo');
    targets.forEach((target, t) => {
      const alias = `o${r}_${t}`;
      field(alias, `${rev}:${target.path}`, `Depth${target.depth}`);
      aliases.targets.push({ target, alias });
      if (target.path === '') return;
      const parent = parentOf(target.path);
      if (!aliases.listings.has(parent)) {
        const listing = `t${r}_${aliases.listings.size}`;
        field(listing, `${rev}:${parent}`, 'Listing');
        aliases.listings.set(parent, listing);
      }
    });
    return aliases;
  });
  if (checkRuns) {
    checkRev(checkRuns.rev);
    field(CHECK_RUNS_ALIAS, checkRuns.rev, 'AppCheckRuns');
    variables[APP_ID_VARIABLE] = checkRuns.appId;
  }

  if (used.has('Depth2')) used.add('Depth1');
  if (used.has('Depth1')) used.add('Depth0');
  if (used.has('Depth0')) {
    used.add('Content');
    used.add('Names');
  }
  const declarations = [
    '$owner: String!',
    '$name: String!',
    ...Object.entries(variables).map(([name, value]) => `$${name}: ${typeof value === 'number' ? 'Int' : 'String'}!`),
  ];
  const query = [
    `query ReadRefs(${declarations.join(', ')}) {`,
    '  repository(owner: $owner, name: $name) {',
    ...fields.map((f) => `    ${f}`),
    '  }',
    '}',
    ...(Object.keys(FRAGMENTS) as (keyof typeof FRAGMENTS)[])
      .filter((name) => used.has(name))
      .map((name) => FRAGMENTS[name]),
  ].join('\n');
  return { query, variables, revisions, ...(checkRuns ? { checkRuns: CHECK_RUNS_ALIAS } : {}) };
}
