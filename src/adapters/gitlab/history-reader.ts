import { branchNameProblem } from '../../domain/branch-name.js';
import { commitSubject } from '../../domain/commit-subject.js';
import { MissingRevisionError, ReadError } from '../../errors.js';
import { ForgeError } from '../../ports/forge-error.js';
import type { HistoryCommit, HistoryReader } from '../../ports/history.js';
import { gitlabCall, type GitLabApi, type GitLabProject } from './client.js';

/** Commits a page: the most GitLab gives. */
const PER_PAGE = 100;

/**
 * Pages one listing may ask for by default: 20,000 first-parent commits,
 * far more than a window of Tails' branches holds; the dashboard pays this
 * once per branch, then reads only what was pushed since.
 */
export const MAX_HISTORY_PAGES = 200;

/** A path's part of the fingerprint while no commit of the chain has changed it yet. */
export const NOT_CHANGED_YET = 'none';

const SHA = /^[0-9a-f]{40}$/;

interface ChainCommit {
  sha: string;
  date: Date;
  subject: string;
  parent?: string;
}

/** The changes of one path a listing found: those in the window, and the newest one before it. */
interface PathChanges {
  inWindow: Set<string>;
  before?: string;
}

function isTreePath(path: string): boolean {
  return path !== '' && !path.includes('\0') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * A branch's first-parent history through GitLab's REST API
 * (GET /projects/:id/repository/commits with first_parent): the branch's
 * tip, then its first-parent chain a page at a time from that tip until
 * the first commit older than `since` (kept), `stopAt` (left out) or the
 * root; then, per path, the first-parent commits that changed it (GitLab
 * takes one path a listing), until one older than the window.
 *
 * A commit's fingerprint lists, path by path, the newest commit of the
 * chain at or before it that changed that path: a path's content changes
 * only at such commits, so equal fingerprints mean equal content. One
 * newest commit for all the paths, as the Git reader gives, cannot be told
 * before the window without reading the chain down to there; this one
 * changes at the same commits, and depends on the commit alone, not on
 * the window it was read in (the dashboard compares fingerprints across
 * reads). Every listing is of the tip's sha, so a push between requests
 * changes nothing read.
 */
export class GitLabHistoryReader implements HistoryReader {
  private readonly maxPages: number;
  private readonly perPage: number;

  /** @param options.maxPages pages one listing may ask for (MAX_HISTORY_PAGES); options.perPage commits a page (100) */
  constructor(
    private readonly api: GitLabApi,
    private readonly project: GitLabProject,
    options: { maxPages?: number; perPage?: number } = {},
  ) {
    this.maxPages = options.maxPages ?? MAX_HISTORY_PAGES;
    this.perPage = options.perPage ?? PER_PAGE;
  }

  private get where(): string {
    return `GitLab project ${this.project.id}`;
  }

  /**
   * @throws MissingRevisionError when the branch does not exist
   * @throws ReadError when a request fails, GitLab answers what cannot be read, or a listing goes past `maxPages`
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
    const badPath = paths.find((path) => !isTreePath(path));
    if (badPath !== undefined) {
      throw new ReadError(
        `cannot read the history of branch "${branch}": ${JSON.stringify(badPath)} is not a path in a Git tree`,
      );
    }

    const tip = await this.tipOf(branch);
    const chain = await this.chain(branch, tip, since, stopAt);
    if (chain.length === 0) return [];
    const window = new Set(chain.map((c) => c.sha));
    const changes = await Promise.all(paths.map((path) => this.changesOf(branch, tip, path, window)));
    let latest = changes.map((c) => c.before ?? NOT_CHANGED_YET);
    return chain.reverse().map((commit) => {
      latest = latest.map((sha, i) => ((changes[i] as PathChanges).inWindow.has(commit.sha) ? commit.sha : sha));
      return { ...commit, fingerprint: paths.length === 0 ? NOT_CHANGED_YET : latest.join(' ') };
    });
  }

  /** The sha the branch points to, read as a branch (a tag of the same name is not it). */
  private async tipOf(branch: string): Promise<string> {
    let answer: { commit?: { id?: unknown } | null };
    try {
      answer = await gitlabCall('read branch', () => this.api.Branches.show(this.project.id, branch));
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404 && /Branch Not Found/i.test(error.message))
        throw new MissingRevisionError(`branch "${branch}" does not exist in ${this.where}`, { cause: error });
      throw this.failed(branch, error);
    }
    const id = answer.commit?.id;
    if (typeof id !== 'string' || !SHA.test(id))
      throw new ReadError(`GitLab answered branch "${branch}" of ${this.where} without its commit's id`);
    return id;
  }

  /** The first-parent chain from `tip`, newest first, as firstParentHistory keeps it. */
  private async chain(branch: string, tip: string, since: Date, stopAt: string | undefined): Promise<ChainCommit[]> {
    const walked: ChainCommit[] = [];
    let expected: string | undefined = tip;
    for (let page = 1; page <= this.maxPages; page += 1) {
      const { items, next } = await this.listPage(branch, tip, undefined, page);
      for (const item of items) {
        const commit = this.decode(branch, item);
        const last = walked.at(-1);
        if (commit.sha !== expected) {
          throw new ReadError(
            `GitLab's first-parent history of branch "${branch}" of ${this.where} lists ${commit.sha} where ${expected ?? 'nothing'}, ${last ? `the first parent of ${last.sha}` : 'its tip'}, was due`,
          );
        }
        if (commit.sha === stopAt) return walked;
        walked.push(commit);
        if (commit.date < since || commit.parent === undefined) return walked;
        expected = commit.parent;
      }
      if (!next || items.length === 0) {
        const last = walked.at(-1);
        throw new ReadError(
          `GitLab's first-parent history of branch "${branch}" of ${this.where} ended without commit ${expected}, ${last ? `the first parent of ${last.sha}` : 'its tip'}`,
        );
      }
    }
    const last = walked.at(-1);
    throw new ReadError(
      `the first-parent history of branch "${branch}" of ${this.where} since ${since.toISOString()} goes past ${this.maxPages * this.perPage} commits, where it reached ${last ? `${last.sha} of ${last.date.toISOString()}` : 'no commit'}: read a shorter span`,
    );
  }

  /**
   * The commits of the window that changed `path`, and the newest one
   * before the window, which the chain's order puts first after those.
   */
  private async changesOf(branch: string, tip: string, path: string, window: Set<string>): Promise<PathChanges> {
    const inWindow = new Set<string>();
    for (let page = 1; page <= this.maxPages; page += 1) {
      const { items, next } = await this.listPage(branch, tip, path, page);
      for (const item of items) {
        const id = (item as { id?: unknown } | null)?.id;
        if (typeof id !== 'string' || !SHA.test(id))
          throw new ReadError(
            `GitLab listed a commit of branch "${branch}" of ${this.where} that changed ${JSON.stringify(path)} with the id ${JSON.stringify(id)}`,
          );
        if (!window.has(id)) return { inWindow, before: id };
        inWindow.add(id);
      }
      if (!next || items.length === 0) return { inWindow };
    }
    throw new ReadError(
      `the commits of branch "${branch}" of ${this.where} that changed ${JSON.stringify(path)} go past ${this.maxPages * this.perPage} in the window: read a shorter span`,
    );
  }

  private async listPage(
    branch: string,
    tip: string,
    path: string | undefined,
    page: number,
  ): Promise<{ items: unknown[]; next: boolean }> {
    try {
      const answer = await gitlabCall('list commits', () =>
        this.api.Commits.all(this.project.id, {
          refName: tip,
          firstParent: true,
          ...(path === undefined ? {} : { path }),
          perPage: this.perPage,
          page,
          showExpanded: true,
        }),
      );
      if (!Array.isArray(answer.data))
        throw new ReadError(`GitLab answered a listing of the history of branch "${branch}" with no list`);
      return { items: answer.data, next: answer.paginationInfo.next !== null };
    } catch (error) {
      if (error instanceof ReadError) throw error;
      throw this.failed(branch, error);
    }
  }

  private failed(branch: string, error: unknown): ReadError {
    const message = error instanceof Error ? error.message : String(error);
    return new ReadError(`cannot read the history of branch "${branch}" of ${this.where}: ${message}`, {
      cause: error,
    });
  }

  private decode(branch: string, item: unknown): ChainCommit {
    const data = (item ?? {}) as { id?: unknown; parent_ids?: unknown; committed_date?: unknown; message?: unknown };
    const bad = (what: string) =>
      new ReadError(`GitLab returned a commit of branch "${branch}" of ${this.where} with ${what}`);
    const sha = data.id;
    if (typeof sha !== 'string' || !SHA.test(sha)) throw bad(`the id ${JSON.stringify(sha)}`);
    const date = typeof data.committed_date === 'string' ? new Date(data.committed_date) : undefined;
    if (!date || Number.isNaN(date.getTime()))
      throw bad(`the committed_date ${JSON.stringify(data.committed_date)} (${sha})`);
    if (typeof data.message !== 'string') throw bad(`no message (${sha})`);
    const parents = data.parent_ids;
    if (!Array.isArray(parents) || !parents.every((p) => typeof p === 'string' && SHA.test(p)))
      throw bad(`the parent_ids ${JSON.stringify(parents)} (${sha})`);
    const parent = parents[0] as string | undefined;
    return { sha, date, subject: commitSubject(data.message), ...(parent === undefined ? {} : { parent }) };
  }
}
