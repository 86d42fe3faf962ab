import { dirname, join, resolve } from 'node:path';
import { GitCommandError, runGit } from '../../adapters/git/run-git.js';
import { defaultConfig } from '../../config/defaults.js';
import { isOriginName, ORIGIN_NAME_RULE } from '../../domain/origin.js';
import { formatSerialValue, LATEST, type Serial, type SerialValue } from '../../domain/serial.js';
import { UsageError } from '../../errors.js';
import { newestSerials } from '../../flow/server-facts.js';
import type { SnapshotServer } from '../../ports/snapshot-server.js';
import {
  HELP_OPTION,
  parseCommandArgs,
  parseServerChoice,
  parseTimeout,
  printedHelp,
  SERVER_OPTIONS,
  serverHelp,
} from '../args.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo } from '../io.js';
import { snapshotServer } from '../server-option.js';
import { originsToLookUp, parseSerialsJson, resolveBuildSerials, writePreparedSet } from '../serials/prepare-build.js';
import {
  readSetInCheckout,
  readWorkingSet,
  selectOrigins,
  WORKING_SET_DIR,
  WorkingSetError,
  writeSerial,
  type WorkingOrigin,
} from '../serials/working-set.js';
import { terminalLine, terminalText } from '../terminal-text.js';

export const SERIALS_ACTIONS = ['cat', 'cat-json', 'get-latest', 'freeze', 'thaw', 'prepare-build'] as const;
type Action = (typeof SERIALS_ACTIONS)[number];

const OPTIONS = {
  ...HELP_OPTION,
  ...SERVER_OPTIONS,
  'print-serials-only': { type: 'boolean' },
  'freeze-debian-security': { type: 'boolean' },
} as const;

interface Request {
  action: Action;
  /** ORIGIN... for most actions; DIR for cat-json; JSON for prepare-build. */
  operands: string[];
  serialsOnly: boolean;
  freezeExceptions: boolean;
  /** The top of the checkout: the set is config/APT_snapshots.d there, wherever in the checkout it runs. */
  top: string;
  /** The snapshot server, asked only by the actions that need the newest serials. */
  server: () => SnapshotServer;
  io: CliIo;
}

/** The exceptions of the default configuration's set at config/APT_snapshots.d (debian-security for Tails). */
function exceptionOrigins(): string[] {
  return defaultConfig().snapshot_sets.find((s) => s.dir === WORKING_SET_DIR)?.freeze_exceptions ?? [];
}

/**
 * The newest serial of each origin, from the server. An origin directory the
 * server cannot be asked about is the checkout's problem, not the server's.
 * @throws WorkingSetError naming it, before anything is asked
 */
function newestOf(request: Request, origins: readonly WorkingOrigin[]): Promise<Map<string, Serial>> {
  const invalid = origins.find((o) => !isOriginName(o.origin));
  if (invalid) {
    throw new WorkingSetError(
      `${dirname(invalid.path)} is not a valid origin name (${ORIGIN_NAME_RULE}), so the snapshot server cannot be asked for its newest serial`,
    );
  }
  return origins.length === 0
    ? Promise.resolve(new Map<string, Serial>())
    : newestSerials(
        request.server(),
        origins.map((o) => o.origin),
      );
}

function readSet(request: Request): Promise<WorkingOrigin[]> {
  return readSetInCheckout(request.top, WORKING_SET_DIR);
}

function lines(origins: readonly { origin: string; value: string }[], serialsOnly: boolean): string {
  return origins.map((o) => (serialsOnly ? `${o.value}\n` : `${terminalLine(o.origin)}: ${o.value}\n`)).join('');
}

function change(origin: string, from: SerialValue, to: SerialValue): string {
  return `Origin ${terminalLine(origin)}:\n  old: ${formatSerialValue(from)}\n  new: ${formatSerialValue(to)}\n`;
}

function atMostOne(operands: string[], what: string): string | undefined {
  if (operands.length > 1) throw new UsageError(`at most one ${what}, not ${operands.length}`);
  return operands[0];
}

const RUN: Record<Action, (r: Request) => Promise<void>> = {
  async cat(request) {
    const { operands, serialsOnly, io } = request;
    const origins = selectOrigins(await readSet(request), operands, WORKING_SET_DIR);
    io.stdout.write(
      lines(
        origins.map((o) => ({ origin: o.origin, value: formatSerialValue(o.value) })),
        serialsOnly,
      ),
    );
  },
  async 'cat-json'(request) {
    const { operands, io } = request;
    const dir = atMostOne(operands, 'DIR');
    const origins = dir === undefined ? await readSet(request) : await readWorkingSet(resolve(io.cwd, dir), dir);
    io.stdout.write(
      `${JSON.stringify(Object.fromEntries(origins.map((o) => [o.origin, formatSerialValue(o.value)])))}\n`,
    );
  },
  async 'get-latest'(request) {
    const { operands, serialsOnly, io } = request;
    const origins = selectOrigins(await readSet(request), operands, WORKING_SET_DIR);
    const newest = await newestOf(request, origins);
    io.stdout.write(
      lines(
        origins.map((o) => ({ origin: o.origin, value: newest.get(o.origin) as string })),
        serialsOnly,
      ),
    );
  },
  async freeze(request) {
    const { operands, freezeExceptions, io } = request;
    const origins = selectOrigins(await readSet(request), operands, WORKING_SET_DIR);
    const exceptions = freezeExceptions ? [] : exceptionOrigins();
    const frozen = origins.filter((o) => !exceptions.includes(o.origin));
    // Every lookup before any write: a failure leaves the set as it was.
    const newest = await newestOf(request, frozen);
    for (const origin of origins) {
      const serial = newest.get(origin.origin);
      const value: SerialValue = serial === undefined ? LATEST : { kind: 'serial', serial };
      await writeSerial(origin, value);
      io.stdout.write(change(origin.origin, origin.value, value));
    }
  },
  async thaw(request) {
    const { operands, io } = request;
    for (const origin of selectOrigins(await readSet(request), operands, WORKING_SET_DIR)) {
      await writeSerial(origin, LATEST);
      io.stdout.write(change(origin.origin, origin.value, LATEST));
    }
  },
  async 'prepare-build'(request) {
    const { operands, io, top } = request;
    const json = atMostOne(operands, 'JSON argument');
    const given = json === undefined ? new Map<string, Serial>() : parseSerialsJson(json);
    const set = await readSet(request);
    const lookUp = originsToLookUp(set, given);
    const newest = await newestOf(
      request,
      set.filter((o) => lookUp.includes(o.origin)),
    );
    const { serials, warnings } = resolveBuildSerials(set, given, newest);
    for (const warning of warnings) io.stderr.write(`apt-snapshots-bot serials: warning: ${terminalLine(warning)}\n`);
    await writePreparedSet(top, join(top, WORKING_SET_DIR), serials);
  },
};

function parseAction(word: string | undefined): Action | undefined {
  if (word === undefined) return 'cat';
  return (SERIALS_ACTIONS as readonly string[]).includes(word) ? (word as Action) : undefined;
}

/**
 * The top of the checkout around the current directory, as git finds it, so
 * that the drop-in works from any subdirectory; the current directory itself
 * outside a work tree (an exported tree, as Tails' script assumed).
 */
async function checkoutTop(io: CliIo): Promise<string> {
  const run = await runGit(io.cwd, ['rev-parse', '--show-toplevel'], { env: io.env, okCodes: [128] }).catch(
    (error: unknown) => {
      // A directory git cannot even start in is the current directory's problem, reported when the set is read.
      if (error instanceof GitCommandError) return { code: 128, stdout: '' };
      throw error;
    },
  );
  const top = run.stdout.trim();
  return run.code === 0 && top !== '' ? top : io.cwd;
}

export const serialsCommand: Command = {
  name: 'serials',
  summary: "read and write config/APT_snapshots.d in the working tree (Tails' apt-snapshots-serials)",
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot serials [ACTION] [--print-serials-only]
         [--freeze-debian-security] [--snapshot-server URL | --offline]
         [--timeout SECONDS] [ORIGIN... | DIR | JSON]

A drop-in for Tails' auto/scripts/apt-snapshots-serials. Works on the files of
${WORKING_SET_DIR} at the top of the Git checkout around the current
directory (the current directory outside Git): the working tree, not Git
objects; on every origin unless some are named.

Actions:
  cat                  "ORIGIN: SERIAL" per origin (the default action)
  cat-json [DIR]       one JSON object origin -> serial, for DIR (default: the set)
  get-latest           "ORIGIN: SERIAL" with the newest serial on the server
  freeze               write the newest serial into each origin's file, except
                       ${exceptionOrigins().join(', ') || '(none)'}, which get latest; prints old and new
  thaw                 write latest into each origin's file; prints old and new
  prepare-build [JSON] copy the set to tmp/APT_snapshots.d with every latest
                       resolved (to the JSON object's serial for that origin,
                       else the newest) and write
                       tmp/cached_APT_snapshots_serials; as Tails' script, a
                       pinned serial stays whatever the JSON says (a warning on
                       standard error names each origin where they differ, and
                       each origin of the JSON not in the set); the set under
                       config/ is untouched

  --print-serials-only      cat, get-latest: print only the serials
  --freeze-debian-security  freeze: freeze ${exceptionOrigins().join(', ') || 'the exceptions'} too
${serverHelp(defaultConfig().snapshot_server.url, defaultConfig().snapshot_server.timeout_ms)}
                         (get-latest, freeze and prepare-build ask the server
                         for the newest serials they need; cat and thaw never)

Symbolic links are not followed: a set, origin directory, serial file, tmp or
tmp/cached_APT_snapshots_serials that is one is refused, so a checked-out
branch cannot make this write outside the checkout.

Exit status: 0 done; 1 an unknown action, an unknown origin, a serial file
that is missing or invalid, a symbolic link refused or a file that cannot be
written (the message names it); 2 bad usage (an unknown option, a bad JSON
argument, the server needed while offline); 3 the snapshot server could not
answer.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, allowPositionals: true });
    if (printedHelp(values, this, io)) return EXIT.success;
    const [word, ...operands] = positionals;
    const action = parseAction(word);
    if (action === undefined) {
      io.stderr.write(
        `apt-snapshots-bot serials: unknown action "${word}"; the actions are ${SERIALS_ACTIONS.join(', ')}\n`,
      );
      return EXIT.failure;
    }
    if (values['print-serials-only'] && action !== 'cat' && action !== 'get-latest')
      throw new UsageError(`--print-serials-only does not apply to ${action}`);
    if (values['freeze-debian-security'] && action !== 'freeze')
      throw new UsageError(`--freeze-debian-security does not apply to ${action}`);
    const choice = parseServerChoice(values['snapshot-server'], values.offline, io.env);
    const timeoutMs = parseTimeout(values.timeout);
    // Made when first needed: cat and thaw never ask, and prepare-build only for a latest the JSON leaves open.
    const server = (): SnapshotServer => {
      const made = snapshotServer(choice, defaultConfig(), io, timeoutMs);
      if (made === undefined)
        throw new UsageError(
          `${action} needs the newest serials from the snapshot server, but ${choice.source} says offline${choice.source === '--offline' ? ': drop --offline' : ''}`,
        );
      return made;
    };
    try {
      await RUN[action]({
        action,
        operands,
        serialsOnly: values['print-serials-only'] ?? false,
        freezeExceptions: values['freeze-debian-security'] ?? false,
        top: await checkoutTop(io),
        server,
        io,
      });
    } catch (error) {
      if (!(error instanceof WorkingSetError)) throw error;
      for (const line of error.message.split('\n'))
        io.stderr.write(`apt-snapshots-bot serials: ${terminalText(line)}\n`);
      return EXIT.failure;
    }
    return EXIT.success;
  },
};
