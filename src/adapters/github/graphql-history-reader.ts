import { commitSubject } from '../../domain/commit-subject.js';
import { branchNameProblem } from '../../domain/branch-name.js';
import { MissingRevisionError, ReadError } from '../../errors.js';
import type { HistoryCommit, HistoryReader } from '../../ports/history.js';
import type { GitHubReadClient, GitHubRepository } from './client.js';
import { toForgeError } from './forge-error.js';
import { isTreePath } from './ref-query.js';

/** Commits per query: the most GitHub gives. */
const PAGE_SIZE = 100;

/**
 * Pages one read may ask for by default: 20,000 commits. GitHub's history
 * of a branch lists the commits its merges brought in too, and a branch
 * like Tails' devel gains thousands a year; the dashboard pays this once
 * per branch, then reads only what was pushed since.
 */
export const MAX_HISTORY_PAGES = 200;

/** What stands for a path absent from a commit in its fingerprint. */
const ABSENT = '-';

/**
 * One page of a branch's history, with the object id of each path at each
 * commit. The paths travel as variables $p0… read through aliases p0…,
 * never in the query text.
 *
 * `history(since:)` is not used: GitHub applies it to a date this reader
 * cannot check, and a first-parent commit it left out would end the walk
 * early without a word. Unfiltered, every ancestor comes, each after a
 * child, and the walk stops itself at the first commit older than `since`.
 * `message`, not `messageHeadline`: GitHub cuts the headline short, and
 * the subject must be the one `git log` prints.
 */
export function buildHistoryQuery(pathCount: number): string {
  const aliases = Array.from({ length: pathCount }, (_, i) => `p${i}`);
  const declarations = [
    '$owner: String!',
    '$name: String!',
    '$ref: String!',
    '$cursor: String',
    ...aliases.map((a) => `$${a}: String!`),
  ];
  return [
    `query ReadHistory(${declarations.join(', ')}) {`,
    '  repository(owner: $owner, name: $name) {',
    '    ref(qualifiedName: $ref) {',
    '      target {',
    '        oid',
    '        ... on Commit {',
    `          history(first: ${PAGE_SIZE}, after: $cursor) {`,
    '            pageInfo { hasNextPage endCursor }',
    '            nodes {',
    '              oid',
    '              committedDate',
    '              message',
    '              parents(first: 1) { nodes { oid } }',
    ...aliases.map((a) => `              ${a}: file(path: $${a}) { oid }`),
    '            }',
    '          }',
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
  ].join('\n');
}

interface GqlHistoryNode {
  oid?: unknown;
  committedDate?: unknown;
  message?: unknown;
  parents?: { nodes?: { oid?: unknown }[] } | null;
  [alias: string]: unknown;
}

interface GqlHistoryAnswer {
  repository: {
    ref: {
      target: {
        oid: string;
        history?: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: GqlHistoryNode[] };
      } | null;
    } | null;
  } | null;
}

const OID_RE = /^[0-9a-f]{40}$/;

/**
 * A branch's first-parent history through GitHub's GraphQL API. GitHub's
 * `history` lists every ancestor, merged topic branches included, newest
 * first, so the reader keeps each commit it is sent and follows first
 * parents from the tip through the pages, until a commit older than
 * `since` (kept: the state the window starts in), `stopAt` (left out), or
 * the root. Requests: one per 100 commits of the whole history down to
 * there, at most `maxPages`.
 */
export class GraphqlHistoryReader implements HistoryReader {
  private readonly maxPages: number;

  /** @param options.maxPages pages one read may ask for (MAX_HISTORY_PAGES) */
  constructor(
    private readonly octokit: Pick<GitHubReadClient, 'graphql'>,
    private readonly repository: GitHubRepository,
    options: { maxPages?: number } = {},
  ) {
    this.maxPages = options.maxPages ?? MAX_HISTORY_PAGES;
  }

  private get where(): string {
    return `GitHub repository ${this.repository.owner}/${this.repository.repo}`;
  }

  /**
   * @throws MissingRevisionError when the branch does not exist
   * @throws ReadError when a query fails, or the first-parent chain cannot be followed within `maxPages`
   */
  async firstParentHistory(
    branch: string,
    options: { since: Date; paths: readonly string[]; stopAt?: string },
  ): Promise<HistoryCommit[]> {
    const { since, paths, stopAt } = options;
    const problem = branchNameProblem(branch);
    if (problem) throw new ReadError(`cannot read the history of branch "${branch}" of ${this.where}: ${problem}`);
    if (Number.isNaN(since.getTime()))
      throw new ReadError(`cannot read the history of branch "${branch}": since is not a date`);
    const badPath = paths.find((path) => path === '' || !isTreePath(path));
    if (badPath !== undefined) {
      throw new ReadError(
        `cannot read the history of branch "${branch}": ${JSON.stringify(badPath)} is not a path in a Git tree`,
      );
    }

    const query = buildHistoryQuery(paths.length);
    const variables: Record<string, string | null> = { ref: `refs/heads/${branch}`, cursor: null };
    paths.forEach((path, i) => (variables[`p${i}`] = path));
    const received = new Map<string, HistoryCommit>();
    const walked: HistoryCommit[] = [];
    let next: string | undefined;
    for (let page = 1; ; page += 1) {
      const history = await this.page(branch, query, variables);
      if (page === 1) next = history.tip;
      for (const node of history.nodes) {
        const commit = this.decode(branch, node, paths.length);
        received.set(commit.sha, commit);
      }
      while (next !== undefined) {
        const commit = received.get(next);
        if (!commit) break;
        if (commit.sha === stopAt) {
          next = undefined;
          break;
        }
        walked.push(commit);
        next = commit.date < since ? undefined : commit.parent;
      }
      if (next === undefined) return walked.reverse();
      const last = walked.at(-1);
      if (!history.hasNextPage) {
        throw new ReadError(
          `GitHub's history of branch "${branch}" of ${this.where} ended without commit ${next}, ${last ? `the first parent of ${last.sha}` : 'its tip'}`,
        );
      }
      if (page === this.maxPages) {
        throw new ReadError(
          `the first-parent history of branch "${branch}" of ${this.where} since ${since.toISOString()} goes past the ${page * PAGE_SIZE} newest commits of its history, where it reached ${last ? `${last.sha} of ${last.date.toISOString()}` : 'no commit'}: read a shorter span`,
        );
      }
      variables.cursor = history.endCursor;
    }
  }

  private async page(
    branch: string,
    query: string,
    variables: Record<string, string | null>,
  ): Promise<{ tip: string; hasNextPage: boolean; endCursor: string | null; nodes: GqlHistoryNode[] }> {
    const what = `the history of branch "${branch}" of ${this.where}`;
    let answer: GqlHistoryAnswer;
    try {
      answer = await this.octokit.graphql<GqlHistoryAnswer>(query, {
        owner: this.repository.owner,
        name: this.repository.repo,
        ...variables,
      });
    } catch (error) {
      const forgeError = toForgeError('read history', error);
      throw new ReadError(`cannot read ${what}: ${forgeError.message}`, { cause: forgeError });
    }
    if (!answer.repository) throw new ReadError(`cannot read ${what}: GitHub did not return the repository`);
    const ref = answer.repository.ref;
    if (!ref?.target) throw new MissingRevisionError(`branch "${branch}" does not exist in ${this.where}`);
    const history = ref.target.history;
    if (!history) throw new ReadError(`cannot read ${what}: the branch does not point to a commit`);
    return {
      tip: ref.target.oid,
      hasNextPage: history.pageInfo.hasNextPage,
      endCursor: history.pageInfo.endCursor,
      nodes: history.nodes,
    };
  }

  private decode(branch: string, node: GqlHistoryNode, pathCount: number): HistoryCommit {
    const bad = (what: string) =>
      new ReadError(`GitHub returned a commit of branch "${branch}" of ${this.where} with ${what}`);
    const sha = node.oid;
    if (typeof sha !== 'string' || !OID_RE.test(sha)) throw bad(`the id ${JSON.stringify(sha)}`);
    const date = typeof node.committedDate === 'string' ? new Date(node.committedDate) : undefined;
    if (!date || Number.isNaN(date.getTime()))
      throw bad(`the commit date ${JSON.stringify(node.committedDate)} (${sha})`);
    if (typeof node.message !== 'string') throw bad(`no message (${sha})`);
    const parent = node.parents?.nodes?.[0]?.oid;
    if (parent !== undefined && (typeof parent !== 'string' || !OID_RE.test(parent)))
      throw bad(`the parent id ${JSON.stringify(parent)} (${sha})`);
    const oids = Array.from({ length: pathCount }, (_, i) => {
      const entry = node[`p${i}`] as { oid?: unknown } | null | undefined;
      if (entry === null) return ABSENT;
      if (typeof entry?.oid !== 'string' || !OID_RE.test(entry.oid)) throw bad(`no object id for path ${i} (${sha})`);
      return entry.oid;
    });
    return {
      sha,
      date,
      subject: commitSubject(node.message),
      ...(parent === undefined ? {} : { parent }),
      fingerprint: oids.join(' '),
    };
  }
}
