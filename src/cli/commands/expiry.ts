import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveBaseBranchRev } from '../../adapters/git/history.js';
import { defaultConfig } from '../../config/defaults.js';
import { applyConfigOverride, describeConfigProblem, REPO_CONFIG_PATH } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import {
  describeFileRead,
  fileRead,
  interpretRef,
  LIMITS,
  readSpec,
  type FileRead,
  type RefState,
} from '../../domain/state.js';
import { joinPath, type RawEntry } from '../../domain/tree.js';
import { errorMessage, ReadError, UsageError } from '../../errors.js';
import { pinnedSnapshots, windowEnd } from '../../flow/expiry.js';
import {
  HELP_OPTION,
  optionHelp,
  parseCommandArgs,
  parseFormat,
  parseNow,
  parseServerChoice,
  parseTimeout,
  printedHelp,
  SERVER_ENV,
} from '../args.js';
import type { Command } from '../command.js';
import { expiryJson, expiryOutcome, expiryText, type ExpiryRun } from '../expiry-report.js';
import { EXIT, type CliIo } from '../io.js';
import { branchName, findRepository, listRemotes, withReader } from '../repository.js';
import { commandServer, configOption, type ConfigOption } from '../server-option.js';
import { terminalText } from '../terminal-text.js';

const OPTIONS = {
  ...HELP_OPTION,
  repo: { type: 'string' },
  branch: { type: 'string', multiple: true },
  within: { type: 'string' },
  'snapshot-server': { type: 'string' },
  timeout: { type: 'string' },
  now: { type: 'string' },
  config: { type: 'string' },
  format: { type: 'string' },
} as const;

const MAX_WITHIN_DAYS = 36_500;

/** `--within DAYS`: a whole number of days; undefined without it (one calendar month). */
export function parseWithin(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const days = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(days <= MAX_WITHIN_DAYS))
    throw new UsageError(`--within must be a whole number of days, 0 to ${MAX_WITHIN_DAYS}, not "${value}"`);
  return days;
}

/**
 * One calendar month after `now`, as `date -d "now + 1 month"` counts it
 * (the same day of the next month, overflowing as 31 May does into 1 July),
 * in UTC so that the answer does not depend on the machine's time zone.
 */
export function oneMonthLater(now: Date): Date {
  const later = new Date(now.getTime());
  later.setUTCMonth(later.getUTCMonth() + 1);
  return later;
}

/**
 * The rules a branch or the work tree gives for its own sets and dists:
 * `--config` when given, else the repository's file there over the
 * defaults. An invalid file is bad input, not a reason to check other dists.
 * @param where how messages name the file: `.github/apt-snapshots.yml on testing`
 * @throws ReadError listing what is wrong with the file
 */
function configFor(given: ConfigOption, defaults: Config, file: FileRead, where: string): Config {
  if (given.rules || file.kind === 'missing') return given.config;
  if (file.kind !== 'text') throw new ReadError(`${where} ${describeFileRead(file)}`);
  const result = applyConfigOverride(defaults, file.text, REPO_CONFIG_PATH);
  if (result.ok) return result.config;
  throw new ReadError(`invalid ${where}:\n${result.problems.map((p) => `  ${describeConfigProblem(p)}`).join('\n')}`);
}

/**
 * One path of the work tree as a Git tree would hold it: a symbolic link is
 * listed, never followed, as in Git; undefined when nothing is there.
 * @throws ReadError naming the path
 */
async function workTreeEntry(top: string, path: string, maxBytes: number): Promise<RawEntry | undefined> {
  const file = join(top, path);
  try {
    const info = await lstat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (!info) return undefined;
    if (info.isSymbolicLink()) return { type: 'symlink', target: await readlink(file) };
    if (info.isDirectory()) return { type: 'dir', names: (await readdir(file)).sort() };
    if (!info.isFile()) throw new ReadError(`${path} in ${top} is neither a file, a directory nor a symbolic link`);
    const executable = (info.mode & 0o111) !== 0;
    if (info.size > maxBytes) return { type: 'file', size: info.size, executable };
    const content = await readFile(file);
    return { type: 'file', size: content.length, executable, content };
  } catch (error) {
    if (error instanceof ReadError) throw error;
    throw new ReadError(`cannot read ${path} in ${top}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * The entries of a snapshot set in the work tree, down to the serial files.
 * A symbolic link on the way to the set stands for the set, which then is
 * not a directory: the check reads what Git would hold, not where a link leads.
 */
async function workTreeSet(top: string, dir: string, entries: Map<string, RawEntry>): Promise<void> {
  const parts = dir.split('/');
  for (let i = 1; i <= parts.length; i += 1) {
    const path = parts.slice(0, i).join('/');
    const entry = await workTreeEntry(top, path, 0);
    if (!entry) return;
    if (entry.type !== 'dir') {
      entries.set(dir, entry);
      return;
    }
    if (path === dir) entries.set(dir, entry);
  }
  const root = entries.get(dir);
  if (root?.type !== 'dir') return;
  for (const name of root.names) {
    const path = joinPath(dir, name);
    const entry = await workTreeEntry(top, path, LIMITS.serialBytes);
    if (!entry) continue;
    entries.set(path, entry);
    if (entry.type !== 'dir') continue;
    const serial = await workTreeEntry(top, joinPath(path, 'serial'), LIMITS.serialBytes);
    if (serial) entries.set(joinPath(path, 'serial'), serial);
  }
}

interface ReadBranch {
  branch: string | null;
  state: RefState;
  config: Config;
}

/** The sets of the work tree at `top`, under its own `.github/apt-snapshots.yml` unless --config is given. */
async function readWorkTree(top: string, given: ConfigOption, defaults: Config): Promise<ReadBranch> {
  const rulesFile = fileRead(await workTreeEntry(top, REPO_CONFIG_PATH, LIMITS.configBytes));
  const config = configFor(given, defaults, rulesFile, `${REPO_CONFIG_PATH} in the work tree ${top}`);
  const entries = new Map<string, RawEntry>();
  for (const set of config.snapshot_sets) await workTreeSet(top, set.dir, entries);
  // The work tree is no commit; nothing downstream reads this one.
  const commit = { sha: '', parents: [], date: new Date(0), subject: `the work tree ${top}` };
  return { branch: null, state: interpretRef({ commit, entries }, config), config };
}

/** Each branch's sets, from its Git objects (the local branch, else origin's), under its own rules unless --config. */
async function readBranches(
  repo: string,
  names: readonly string[],
  given: ConfigOption,
  defaults: Config,
  io: CliIo,
): Promise<ReadBranch[]> {
  return withReader(repo, io, async (reader, repoDir) => {
    const context = { remotes: await listRemotes(repoDir, io), bases: given.config.branches.base };
    const branches = [...new Set(names.map((name) => branchName(name, `--branch ${name}`, context)))];
    const read: ReadBranch[] = [];
    for (const branch of branches) {
      const rev = await resolveBaseBranchRev(repoDir, branch, { env: io.env });
      if (rev === undefined)
        throw new ReadError(
          `there is no branch ${branch} in ${repoDir} (neither refs/heads/${branch} nor refs/remotes/origin/${branch})`,
        );
      const rules = await reader.read(rev, {
        files: [{ path: REPO_CONFIG_PATH, maxBytes: LIMITS.configBytes }],
        dirs: [],
      });
      const file = fileRead(rules.entries.get(REPO_CONFIG_PATH));
      const config = configFor(given, defaults, file, `${REPO_CONFIG_PATH} on ${branch}`);
      const snapshot = await reader.read(rev, readSpec(config, { changelog: false }));
      read.push({ branch, state: interpretRef(snapshot, config), config });
    }
    return read;
  });
}

/** A place with none of the configured sets is not a Tails checkout: nothing there could be checked. */
function requireSets(read: ReadBranch, where: string): void {
  if (read.state.sets.some((set) => set.presence !== 'missing')) return;
  const dirs = read.state.sets.map((set) => set.config.dir).join(', ');
  throw new ReadError(`${where} has none of the snapshot sets (${dirs}): is it a Tails checkout?`);
}

export const expiryCommand: Command = {
  name: 'expiry',
  summary: 'say when the snapshots pinned by the work tree or by branches expire',
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot expiry [--repo DIR] [--branch NAME]... [--within DAYS]
         [--snapshot-server URL] [--timeout SECONDS] [--now ISO-DATE]
         [--config FILE] [--format text|json]

Reads Valid-Until from the Release file of every snapshot pinned by every
snapshot set, and fails when one is missing, has expired or expires within
the window. Without --branch, it reads the work tree's serial files and
prints what Tails' bin/apt-snapshots-expiry prints, on the same streams:
per set directory, a "DIR:" line, then a line per origin, then "---"; "OK:"
lines and "FAIL: archive 'X' has no snapshot 'S'!" on standard output, the
"FAIL:" of a snapshot that expires within the window (or has expired) and
"Warning:" lines on standard error.

${[
  optionHelp('--repo DIR', 'the checkout (default: the top of the one around the current directory)'),
  optionHelp(
    '--branch NAME',
    'read this branch\'s Git objects (the local branch, else origin/NAME) instead of the work tree; repeat it for several branches; each set\'s line is then "NAME: DIR:"',
  ),
  optionHelp(
    '--within DAYS',
    'the window, in whole days from now (default: one calendar month, as date -d "now + 1 month" counts it, in UTC)',
  ),
  optionHelp(
    '--snapshot-server URL',
    `the time-based snapshot server (never the repository's own setting); default: $${SERVER_ENV} when set (a URL, or "offline"), else snapshot_server.url of --config, else ${defaultConfig().snapshot_server.url}; offline, nothing can be checked (exit 2)`,
  ),
  optionHelp(
    '--timeout SECONDS',
    `how long each request to the snapshot server may take (default: snapshot_server.timeout_ms, ${defaultConfig().snapshot_server.timeout_ms / 1000} s in the defaults)`,
  ),
  optionHelp('--now ISO-DATE', 'check as of this time (default: now)'),
  optionHelp(
    '--config FILE',
    `the sets and the dists of their origins, merged over the defaults (default: ${REPO_CONFIG_PATH} of the work tree, or of each branch, merged over the defaults)`,
  ),
  optionHelp(
    '--format FORMAT',
    'text (default) or json: {"now", "until", "branches": [{"branch" (null for the work tree), "snapshots": [{"set", "dir", "origin", "path", "serial", "dist"?, "validUntil"?, "status", "error"?, "unexpectedLatest"?}], "problems": [{"severity", "path", "message"}]}]}',
  ),
].join('\n')}

Lines: "OK:" a snapshot valid until the end of the window or later, one
without Valid-Until, or latest ("expires on: never"); "FAIL:" a snapshot
that expires within the window or has expired (the same line, as in the
script), one the server does not have, or whose expiry the server could
not tell (with why), or a serial file that pins nothing; "Warning:" an
origin at latest that is not a freeze exception of its set (with --branch,
not for a set that thaws on a development branch, which must track latest),
an origin snapshot_server.dists gives no dist for (not checked), a set that
does not exist. Statuses in json: ok, expiring, expired, missing, unknown,
latest, unchecked.

Where it differs from Tails' script: a Release file without Valid-Until is
OK, "expires on: never" (the script, finding no date, calls the snapshot
missing); a set directory that does not exist is a Warning, not a failure,
and the other sets are checked; the lines above that the script has no
counterpart for go to standard error.

Exit status: 0 nothing expires within the window, 1 a snapshot is missing,
has expired or expires within the window, or a serial file pins nothing, 2
bad usage or an unreadable repository, branch or configuration, 3 the
snapshot server did not answer for a snapshot, and nothing else failed (as
check: a definite failure outranks it, 1).
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseCommandArgs({ args, options: OPTIONS });
    if (printedHelp(values, this, io)) return EXIT.success;
    const format = parseFormat(values.format);
    const now = parseNow(values.now);
    const within = parseWithin(values.within);
    const until = within === undefined ? oneMonthLater(now) : windowEnd(now, within);
    const timeoutMs = parseTimeout(values.timeout);
    const defaults = defaultConfig();
    const given = await configOption(values.config, io.cwd, defaults);
    const choice = parseServerChoice(values['snapshot-server'], undefined, io.env);
    const server = commandServer(choice, given, values.config, io, timeoutMs);
    if (!server)
      throw new UsageError(
        `expiry asks the snapshot server, but ${choice.source} says offline: set $${SERVER_ENV} to its URL, or pass --snapshot-server URL`,
      );
    const repo = await findRepository(values.repo, io);

    const names = values.branch ?? [];
    const read =
      names.length === 0
        ? [await readWorkTree(repo, given, defaults)]
        : await readBranches(repo, names, given, defaults, io);
    for (const branch of read)
      requireSets(branch, branch.branch === null ? repo : `branch ${branch.branch} of ${repo}`);

    const runs: ExpiryRun[] = [];
    for (const { branch, state, config } of read) {
      const options = { now, until, ...(branch === null ? {} : { branch }) };
      runs.push({ branch, state, snapshots: await pinnedSnapshots(state, config, server, options) });
    }

    if (format === 'json') io.stdout.write(`${JSON.stringify(expiryJson(runs, now, until), null, 2)}\n`);
    else for (const line of expiryText(runs, within)) io[line.stream].write(`${line.text}\n`);
    const unanswered = runs.flatMap((run) =>
      run.snapshots.flatMap((s) => (s.status === 'unknown' && s.error ? [s.error] : [])),
    );
    for (const hint of server.hintsFor(unanswered)) io.stderr.write(`hint: ${terminalText(hint)}\n`);
    const outcome = expiryOutcome(runs);
    return outcome === 'failure' ? EXIT.failure : outcome === 'unanswered' ? EXIT.server : EXIT.success;
  },
};
