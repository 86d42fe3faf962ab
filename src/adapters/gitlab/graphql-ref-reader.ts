import type { CommitInfo, RawEntry, ReadSpec, RefSnapshot } from '../../domain/tree.js';
import { MissingRevisionError, ReadError } from '../../errors.js';
import type { BatchRefReader, SettledRead } from '../../ports/ref-reader.js';
import { gitlabApi, type GitLabApi, type GitLabConnection, type GitLabProject } from './client.js';
import { checkRev, readCommit } from './reader-commits.js';
import type { RepositoryTarget } from './reader-graphql.js';
import { blobBytes, blobSizes, blobTexts, type BlobSize } from './repository-blobs.js';
import { RevisionTree, type Slot } from './revision-tree-reader.js';
import { listTrees } from './tree-listing.js';

/** REST blob requests one read may add: for bytes GraphQL does not give (binary, truncated or re-encoded text). */
export const MAX_BLOB_REQUESTS = 8;

interface PendingBlob {
  blob: BlobSize;
  binary: boolean;
  entry: Extract<RawEntry, { type: 'file' }>;
}

/** `namespace/name` of a project given by numeric id: its web URL's path below the host. */
function fullPathOf(connection: GitLabConnection, project: GitLabProject): string {
  if (typeof project.id === 'string') {
    if (!/^[^/\s]+(\/[^/\s]+)+$/.test(project.id)) {
      throw new Error(
        `GitLab project.id ${JSON.stringify(project.id)} is not a full path (namespace/name) or a number`,
      );
    }
    return project.id;
  }
  const host = new URL(connection.host.endsWith('/') ? connection.host : `${connection.host}/`);
  const web = new URL(project.webUrl);
  const path = web.pathname.replace(/\/+$/, '');
  if (web.origin !== host.origin || !path.startsWith(host.pathname) || path.length <= host.pathname.length) {
    throw new Error(`GitLab project.webUrl ${JSON.stringify(project.webUrl)} is not a project of ${host.toString()}`);
  }
  return decodeURIComponent(path.slice(host.pathname.length));
}

/**
 * Reads revisions of a GitLab project. Each revision's commit comes from
 * REST (GraphQL gives no parents), which pins the rest of the read to its
 * sha; then GraphQL, for every revision at once: the directories' listings,
 * then the sizes of the files found, then the text of those within the
 * spec's limits, so a file over its limit is never downloaded. For one
 * revision and the default spec that is one REST and three GraphQL
 * requests; more revisions add a REST request each and, as GitLab caps
 * what one query may cost, about one listing query each, while sizes and
 * texts stay one query each. REST blob requests only for bytes GraphQL
 * does not give, at most MAX_BLOB_REQUESTS.
 *
 * Revisions are commit shas, tags or `refs/heads/NAME`. GitLab has no
 * check runs, so `readSettled` never brings any back.
 */
export class GitLabRefReader implements BatchRefReader {
  private readonly target: RepositoryTarget;

  constructor(
    connection: GitLabConnection,
    private readonly project: GitLabProject,
    private readonly api: GitLabApi = gitlabApi(connection),
  ) {
    const fullPath = fullPathOf(connection, project);
    this.target = { connection, fullPath, where: `GitLab project ${fullPath}` };
  }

  async read(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    const [result] = (await this.readSettled([rev], spec)).results;
    if (!result?.ok) throw result?.error ?? new ReadError(`nothing read for ${rev}`);
    return result.snapshot;
  }

  /**
   * Reads every revision of `revs`, each read or failed on its own: a
   * revision that does not exist spoils no other.
   * @throws ReadError when GitLab cannot be read at all (the project, the token, the server)
   */
  async readSettled(revs: string[], spec: ReadSpec): Promise<{ results: SettledRead[] }> {
    const unique = [...new Set(revs)];
    const commits = await Promise.all(unique.map((rev) => this.commit(rev)));
    const trees = new Map<string, RevisionTree>();
    unique.forEach((rev, i) => {
      const commit = commits[i];
      if (commit instanceof ReadError || commit === undefined) return;
      trees.set(rev, new RevisionTree(commit.sha, spec));
    });
    const snapshots = await this.readTrees([...trees.values()]);
    const settled = new Map<string, SettledRead>();
    unique.forEach((rev, i) => {
      const commit = commits[i] as CommitInfo | ReadError;
      const tree = trees.get(rev);
      settled.set(
        rev,
        commit instanceof ReadError || !tree
          ? { ok: false, error: commit instanceof ReadError ? commit : new ReadError(`nothing read for ${rev}`) }
          : { ok: true, snapshot: { commit, entries: snapshots.get(tree) as ReadonlyMap<string, RawEntry> } },
      );
    });
    return { results: revs.map((rev) => settled.get(rev) as SettledRead) };
  }

  /** The commit, or why the revision cannot be read on its own; a failure of GitLab itself throws. */
  private async commit(rev: string): Promise<CommitInfo | ReadError> {
    try {
      checkRev(rev);
    } catch (error) {
      if (error instanceof ReadError) return error;
      throw error;
    }
    try {
      return await readCommit(this.api, this.project, rev, this.target.where);
    } catch (error) {
      if (error instanceof MissingRevisionError) return error;
      throw error;
    }
  }

  private async readTrees(trees: RevisionTree[]): Promise<Map<RevisionTree, Map<string, RawEntry>>> {
    for (let wants = trees.map((tree) => tree.wants()); wants.some((w) => w.length > 0);) {
      const requests = wants.flat();
      const listed = await listTrees(this.target, requests);
      let at = 0;
      trees.forEach((tree, t) => {
        for (const request of wants[t] as typeof requests) tree.index.add(request, listed[at++] ?? []);
      });
      wants = trees.map((tree) => tree.wants());
    }
    const slots = trees.map((tree) => tree.slots());

    const files = slots.map((s) => [...s].flatMap(([path, slot]) => (slot.type === 'file' ? [path] : [])));
    const sizes = await blobSizes(
      this.target,
      trees.map((tree, t) => ({ sha: tree.sha, paths: files[t] as string[] })),
    );
    const wanted = slots.map((s, t) =>
      [...s].flatMap(([path, slot]) => {
        if (slot.type === 'symlink') return [path];
        if (slot.type !== 'file') return [];
        const size = sizes[t]?.get(path)?.size ?? 0;
        return size > 0 && size <= slot.maxBytes ? [path] : [];
      }),
    );
    const texts = await blobTexts(
      this.target,
      trees.map((tree, t) => ({ sha: tree.sha, paths: wanted[t] as string[] })),
    );

    const pending: PendingBlob[] = [];
    const snapshots = new Map<RevisionTree, Map<string, RawEntry>>();
    trees.forEach((tree, t) => {
      const entries = new Map<string, RawEntry>();
      for (const [path, slot] of slots[t] as Map<string, Slot>) {
        if (slot.type === 'symlink') {
          entries.set(path, { type: 'symlink', target: texts[t]?.get(path) ?? '' });
          continue;
        }
        if (slot.type !== 'file') {
          entries.set(path, slot);
          continue;
        }
        const blob = sizes[t]?.get(path) as BlobSize;
        const entry: Extract<RawEntry, { type: 'file' }> = {
          type: 'file',
          size: blob.size,
          executable: slot.executable,
        };
        entries.set(path, entry);
        if (blob.size > slot.maxBytes) continue;
        if (blob.size === 0) {
          entry.content = Buffer.alloc(0);
          continue;
        }
        const text = texts[t]?.get(path);
        if (typeof text === 'string' && Buffer.byteLength(text, 'utf8') === blob.size) {
          entry.content = Buffer.from(text, 'utf8');
        } else {
          pending.push({ blob, binary: text === null, entry });
        }
      }
      snapshots.set(tree, entries);
    });
    await this.fillPending(pending);
    return snapshots;
  }

  /**
   * Text GitLab cut or re-encoded is needed whole (the changelog's top
   * entry), so it goes first; binary bytes only make the snapshot exact.
   * Past MAX_BLOB_REQUESTS distinct blobs, a binary file gets zeros of its
   * size (still binary to every consumer) and text gets no content (as if
   * too large), so a tree full of binary files cannot spend the rate limit.
   */
  private async fillPending(pending: PendingBlob[]): Promise<void> {
    const ordered = [...pending].sort((a, b) => Number(a.binary) - Number(b.binary));
    const fetches = new Map<string, Promise<Buffer>>();
    for (const { blob } of ordered) {
      if (!fetches.has(blob.oid) && fetches.size < MAX_BLOB_REQUESTS)
        fetches.set(blob.oid, blobBytes(this.api, this.project, blob, this.target.where));
    }
    await Promise.all(
      pending.map(async ({ blob, binary, entry }) => {
        const fetch = fetches.get(blob.oid);
        if (fetch) entry.content = await fetch;
        else if (binary) entry.content = Buffer.alloc(blob.size);
      }),
    );
  }
}
