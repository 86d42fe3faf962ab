import type { ReadError } from '../errors.js';
import type { ReadSpec, RefSnapshot } from '../domain/tree.js';

/** Reads the entries a spec asks for at one revision. */
export interface RefReader {
  /**
   * @param rev a commit sha, branch or any revision the backend understands
   * @throws ReadError when the revision does not exist or cannot be read
   */
  read(rev: string, spec: ReadSpec): Promise<RefSnapshot>;
}

/** One revision of a batch read: read, or why not. */
export type SettledRead = { ok: true; snapshot: RefSnapshot } | { ok: false; error: ReadError };

/** A reader that can read several revisions in one request (the forges' GraphQL readers). */
export interface BatchRefReader extends RefReader {
  /** Reads `revs` together, each read or failed on its own. @throws ReadError when the request itself fails */
  readSettled(revs: string[], spec: ReadSpec): Promise<{ results: SettledRead[] }>;
}
