import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import type { Command } from './command.js';
import { HELP_COLUMNS, wrapped } from './layout.js';
import type { CliIo } from './io.js';

export type Format = 'text' | 'json';

/**
 * node:util's parseArgs in strict mode; its own messages already name the
 * flag ("Unknown option '--foo'", "Option '--repo <value>' argument
 * missing"), so they are kept and only turned into a UsageError.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    const parsed = parseArgs<T>({ ...config, strict: true });
    refuseRepeats(config);
    return parsed;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** parseArgs keeps the last of a repeated option: `--tag 4.20 --tag 4.19` would act on a tag the user may not see. */
function refuseRepeats(config: ParseArgsConfig): void {
  const { tokens = [] }: { tokens?: readonly { kind: string; name?: string }[] } = parseArgs({
    ...config,
    strict: true,
    tokens: true,
  });
  const options: Record<string, { multiple?: boolean }> = config.options ?? {};
  const seen = new Set<string>();
  for (const { kind, name } of tokens) {
    if (kind !== 'option' || name === undefined) continue;
    if (options[name]?.multiple !== true && seen.has(name)) throw new Error(`option --${name} is given more than once`);
    seen.add(name);
  }
}

export function parseFormat(value: string | undefined): Format {
  return parseFormatOf(value, ['text', 'json']);
}

/** `--format` of a command whose formats are `formats`, the first being the default. */
export function parseFormatOf<const F extends string>(value: string | undefined, formats: readonly [F, ...F[]]): F {
  if (value === undefined) return formats[0];
  const format = formats.find((f) => f === value);
  if (format !== undefined) return format;
  const quoted = formats.map((f) => `"${f}"`);
  const choices = `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  throw new UsageError(`--format must be ${choices}, not "${value}"`);
}

/** A time of day without a zone ("…T08:00", "… 08:00:00"): JavaScript would read it as local time. */
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * `--now`, so tests and reruns judge expiry as of a fixed time. A time
 * without a zone is UTC, as a date alone is: the same argument gives the
 * same answer on every machine.
 */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(NO_ZONE.test(value) ? `${value.replace(' ', 'T')}Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new UsageError(`--now must be an ISO 8601 date such as 2021-05-13T08:00:00Z, not "${value}"`);
  return date;
}

/** Where the snapshot server's address came from, as messages name it. */
export type ServerSource = string;

export type ServerChoice =
  { kind: 'offline'; source: ServerSource } | { kind: 'online'; url?: string; source: ServerSource };

/** The source of a choice that no option or variable made. */
export const DEFAULT_SOURCE = 'the default';

/** The environment variable Tails' own scripts read the snapshot server from; `offline` means none. */
export const SERVER_ENV = 'APT_SNAPSHOTS_SERVER';

/**
 * The snapshot server to ask: --snapshot-server or --offline, else
 * $APT_SNAPSHOTS_SERVER (a URL, or `offline`), else `fallback` (the
 * configuration's URL, or offline for the Git hook).
 */
export function parseServerChoice(
  url: string | undefined,
  offline: boolean | undefined,
  env: NodeJS.ProcessEnv,
  fallback: 'online' | 'offline' = 'online',
): ServerChoice {
  if (offline && url !== undefined) throw new UsageError('--snapshot-server and --offline exclude each other');
  if (offline) return { kind: 'offline', source: '--offline' };
  if (url !== undefined) return { kind: 'online', url, source: '--snapshot-server' };
  const fromEnv = env[SERVER_ENV];
  if (fromEnv === 'offline') return { kind: 'offline', source: SERVER_ENV };
  if (fromEnv !== undefined && fromEnv !== '') return { kind: 'online', url: fromEnv, source: SERVER_ENV };
  return fallback === 'offline'
    ? { kind: 'offline', source: DEFAULT_SOURCE }
    : { kind: 'online', source: DEFAULT_SOURCE };
}

/** `--timeout SECONDS`, per request to the snapshot server, in the bounds of snapshot_server.timeout_ms. @returns milliseconds */
export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 0.1 && seconds <= 300))
    throw new UsageError(`--timeout must be a number of seconds from 0.1 to 300, not "${value}"`);
  return Math.round(seconds * 1000);
}

export const SERVER_OPTIONS = {
  'snapshot-server': { type: 'string' },
  offline: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

/** `--max-warnings N`, as eslint's: more warnings than N fail the command. */
export function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value))
    throw new UsageError(`--max-warnings must be a whole number, 0 or more, not "${value}"`);
  return Number(value);
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** `-h`/`--help` prints the command's help, after which the command stops with success. */
export function printedHelp(
  values: { help?: boolean | undefined },
  command: Pick<Command, 'help'>,
  io: Pick<CliIo, 'stdout'>,
): boolean {
  if (!values.help) return false;
  io.stdout.write(command.help());
  return true;
}

/** The options of the commands that judge or plan one revision of a repository. */
export const REVISION_OPTIONS = {
  ...HELP_OPTION,
  ...SERVER_OPTIONS,
  repo: { type: 'string' },
  ref: { type: 'string' },
  branch: { type: 'string' },
  format: { type: 'string' },
} as const;

/**
 * One option of a command's --help: its name and argument, then what it
 * does, wrapped to HELP_COLUMNS under column 25; a longer name pushes the
 * first line's text to its right.
 */
export function optionHelp(name: string, text: string): string {
  const label = `  ${name.padEnd(21)}  `;
  return `${label}${wrapped(text, HELP_COLUMNS, 25, label.length)}`;
}

/**
 * The help of the server options. The server's address, timeout and retries
 * never come from the ref judged: a pushed file must not redirect the CLI.
 * @param fallback what is asked without an option or $APT_SNAPSHOTS_SERVER
 */
export function serverHelp(fallback: string, defaultTimeoutMs: number): string {
  return [
    optionHelp(
      '--snapshot-server URL',
      `the time-based snapshot server (never the repository's own setting); default: $${SERVER_ENV} when set (a URL, or "offline"), else ${fallback}`,
    ),
    optionHelp('--offline', 'do not ask the snapshot server; rules that need it are skipped'),
    optionHelp(
      '--timeout SECONDS',
      `how long each request to the snapshot server may take (default: snapshot_server.timeout_ms, ${defaultTimeoutMs / 1000} s in the defaults)`,
    ),
  ].join('\n');
}
