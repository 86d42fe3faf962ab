import { runGit } from '../adapters/git/run-git.js';
import { printable } from '../domain/serial.js';
import { ReadError, UsageError } from '../errors.js';
import type { CliIo } from './io.js';

/** `--tag TAG`, which the release commands cannot guess: a release is judged by its tag. @throws UsageError */
export function requireTag(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--tag TAG is required: the release tag, e.g. 4.19-rc1');
  if (value === '') throw new UsageError('--tag must not be empty');
  return value;
}

/**
 * The commit `refs/tags/TAG` names, annotated or lightweight: only a tag
 * counts, never a branch or commit of the same name.
 * @throws UsageError for a name Git refuses; ReadError when the repository has no such tag
 */
export async function tagCommit(repoDir: string, tag: string, io: Pick<CliIo, 'env'>): Promise<string> {
  const ref = `refs/tags/${tag}`;
  const format = await runGit(repoDir, ['check-ref-format', ref], { env: io.env, okCodes: [1] });
  if (format.code !== 0) throw new UsageError(`--tag "${printable(tag)}" is not a valid tag name`);
  const run = await runGit(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    env: io.env,
    okCodes: [1],
  });
  if (run.code !== 0)
    throw new ReadError(
      `repository ${repoDir} has no tag ${tag} that names a commit (git tag --list shows its tags; git fetch --tags fetches them)`,
    );
  return run.stdout.trim();
}
