import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hermeticGitEnv, runIn } from './git-repo.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The filtered real Tails history, beside the checkout (never copied into it). */
export const FIXTURE_BUNDLE = resolve(PROJECT_ROOT, '..', 'shared', 'fixtures', 'tails-history.bundle');

let clone: Promise<{ root: string; repo: string }> | undefined;

/**
 * A clone of the Tails history with local branches devel, testing and stable
 * (the clone itself only makes devel local), made once per test file.
 * Rejects, loudly, when the bundle is not there.
 */
export async function cloneFixture(): Promise<string> {
  if (!existsSync(FIXTURE_BUNDLE)) {
    throw new Error(
      `the Tails history fixture ${FIXTURE_BUNDLE} is missing: these tests need ../shared/fixtures/ beside the checkout, as in CI`,
    );
  }
  clone ??= (async () => {
    const root = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-fixture-'));
    const home = join(root, 'home');
    await mkdir(home);
    const env = hermeticGitEnv(home);
    const repo = join(root, 'tails');
    await runIn(root, env, ['clone', '--quiet', FIXTURE_BUNDLE, repo]);
    for (const branch of ['testing', 'stable'])
      await runIn(repo, env, ['branch', '--quiet', branch, `origin/${branch}`]);
    return { root, repo };
  })();
  return (await clone).repo;
}

/** Removes this test file's clone; call it from afterAll. */
export async function removeFixtureClone(): Promise<void> {
  if (!clone) return;
  const made = await clone.catch(() => undefined);
  clone = undefined;
  if (made) await rm(made.root, { recursive: true, force: true });
}
