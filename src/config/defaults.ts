import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeConfigProblem, parseFullConfig } from './load.js';
import type { Config } from './schema.js';

function packageRoot(): string {
  // src/config/ when run from source, dist/src/config/ when compiled.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i += 1) {
    try {
      readFileSync(join(dir, 'package.json'));
      return dir;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error(
    'apt-snapshots-bot: cannot find the package root (package.json) above ' + dirname(fileURLToPath(import.meta.url)),
  );
}

export const DEFAULT_CONFIG_FILE = join(packageRoot(), 'config', 'apt-snapshots.yml');

let cached: Config | undefined;

/** The Tails defaults shipped in config/apt-snapshots.yml, validated once. */
export function defaultConfig(): Config {
  if (cached) return cached;
  const result = parseFullConfig(readFileSync(DEFAULT_CONFIG_FILE, 'utf8'), DEFAULT_CONFIG_FILE);
  if (!result.ok)
    throw new Error(`invalid default configuration:\n${result.problems.map(describeConfigProblem).join('\n')}`);
  cached = result.config;
  return cached;
}
