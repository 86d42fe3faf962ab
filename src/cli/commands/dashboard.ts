import { GitHistoryReader } from '../../adapters/git/git-history-reader.js';
import { resolveBaseBranchRev, resolveRevision } from '../../adapters/git/history.js';
import { defaultConfig } from '../../config/defaults.js';
import { describeConfigProblem } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import type { AuditOptions } from '../../flow/audit.js';
import { dashboardFacts, type DashboardRelease } from '../../flow/dashboard-facts.js';
import { rulesOfCommit } from '../../flow/evaluate.js';
import { newestReleaseTag } from '../../flow/last-release.js';
import type { RefReader } from '../../ports/ref-reader.js';
import { dashboardJson, renderDashboard } from '../../report/dashboard.js';
import {
  HELP_OPTION,
  optionHelp,
  parseCommandArgs,
  parseNow,
  parseServerChoice,
  parseTimeout,
  printedHelp,
  SERVER_OPTIONS,
  serverHelp,
} from '../args.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo } from '../io.js';
import { findRepository, listTags, withReader } from '../repository.js';
import { cliLanded } from '../rules-option.js';
import { commandServer, configOption, type ConfigOption } from '../server-option.js';
import { terminalText } from '../terminal-text.js';

const OPTIONS = {
  ...HELP_OPTION,
  ...SERVER_OPTIONS,
  repo: { type: 'string' },
  now: { type: 'string' },
  config: { type: 'string' },
  format: { type: 'string' },
} as const;

type DashboardFormat = 'markdown' | 'json';

function parseDashboardFormat(value: string | undefined): DashboardFormat {
  if (value === undefined || value === 'markdown' || value === 'json') return value ?? 'markdown';
  throw new UsageError(`--format must be "markdown" or "json", not "${value}"`);
}

/**
 * The rules that judge every branch: --config, else the default branch's
 * file at its tip (as the app takes them), else the defaults. Problems in
 * the repository's file are said on standard error: the defaults judge.
 */
async function dashboardConfig(
  reader: RefReader,
  given: ConfigOption,
  landed: { branch: string; rev: string } | undefined,
  io: Pick<CliIo, 'stderr'>,
): Promise<Config> {
  if (given.rules || !landed) return given.config;
  const { config, rules } = await rulesOfCommit(
    reader,
    { kind: 'before-change', rev: landed.rev, label: 'parent' },
    given.config,
  );
  for (const problem of rules.problems)
    io.stderr.write(
      terminalText(
        `apt-snapshots-bot dashboard: invalid rules on ${landed.branch}: ${describeConfigProblem(problem)}; the defaults judge instead\n`,
      ),
    );
  return config;
}

/** The newest release tag (newestReleaseTag) and its commit; null when there is none. */
async function lastRelease(repoDir: string, config: Config, io: CliIo): Promise<DashboardRelease | null> {
  const tag = newestReleaseTag(await listTags(repoDir, io), config);
  if (tag === undefined) return null;
  return { tag, sha: await resolveRevision(repoDir, `refs/tags/${tag}`, { env: io.env }) };
}

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'print the dashboard issue the bot would write for the base branches',
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot dashboard [--repo DIR] [--config FILE] [--now ISO-DATE]
         [--snapshot-server URL | --offline] [--timeout SECONDS]
         [--format markdown|json]

Prints the body of the dashboard issue the GitHub App keeps, for the base
branches of the repository DIR (the local branch, else origin/NAME): each
branch frozen, thawed or wrong and since when, its serials beside the newest
on the snapshot server, what expires soon, a timeline of the last
dashboard.history_days, the last release tag, and the requests a person can
tick. The bot's pull requests, the release check and its jobs are only known
to the app.

${optionHelp('--repo DIR', 'the Git repository (default: the one around the current directory)')}
${optionHelp('--config FILE', "the rules that judge every branch, merged over the defaults (default: the repository's .github/apt-snapshots.yml at the tip of its default branch, as the app takes them)")}
${optionHelp('--now ISO-DATE', 'judge expiry and end the timeline at this time (default: now)')}
${serverHelp(`snapshot_server.url of --config, else ${defaultConfig().snapshot_server.url}`, defaultConfig().snapshot_server.timeout_ms)}
${optionHelp('--format FORMAT', 'markdown (default: the issue body) or json: {"repository", "generatedAt", "historyDays", "branches": [{"branch", "role", "tip"?, "state", "wrong", "since"?, "sinceOrEarlier" (the Markdown\'s "or earlier"), "serials", "nearestExpiry"?: {"set", "origin", "serial", "validUntil", "status"}, "attention", "error"?}], "timelines", "release", "requests", "newestError"?, "expiryError"?}')}

A branch that cannot be read, and a snapshot server that does not answer,
are shown in the dashboard.

Exit status: 0 printed, 2 bad usage, or a repository or --config that
cannot be read.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseCommandArgs({ args, options: OPTIONS });
    if (printedHelp(values, this, io)) return EXIT.success;
    const repo = await findRepository(values.repo, io);
    const format = parseDashboardFormat(values.format);
    const now = parseNow(values.now);
    const timeoutMs = parseTimeout(values.timeout);
    const given = await configOption(values.config, io.cwd, defaultConfig());
    const choice = parseServerChoice(values['snapshot-server'], values.offline, io.env);
    const server = commandServer(choice, given, values.config, io, timeoutMs);

    const { facts, config } = await withReader(repo, io, async (reader, repoDir) => {
      const { landed } = await cliLanded(repoDir, given, io);
      const config = await dashboardConfig(reader, given, landed, io);
      const revisions = new Map<string, string>();
      for (const branch of config.branches.base) {
        const rev = await resolveBaseBranchRev(repoDir, branch, { env: io.env });
        if (rev !== undefined) revisions.set(branch, rev);
      }
      const revisionOf = (branch: string) => revisions.get(branch) ?? `refs/heads/${branch}`;
      const audit: AuditOptions = given.rules
        ? { config: given.config, configName: given.rules.file }
        : landed
          ? { landed }
          : {};
      const facts = await dashboardFacts({
        repository: repoDir,
        config,
        reader,
        history: new GitHistoryReader(repoDir, { env: io.env, revisionOf }),
        ...(server ? { server } : {}),
        now,
        revisionOf,
        audit,
        release: await lastRelease(repoDir, config, io),
      });
      return { facts, config };
    });
    if (format === 'json') io.stdout.write(`${JSON.stringify(dashboardJson(facts), null, 2)}\n`);
    else io.stdout.write(`${renderDashboard(facts, config)}\n`);
    return EXIT.success;
  },
};
