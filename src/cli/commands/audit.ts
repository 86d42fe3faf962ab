import { firstParentHistory, isShallowRepository } from '../../adapters/git/history.js';
import { defaultConfig } from '../../config/defaults.js';
import type { CommitInfo } from '../../domain/tree.js';
import { UsageError } from '../../errors.js';
import { buildTimeline, freezeStatus, undecidableWhy, type AuditedCommit } from '../../flow/audit-timeline.js';
import { evaluate, type EvaluateInput } from '../../flow/evaluate.js';
import type { RefReader } from '../../ports/ref-reader.js';
import { auditJson, auditReport } from '../audit-report.js';
import { HELP_OPTION, parseCommandArgs, parseFormat, printedHelp } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo } from '../io.js';
import { StatusLine } from '../progress.js';
import { branchOf, findRepository, listRemotes, withReader } from '../repository.js';
import { configOption, type ConfigOption } from '../server-option.js';
import { cliLanded } from '../rules-option.js';
import { styleFor } from '../style.js';

const OPTIONS = {
  ...HELP_OPTION,
  repo: { type: 'string' },
  rev: { type: 'string' },
  branch: { type: 'string' },
  since: { type: 'string' },
  format: { type: 'string' },
  config: { type: 'string' },
} as const;

/** Reads in flight at once: enough to keep git's cat-file pipeline busy. */
const BATCH = 16;

export function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new UsageError(`--since must be a date such as 2021-01-01, not "${value}"`);
  return date;
}

/**
 * Judges one commit offline, as of its own date, under the rules of its
 * first parent (or `--config`): as its push would have been judged. The
 * changelog is not needed to judge serials.
 */
async function auditCommit(
  reader: RefReader,
  commit: CommitInfo,
  branch: string,
  config: ConfigOption,
  landed: EvaluateInput['landed'],
): Promise<AuditedCommit> {
  const parent = commit.parents[0];
  const evaluation = await evaluate({
    reader,
    rev: commit.sha,
    branch,
    // No base: comparing a past commit with where its base is today would judge it by a state it never knew.
    ...(landed ? { landed } : {}),
    rules: config.rules ?? { kind: 'before-change', ...(parent === undefined ? {} : { rev: parent }), label: 'parent' },
    defaults: defaultConfig(),
    now: commit.date,
    readChangelog: false,
  });
  const { conclusion, findings } = evaluation.verdict;
  const why = undecidableWhy(evaluation.state);
  return {
    sha: commit.sha,
    date: commit.date,
    subject: commit.subject,
    conclusion,
    findings,
    status: freezeStatus(evaluation.state),
    ...(why === undefined ? {} : { undecidable: why }),
  };
}

/** Judges every commit, showing how far it got on the status line while that lasts. */
export async function auditHistory(
  reader: RefReader,
  commits: readonly CommitInfo[],
  branch: string,
  options: { config: ConfigOption; status?: StatusLine; landed?: EvaluateInput['landed'] },
): Promise<AuditedCommit[]> {
  const { config, status, landed } = options;
  const audited: AuditedCommit[] = [];
  try {
    for (let i = 0; i < commits.length; i += BATCH) {
      status?.show(`audit: ${audited.length} of ${commits.length} commits judged`);
      audited.push(
        ...(await Promise.all(commits.slice(i, i + BATCH).map((c) => auditCommit(reader, c, branch, config, landed)))),
      );
    }
  } finally {
    status?.clear();
  }
  return audited;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: "judge every commit of a branch's first-parent history, as a timeline",
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot audit [--repo DIR] [--rev REV] [--branch NAME]
         [--since DATE] [--config FILE] [--format text|json]

Judges every commit of the first-parent history of REV as branch NAME,
offline (it never asks the snapshot server), and tells when the branch was
frozen, thawed or wrong, and for how long.

  --repo DIR       the Git repository (default: the one around the current
                   directory)
  --rev REV        the tip of the history (default: HEAD)
  --branch NAME    the branch every commit is judged as (default: the branch
                   REV names: for HEAD the checked-out branch, for
                   origin/testing testing; a commit id, a tag or a detached
                   HEAD needs --branch)
  --since DATE     only commits committed on or after DATE (e.g. 2021-01-01)
  --config FILE    the rules, merged over the defaults (default: each commit
                   of a base branch is judged under the repository's
                   .github/apt-snapshots.yml of its first parent, as its push
                   was; a topic branch's under the default branch's)
  --format FORMAT  text (default: a timeline of periods and a summary) or json:
                   {"rev", "branch", "commits": [{"sha", "date", "subject",
                   "conclusion", "status", "undecidable"?, "findings"}],
                   "timeline": [{"status", "undecidable"?, "wrong", "first",
                   "commits", "start", "end", "days", "ongoing"}], "summary",
                   "statuses"}, oldest first

A commit is frozen, thawed or partly frozen by the serials of the sets that
thaw (freeze exceptions aside); undecidable when they cannot tell: a serial
file gives no serial, or such a set is missing or holds no origin (each
undecidable period says which). Progress is shown on standard error when it
is a terminal.

Exit status: 0 the audit ran (whatever it found), 2 bad usage or an
unreadable repository or revision.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseCommandArgs({ args, options: OPTIONS });
    if (printedHelp(values, this, io)) return EXIT.success;
    const repo = await findRepository(values.repo, io);
    const rev = values.rev ?? 'HEAD';
    const since = parseSince(values.since);
    const format = parseFormat(values.format);
    const config = await configOption(values.config, io.cwd, defaultConfig());
    const { audited, branch } = await withReader(repo, io, async (reader, repoDir) => {
      const names = { remotes: await listRemotes(repoDir, io), bases: config.config.branches.base };
      const { branch } = await branchOf(repoDir, rev, values.branch, '--rev', names, io);
      const commits = await firstParentHistory(repoDir, rev, { since, env: io.env });
      if (await isShallowRepository(repoDir, { env: io.env })) {
        io.stderr.write(
          `apt-snapshots-bot audit: ${repoDir} is a shallow clone: the history stops at its oldest fetched commit, so the first period may have begun earlier (git fetch --unshallow for all of it)\n`,
        );
      }
      return {
        audited: await auditHistory(reader, commits, branch, {
          config,
          status: new StatusLine(io.stderr),
          ...(await cliLanded(repoDir, config, io)),
        }),
        branch,
      };
    });
    const periods = buildTimeline(audited);
    if (format === 'json') io.stdout.write(`${JSON.stringify(auditJson(rev, branch, audited, periods), null, 2)}\n`);
    else io.stdout.write(auditReport(rev, branch, periods, styleFor(io.stdout, io.env).columns));
    return EXIT.success;
  },
};
