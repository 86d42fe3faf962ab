import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GitCommandError } from '../adapters/git/run-git.js';
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js';
import { errorMessage, ReadError, SnapshotServerError, UsageError } from '../errors.js';
import { TriggerError } from '../ports/job-trigger.js';
import { auditCommand } from './commands/audit.js';
import { checkCommand } from './commands/check.js';
import { dashboardCommand } from './commands/dashboard.js';
import { expiryCommand } from './commands/expiry.js';
import { hookCommand } from './commands/hook.js';
import { iukSourceVersionsCommand } from './commands/iuk-source-versions.js';
import { planCommand } from './commands/plan.js';
import { releaseCommand } from './commands/release.js';
import { serialsCommand } from './commands/serials.js';
import { triggerCommand } from './commands/trigger.js';
import type { Command } from './command.js';
import { EXIT, type CliIo } from './io.js';
import { SERVER_ENV } from './args.js';
import { terminalLine, terminalText } from './terminal-text.js';

export type { CliIo } from './io.js';

export const PROGRAM = 'apt-snapshots-bot';

export const COMMANDS: readonly Command[] = [
  checkCommand,
  planCommand,
  auditCommand,
  expiryCommand,
  dashboardCommand,
  serialsCommand,
  hookCommand,
  releaseCommand,
  triggerCommand,
  iukSourceVersionsCommand,
];

export function programHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: ${PROGRAM} COMMAND [OPTIONS]
       ${PROGRAM} help [COMMAND]
       ${PROGRAM} --version

Enforces and fixes the APT snapshot freeze rules of the Tails release process
on a local Git repository.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run '${PROGRAM} help COMMAND' (or '${PROGRAM} COMMAND --help') for the options
of a command.

Environment: ${SERVER_ENV} (the snapshot server, or "offline"), NO_COLOR and
FORCE_COLOR (colour on a terminal).

Exit status: 0 success, 1 failure, 2 bad usage or unreadable input,
3 the snapshot server could not answer, 70 a bug, 74 standard output could
not be written (a full disk), 141 its reader went away (as '| head').
`;
}

/** The package's version, from the package.json beside config/, where the defaults are. */
export function programVersion(): string {
  const file = join(dirname(dirname(DEFAULT_CONFIG_FILE)), 'package.json');
  const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}

/** The hints of a snapshot server failure, and of the failures it wraps (one for each origin of a freeze). */
function hintsOf(error: unknown): string[] {
  const hints: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof SnapshotServerError && e.hint !== undefined && !hints.includes(e.hint)) hints.push(e.hint);
  }
  return hints;
}

function exitFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ReadError || error instanceof GitCommandError) return EXIT.usage;
  if (error instanceof SnapshotServerError) return EXIT.server;
  // A trigger that refuses what it was asked to send: nothing was sent, but the job did not start.
  if (error instanceof TriggerError) return EXIT.failure;
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
  if (name === '--version') {
    io.stdout.write(`${PROGRAM} ${programVersion()}\n`);
    return EXIT.success;
  }
  if (name === 'help' && args.length > 0) {
    // `help COMMAND` is `COMMAND --help`, as git has it.
    const [topic, ...extra] = args;
    const known = COMMANDS.find((c) => c.name === topic);
    if (!known || extra.length > 0) {
      io.stderr.write(
        `${PROGRAM} help: ${known ? `unexpected argument "${terminalLine(extra[0] ?? '')}"` : `unknown command "${terminalLine(topic ?? '')}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')}`}\n`,
      );
      return EXIT.usage;
    }
    io.stdout.write(known.help());
    return EXIT.success;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(programHelp());
    return EXIT.success;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      `${PROGRAM}: unknown command "${terminalLine(name)}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')}\nRun '${PROGRAM} --help' for usage.\n`,
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
      for (const hint of hintsOf(error)) io.stderr.write(`hint: ${terminalText(hint)}\n`);
      if (error instanceof UsageError) io.stderr.write(`Run '${PROGRAM} ${command.name} --help' for usage.\n`);
    }
    return code;
  }
}
