/**
 * What a reader (local Git, the GitHub API) hands to the pure layers: the
 * entries of one commit at the paths a ReadSpec asks for, with nothing
 * interpreted yet. Every adapter produces exactly this, so parsing and
 * judging are written once.
 */
export type RawEntry =
  /** A regular file. `content` is absent when the blob is larger than the spec's limit. */
  | { type: 'file'; size: number; executable: boolean; content?: Buffer }
  | { type: 'symlink'; target: string }
  /** A directory and the names directly inside it, sorted. */
  | { type: 'dir'; names: string[] }
  | { type: 'submodule' };

export interface CommitInfo {
  sha: string;
  parents: string[];
  /** Committer date. */
  date: Date;
  subject: string;
}

export interface RefSnapshot {
  /** The commit the entries were read from. */
  commit: CommitInfo;
  /**
   * Every path the spec asked for that exists, plus, under a requested
   * directory, every entry down to the requested depth. A requested path
   * that does not exist is absent.
   */
  entries: ReadonlyMap<string, RawEntry>;
}

export interface FileRequest {
  path: string;
  /** Larger blobs are listed with their size but without content. */
  maxBytes: number;
}

export interface DirRequest {
  path: string;
  /** 1: the directory's own entries; 2: also the entries of its subdirectories. */
  depth: 1 | 2;
  /** Limit for the content of files found inside. */
  maxBytes: number;
}

export interface ReadSpec {
  files: FileRequest[];
  dirs: DirRequest[];
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
