import { stat } from 'node:fs/promises';
import { MissingRevisionError, ReadError, errorMessage } from '../../errors.js';
import { joinPath, type RawEntry, type ReadSpec, type RefSnapshot } from '../../domain/tree.js';
import type { RefReader } from '../../ports/ref-reader.js';
import { CatFile, MISSING, type CatFileOptions, type ObjectType } from './cat-file.js';
import { parseCommit } from './commit-object.js';
import { ObjectCache } from './object-cache.js';
import { parseTree, type TreeEntry, type TreeEntryType } from './tree-object.js';

export interface GitRefReaderOptions extends CatFileOptions {
  /** Memory for trees and for blobs each, in bytes; 64 MiB when absent. */
  cacheBytes?: number;
}

interface Tree {
  entries: TreeEntry[];
  byName: Map<string, TreeEntry>;
}

interface Blob {
  size: number;
  /** Absent when the blob was larger than the limit it was read with. */
  content?: Buffer;
}

/** Where a path leads: the root tree has no entry of its own, hence not a TreeEntry. */
interface Located {
  type: TreeEntryType;
  sha: string;
}

const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
const ENTRY_OVERHEAD = 64;

/**
 * Reads refs of a local repository from Git objects through one `git
 * cat-file --batch` process. Trees and blobs are cached by object id across
 * reads, so walking a long history only asks git for what changed from one
 * commit to the next.
 */
export class GitRefReader implements RefReader {
  private readonly trees: ObjectCache<Tree>;
  private readonly blobs: ObjectCache<Blob>;

  private constructor(
    readonly repoDir: string,
    private readonly catFile: CatFile,
    cacheBytes: number,
  ) {
    this.trees = new ObjectCache(cacheBytes, (tree) => tree.entries.length * ENTRY_OVERHEAD);
    this.blobs = new ObjectCache(cacheBytes, (blob) => (blob.content?.length ?? 0) + ENTRY_OVERHEAD);
  }

  /** @throws ReadError when repoDir is not a Git repository or git cannot run */
  static async open(repoDir: string, options: GitRefReaderOptions = {}): Promise<GitRefReader> {
    const isDir = await stat(repoDir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new ReadError(`repository ${repoDir} is not a directory`);
    const catFile = new CatFile(repoDir, options);
    try {
      // Any answer, even "missing" in a repository without commits, proves git can read the repository.
      await catFile.read('HEAD', { maxBytes: 0 });
    } catch (error) {
      await catFile.close();
      throw error;
    }
    return new GitRefReader(repoDir, catFile, options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  }

  async read(rev: string, spec: ReadSpec): Promise<RefSnapshot> {
    const object = await this.catFile.read(`${rev}^{commit}`);
    if (object === MISSING)
      throw new MissingRevisionError(`revision "${rev}" does not exist in repository ${this.repoDir}`);
    const commit = this.parse(() => parseCommit(object.content, object.sha));
    const root: Located = { type: 'dir', sha: commit.tree };

    const limits = new Map<string, { at: Located; maxBytes: number }>();
    const want = (path: string, at: Located, maxBytes: number) => {
      const previous = limits.get(path);
      limits.set(path, { at, maxBytes: Math.max(maxBytes, previous?.maxBytes ?? 0) });
    };
    const below = async (path: string, at: Located, depth: number, maxBytes: number): Promise<void> => {
      if (depth === 0 || at.type !== 'dir') return;
      const tree = await this.tree(at.sha);
      await Promise.all(
        tree.entries.map((entry) => {
          const child = joinPath(path, entry.name);
          want(child, entry, maxBytes);
          return below(child, entry, depth - 1, maxBytes);
        }),
      );
    };
    await Promise.all([
      ...spec.files.map(async (file) => {
        const at = await this.locate(root, file.path);
        if (at) want(file.path, at, file.maxBytes);
      }),
      ...spec.dirs.map(async (dir) => {
        const at = await this.locate(root, dir.path);
        if (!at) return;
        want(dir.path, at, dir.maxBytes);
        await below(dir.path, at, dir.depth, dir.maxBytes);
      }),
    ]);

    const selected = [...limits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const raw = await Promise.all(selected.map(([, { at, maxBytes }]) => this.entry(at, maxBytes)));
    const entries = new Map(selected.map(([path], i) => [path, raw[i] as RawEntry]));
    return {
      commit: { sha: commit.sha, parents: commit.parents, date: commit.date, subject: commit.subject },
      entries,
    };
  }

  /** Stops the git process; the reader cannot be used afterwards. */
  close(): Promise<void> {
    return this.catFile.close();
  }

  private async locate(root: Located, path: string): Promise<Located | undefined> {
    if (path === '') return root;
    let at: Located = root;
    for (const name of path.split('/')) {
      if (at.type !== 'dir') return undefined;
      const next = (await this.tree(at.sha)).byName.get(name);
      if (!next) return undefined;
      at = next;
    }
    return at;
  }

  private async entry(at: Located, maxBytes: number): Promise<RawEntry> {
    switch (at.type) {
      case 'dir':
        return { type: 'dir', names: (await this.tree(at.sha)).entries.map((e) => e.name).sort() };
      case 'submodule':
        return { type: 'submodule' };
      case 'symlink': {
        const blob = await this.blob(at.sha, Infinity);
        return { type: 'symlink', target: (blob.content as Buffer).toString('utf8') };
      }
      case 'file':
      case 'executable': {
        const blob = await this.blob(at.sha, maxBytes);
        const entry: RawEntry = { type: 'file', size: blob.size, executable: at.type === 'executable' };
        if (blob.content && blob.size <= maxBytes) entry.content = blob.content;
        return entry;
      }
    }
  }

  private tree(sha: string): Promise<Tree> {
    return this.trees.get(sha, async () => {
      const object = await this.object(sha, 'tree', Infinity);
      const entries = this.parse(() => parseTree(object.content as Buffer, sha, sha.length / 2));
      return { entries, byName: new Map(entries.map((e) => [e.name, e])) };
    });
  }

  private async blob(sha: string, maxBytes: number): Promise<Blob> {
    const load = async (): Promise<Blob> => {
      const object = await this.object(sha, 'blob', maxBytes);
      return object.content ? { size: object.size, content: object.content } : { size: object.size };
    };
    const cached = await this.blobs.get(sha, load);
    if (cached.content || cached.size > maxBytes) return cached;
    // Read before under a smaller limit than this request's.
    const fresh = await load();
    this.blobs.set(sha, fresh);
    return fresh;
  }

  private async object(sha: string, type: ObjectType, maxBytes: number): Promise<{ size: number; content?: Buffer }> {
    const object = await this.catFile.read(sha, { maxBytes });
    if (object === MISSING) throw new ReadError(`object ${sha} is missing from repository ${this.repoDir}`);
    if (object.type !== type)
      throw new ReadError(`object ${sha} in repository ${this.repoDir} is a ${object.type}, not a ${type}`);
    return object;
  }

  private parse<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      throw new ReadError(`repository ${this.repoDir}: ${errorMessage(error)}`, { cause: error });
    }
  }
}
