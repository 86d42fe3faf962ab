import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io.js';

export interface Command {
  name: string;
  /** One line for the program's --help. */
  summary: string;
  /** Its options, as node:util parseArgs takes them: the usage line and --help must name exactly these. */
  options: ParseArgsConfig['options'];
  /** The full text of `apt-snapshots-bot NAME --help`. */
  help(): string;
  /** @returns the exit code (see EXIT) */
  run(args: string[], io: CliIo): Promise<number>;
}
