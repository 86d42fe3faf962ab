import { resolve } from 'node:path';
import { GitRefReader } from '../adapters/git/git-ref-reader.js';
import type { CliIo } from './io.js';

/**
 * Opens one reader for the whole command and always stops its git process.
 * io.env reaches git so a hook's GIT_DIR and quarantine variables apply.
 */
export async function withReader<T>(
  repoDir: string,
  io: CliIo,
  use: (reader: GitRefReader, repoDir: string) => Promise<T>,
): Promise<T> {
  const dir = resolve(io.cwd, repoDir);
  const reader = await GitRefReader.open(dir, { env: io.env });
  try {
    return await use(reader, dir);
  } finally {
    await reader.close();
  }
}
