import type { CliIo } from './io.js';

export interface Command {
  name: string;
  /** One line for the program's --help. */
  summary: string;
  /** The full text of `apt-snapshots-bot NAME --help`. */
  help(): string;
  /** @returns the exit code (see EXIT) */
  run(args: string[], io: CliIo): Promise<number>;
}
