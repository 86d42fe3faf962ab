import { ReadError } from '../../errors.js';
import type { ReadSpec, RefSnapshot } from '../../domain/tree.js';
import type { KnownCheckRuns } from './check-runs-read.js';
import type { RefReader, SettledRead } from '../../ports/ref-reader.js';
import { decodeCheckRuns } from './check-runs-read.js';
import type { GitHubReadClient, GitHubRepository } from './client.js';
import { toForgeError } from './forge-error.js';
import { buildRefQuery } from './ref-query.js';
import { decodeRevision, type GqlRepository, type PendingBlob } from './ref-response.js';

/** REST blob requests one read may add to its GraphQL query. */
export const MAX_BLOB_REQUESTS = 8;

/**
 * Reads refs of a GitHub repository with one GraphQL query, whatever the
 * number of paths and revisions. The only other requests are for files
 * GraphQL gives no bytes of, within the spec's limits: text GitHub
 * truncates (above 512,000 bytes, e.g. Tails' debian/changelog) and binary
 * files; one REST blob request per distinct blob, at most MAX_BLOB_REQUESTS.
 *
 * Revisions are commit shas or `refs/heads/NAME`.
 */
export class GraphqlRefReader implements RefReader {
  /**
   * @param options.appId the GitHub App reading, whose check runs a read can
   *   bring back (readSettled); without it, it cannot
   */
  constructor(
    private readonly octokit: GitHubReadClient,
    private readonly repository: GitHubRepository,
    private readonly options: { appId?: number } = {},
  ) {}

  private get where(): string {
    return `GitHub repository ${this.repository.owner}/${this.repository.repo}`;
  }

  async read(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    const [snapshot] = await this.readMany([rev], spec);
    return snapshot as RefSnapshot;
  }

  /** Reads every revision of `revs` in one query; the snapshots come in the same order. @throws ReadError for the first that cannot be read */
  async readMany(revs: string[], spec: ReadSpec): Promise<RefSnapshot[]> {
    if (revs.length === 0) return [];
    return (await this.readSettled(revs, spec)).results.map((result) => {
      if (!result.ok) throw result.error;
      return result.snapshot;
    });
  }

  /**
   * Reads every revision of `revs` in one query, each read or failed on its
   * own: a revision that does not exist (a base branch a repository lacks)
   * spoils no other. With `checkRunsOf` (one of `revs`), the same query
   * brings the app's latest check runs on that commit; `checkRuns` is
   * undefined when the answer cannot say for sure, or the reader does not
   * know its app.
   * @throws ReadError when the query itself fails
   */
  async readSettled(
    revs: string[],
    spec: ReadSpec,
    checkRunsOf?: string,
  ): Promise<{ results: SettledRead[]; checkRuns?: KnownCheckRuns }> {
    const { appId } = this.options;
    const request = checkRunsOf === undefined || appId === undefined ? undefined : { rev: checkRunsOf, appId };
    const { query, variables, revisions, checkRuns } = buildRefQuery(revs, spec, request);
    const what = `${revs.join(', ')} of ${this.where}`;
    let answer: { repository: GqlRepository | null };
    try {
      answer = await this.octokit.graphql<{ repository: GqlRepository | null }>(query, {
        owner: this.repository.owner,
        name: this.repository.repo,
        ...variables,
      });
    } catch (error) {
      const forgeError = toForgeError('read', error);
      throw new ReadError(`cannot read ${what}: ${forgeError.message}`, { cause: forgeError });
    }
    if (!answer.repository) throw new ReadError(`cannot read ${what}: GitHub did not return the repository`);
    const repository = answer.repository;
    const pending: PendingBlob[] = [];
    const results = revisions.map((aliases): SettledRead => {
      try {
        return { ok: true, snapshot: decodeRevision(repository, aliases, this.where, pending) };
      } catch (error) {
        if (error instanceof ReadError) return { ok: false, error };
        throw error;
      }
    });
    await this.fillPending(pending);
    const known = checkRuns && request ? decodeCheckRuns(repository[checkRuns], request.appId) : undefined;
    return { results, ...(known ? { checkRuns: known } : {}) };
  }

  /**
   * Text GitHub truncated is needed whole (the changelog's top entry), so it
   * goes first; binary bytes only make the snapshot exact. Past
   * MAX_BLOB_REQUESTS distinct blobs, a tree full of binary files cannot
   * spend the rate limit: such a file gets zeros of its size (still binary
   * to every consumer) and truncated text gets no content (too large).
   */
  private async fillPending(pending: PendingBlob[]): Promise<void> {
    const ordered = [...pending].sort((a, b) => Number(a.binary) - Number(b.binary));
    const fetches = new Map<string, Promise<Buffer>>();
    for (const blob of ordered) {
      if (!fetches.has(blob.oid) && fetches.size < MAX_BLOB_REQUESTS)
        fetches.set(blob.oid, this.blob(blob.oid, blob.size));
    }
    await Promise.all(
      pending.map(async (blob) => {
        const fetch = fetches.get(blob.oid);
        if (fetch) blob.entry.content = await fetch;
        else if (blob.binary) blob.entry.content = Buffer.alloc(blob.size);
      }),
    );
  }

  private async blob(oid: string, size: number): Promise<Buffer> {
    let data: { content?: unknown; encoding?: unknown };
    try {
      ({ data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
        owner: this.repository.owner,
        repo: this.repository.repo,
        file_sha: oid,
      }));
    } catch (error) {
      const forgeError = toForgeError('read blob', error);
      throw new ReadError(`cannot read blob ${oid} of ${this.where}: ${forgeError.message}`, { cause: forgeError });
    }
    const content =
      data.encoding === 'base64' && typeof data.content === 'string' ? Buffer.from(data.content, 'base64') : undefined;
    if (!content || content.length !== size) {
      throw new ReadError(`GitHub returned blob ${oid} of ${this.where} without its ${size} bytes`);
    }
    return content;
  }
}
