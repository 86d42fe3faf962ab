import { resolve } from 'node:path';
import { HttpSnapshotServer } from '../adapters/snapshot-server/http-snapshot-server.js';
import { defaultConfig } from '../config/defaults.js';
import { applyConfigOverride, describeConfigProblem } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { LIMITS } from '../domain/state.js';
import { errorMessage, UsageError } from '../errors.js';
import type { RulesInput } from '../flow/evaluate.js';
import { DEFAULT_SOURCE, type ServerChoice } from './args.js';
import { readBoundedFile } from './bounded-file.js';
import type { CliIo } from './io.js';
import { StatusLine } from './progress.js';
import { terminalText } from './terminal-text.js';
import { WatchedServer } from './watched-server.js';

/**
 * The client for the chosen server, its progress on io's standard error;
 * undefined offline. `--timeout` (timeoutMs) overrides the configuration's.
 * @param defaultSource what the configuration's URL is called when it is the one used
 * @throws UsageError on a bad URL
 */
export function snapshotServer(
  choice: ServerChoice,
  config: Config,
  io: Pick<CliIo, 'stderr'>,
  timeoutMs?: number,
  defaultSource = 'the default configuration',
): WatchedServer | undefined {
  if (choice.kind === 'offline') return undefined;
  const http = HttpSnapshotServer.fromConfig(config, {
    ...(choice.url === undefined ? {} : { baseUrl: choice.url }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  const source = choice.source === DEFAULT_SOURCE ? defaultSource : choice.source;
  return new WatchedServer(http, source, new StatusLine(io.stderr));
}

export interface ConfigOption {
  /** The rules `--config` gives; absent without it, when the repository's own rules apply. */
  rules?: Extract<RulesInput, { kind: 'file' }>;
  /** What the command knows before reading the ref: the defaults, or the file given merged over them. */
  config: Config;
}

/**
 * `--config FILE`: a file the user names is input to the command, so one
 * that cannot be read or is invalid is bad usage (exit 2), unlike the
 * repository's own file, whose problems are findings on the ref.
 */
export async function configOption(file: string | undefined, cwd: string, defaults: Config): Promise<ConfigOption> {
  if (file === undefined) return { config: defaults };
  let text: string;
  try {
    text = await readBoundedFile(resolve(cwd, file), LIMITS.configBytes, 'far too large for a configuration file');
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${(error as Error).message ?? errorMessage(error)}`);
  }
  const result = applyConfigOverride(defaults, text, file, { trusted: true });
  if (!result.ok)
    throw new UsageError(
      `invalid --config ${file}:\n${result.problems.map((p) => `  ${describeConfigProblem(p)}`).join('\n')}`,
    );
  return { rules: { kind: 'file', text, file }, config: result.config };
}

/**
 * A command's snapshot server: --snapshot-server, else $APT_SNAPSHOTS_SERVER,
 * else snapshot_server.url of --config or of the defaults; never a ref's
 * file, which a push could point anywhere.
 * @throws UsageError on a bad URL
 */
export function commandServer(
  choice: ServerChoice,
  given: ConfigOption,
  configFile: string | undefined,
  io: Pick<CliIo, 'stderr'>,
  timeoutMs?: number,
): WatchedServer | undefined {
  const fromFile = given.config.snapshot_server.url !== defaultConfig().snapshot_server.url;
  return snapshotServer(
    choice,
    given.config,
    io,
    timeoutMs,
    fromFile && configFile !== undefined ? `snapshot_server.url of --config ${configFile}` : undefined,
  );
}

/** Says on standard error which lookups the snapshot server left unanswered, with the hints that fit. */
export function reportUnanswered(
  command: string,
  server: WatchedServer | undefined,
  failures: readonly string[],
  io: Pick<CliIo, 'stderr'>,
): void {
  if (failures.length === 0 || !server) return;
  const hints = server.hintsFor(failures);
  io.stderr.write(
    terminalText(
      `apt-snapshots-bot ${command}: the snapshot server ${server.baseUrl} (from ${server.source}) could not answer ${failures.length} lookup(s):\n${failures.map((f) => `  ${f}\n`).join('')}${hints.map((h) => `hint: ${h}\n`).join('')}`,
    ),
  );
}
