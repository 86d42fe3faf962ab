import { GitCommandError } from '../adapters/git/run-git.js';
import { errorMessage, ReadError, SnapshotServerError, UsageError } from '../errors.js';
import { auditCommand } from './commands/audit.js';
import { checkCommand } from './commands/check.js';
import { hookCommand } from './commands/hook.js';
import { planCommand } from './commands/plan.js';
import { serialsCommand } from './commands/serials.js';
import type { Command } from './command.js';
import { EXIT, type CliIo } from './io.js';
import { terminalText } from './terminal-text.js';

export type { CliIo } from './io.js';

export const PROGRAM = 'apt-snapshots-bot';

export const COMMANDS: readonly Command[] = [checkCommand, planCommand, auditCommand, serialsCommand, hookCommand];

export function programHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: ${PROGRAM} COMMAND [OPTIONS]

Enforces and fixes the APT snapshot freeze rules of the Tails release process
on a local Git repository.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run '${PROGRAM} COMMAND --help' for the options of a command.

Exit status: 0 success, 1 failure, 2 bad usage or unreadable input,
3 the snapshot server could not answer.
`;
}

function exitFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ReadError || error instanceof GitCommandError) return EXIT.usage;
  if (error instanceof SnapshotServerError) return EXIT.server;
  return EXIT.internal;
}

/**
 * Runs one command line. Every byte of output goes through io and the exit
 * code is returned, never passed to process.exit, so tests run it in-process.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr.write(programHelp());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(programHelp());
    return EXIT.success;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      `${PROGRAM}: unknown command "${name}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')}\nRun '${PROGRAM} --help' for usage.\n`,
    );
    return EXIT.usage;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const code = exitFor(error);
    const prefix = `${PROGRAM} ${command.name}: `;
    if (code === EXIT.internal) {
      io.stderr.write(
        `${prefix}internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    } else {
      io.stderr.write(`${prefix}${terminalText(errorMessage(error))}\n`);
      if (error instanceof UsageError) io.stderr.write(`Run '${PROGRAM} ${command.name} --help' for usage.\n`);
    }
    return code;
  }
}
