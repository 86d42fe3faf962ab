import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import type { Command } from './command.js';
import type { CliIo } from './io.js';

export type Format = 'text' | 'json';

/**
 * node:util's parseArgs in strict mode; its own messages already name the
 * flag ("Unknown option '--foo'", "Option '--repo <value>' argument
 * missing"), so they are kept and only turned into a UsageError.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ ...config, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function requireOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export function parseFormat(value: string | undefined): Format {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new UsageError(`--format must be "text" or "json", not "${value}"`);
}

/** `--now`, so tests and reruns judge expiry as of a fixed time. */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new UsageError(`--now must be an ISO 8601 date such as 2021-05-13T08:00:00Z, not "${value}"`);
  return date;
}

export type ServerChoice = { kind: 'offline' } | { kind: 'online'; url?: string };

export function parseServerChoice(url: string | undefined, offline: boolean | undefined): ServerChoice {
  if (offline && url !== undefined) throw new UsageError('--snapshot-server and --offline exclude each other');
  if (offline) return { kind: 'offline' };
  return url === undefined ? { kind: 'online' } : { kind: 'online', url };
}

export const SERVER_OPTIONS = {
  'snapshot-server': { type: 'string' },
  offline: { type: 'boolean' },
} as const;

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

/** The server's address, timeout and retries never come from the ref judged: a pushed file must not redirect the CLI. */
export function serverHelp(defaultUrl: string, hasConfigOption: boolean): string {
  const fallback = hasConfigOption
    ? `snapshot_server.url of --config,\n                         else ${defaultUrl}`
    : defaultUrl;
  return `  --snapshot-server URL  the time-based snapshot server (never the repository's
                         own setting); default: ${fallback}
  --offline              do not ask the snapshot server; rules that need it are skipped`;
}
