import { ReadError } from '../../errors.js';
import { ForgeError } from '../../ports/forge-error.js';
import { gitlabGraphql, type GitLabConnection } from './client.js';

/**
 * One field under `project.repository`, to be aliased into a query beside
 * others. Its `body` names its variables as `$name`; they are renamed per
 * alias, so fields never clash.
 */
export interface RepositoryField {
  /** e.g. `tree(ref: $ref, path: $path) { … }`. */
  body: string;
  variables: Record<string, { type: string; value: unknown }>;
  /** What GitLab would count for the field, roughly (see MAX_COMPLEXITY). */
  cost: number;
  /** Smaller fields asking the same, and how their answers make this field's answer; absent when it cannot split. */
  split?: () => { parts: RepositoryField[]; join(answers: unknown[]): unknown };
}

/**
 * GitLab refuses a query whose complexity exceeds 250 for an authenticated
 * user (gitlab.com and the default of self-managed instances), counting
 * each field, more for those that call Gitaly and per path of `blobs`.
 * Fields are packed under this budget; a GitLab that counts more (some
 * versions do) answers with a complexity error, and the query is split.
 */
export const MAX_COMPLEXITY = 240;

export interface RepositoryTarget {
  connection: GitLabConnection;
  /** The project's full path (`namespace/name`), as GraphQL's `project(fullPath:)` takes it. */
  fullPath: string;
  /** For messages: the project and what is read. */
  where: string;
}

function isTooComplex(error: unknown): boolean {
  return error instanceof ForgeError && /complexity of \d+, which exceeds max complexity/i.test(error.message);
}

async function query(target: RepositoryTarget, fields: RepositoryField[]): Promise<unknown[]> {
  const declarations = ['$fullPath: ID!'];
  const variables: Record<string, unknown> = { fullPath: target.fullPath };
  const selections = fields.map((field, f) => {
    for (const [name, { type, value }] of Object.entries(field.variables)) {
      declarations.push(`$f${f}_${name}: ${type}`);
      variables[`f${f}_${name}`] = value;
    }
    return `f${f}: ${field.body.replace(/\$([A-Za-z_]\w*)/g, (_, name: string) => `$f${f}_${name}`)}`;
  });
  const text = [
    `query ReadRefs(${declarations.join(', ')}) {`,
    '  project(fullPath: $fullPath) {',
    '    repository {',
    ...selections.map((s) => `      ${s}`),
    '    }',
    '  }',
    '}',
  ].join('\n');
  const data = await gitlabGraphql<{ project: { repository: Record<string, unknown> | null } | null }>(
    target.connection,
    'read repository',
    text,
    variables,
  );
  if (!data.project) throw new ReadError(`cannot read ${target.where}: GitLab did not return the project`);
  const repository = data.project.repository;
  if (!repository) throw new ReadError(`cannot read ${target.where}: GitLab did not return its repository`);
  return fields.map((_, f) => repository[`f${f}`]);
}

async function queryOrSplit(target: RepositoryTarget, fields: RepositoryField[]): Promise<unknown[]> {
  try {
    return await query(target, fields);
  } catch (error) {
    if (!isTooComplex(error)) throw error;
    if (fields.length > 1) {
      const half = Math.ceil(fields.length / 2);
      const answers = await Promise.all([
        queryOrSplit(target, fields.slice(0, half)),
        queryOrSplit(target, fields.slice(half)),
      ]);
      return answers.flat();
    }
    const split = (fields[0] as RepositoryField).split?.();
    if (!split) throw error;
    const answers = await Promise.all(split.parts.map((part) => queryOrSplit(target, [part])));
    return [split.join(answers.map((answer) => answer[0]))];
  }
}

/** Packs fields into queries under MAX_COMPLEXITY, in order. */
function pack(fields: RepositoryField[]): RepositoryField[][] {
  const queries: RepositoryField[][] = [];
  let current: RepositoryField[] = [];
  let cost = 0;
  for (const field of fields) {
    if (current.length > 0 && cost + field.cost > MAX_COMPLEXITY) {
      queries.push(current);
      current = [];
      cost = 0;
    }
    current.push(field);
    cost += field.cost;
  }
  if (current.length > 0) queries.push(current);
  return queries;
}

/**
 * Each field's answer, in order, from as few POST /api/graphql as
 * GitLab's complexity limit allows, sent at once.
 * @throws ReadError naming `target.where`, with the ForgeError as cause when GitLab refused
 */
export async function readRepositoryFields(target: RepositoryTarget, fields: RepositoryField[]): Promise<unknown[]> {
  if (fields.length === 0) return [];
  try {
    const answers = await Promise.all(pack(fields).map((batch) => queryOrSplit(target, batch)));
    return answers.flat();
  } catch (error) {
    if (error instanceof ReadError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ReadError(`cannot read ${target.where}: ${message}`, { cause: error });
  }
}
