import { firstParentHistory, isShallowRepository } from '../../adapters/git/history.js';
import { defaultConfig } from '../../config/defaults.js';
import { UsageError } from '../../errors.js';
import { auditHistory, auditJudge } from '../../flow/audit.js';
import { buildTimeline, type AuditedCommit } from '../../flow/audit-timeline.js';
import { mermaidGantt } from '../../report/mermaid-gantt.js';
import type { CommitInfo } from '../../domain/tree.js';
import { auditJson, auditReport } from '../audit-report.js';
import { HELP_OPTION, parseCommandArgs, parseFormatOf, printedHelp } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo } from '../io.js';
import { StatusLine } from '../progress.js';
import { branchOf, findRepository, listRemotes, withReader } from '../repository.js';
import { configOption } from '../server-option.js';
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

export function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new UsageError(`--since must be a date such as 2021-01-01, not "${value}"`);
  return date;
}

/**
 * The commits from the last one committed before `since` (the state the
 * range starts in) to the tip; none when the tip itself is older. Walking
 * back from the tip, as git log --since does: the first older commit ends it.
 */
function fromLastBefore(chain: readonly CommitInfo[], since: Date): CommitInfo[] {
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    if ((chain[i] as CommitInfo).date.getTime() < since.getTime()) return i === chain.length - 1 ? [] : chain.slice(i);
  }
  return [...chain];
}

/** The chart of `--format mermaid`: from --since (else the first commit) to the tip. */
function auditGantt(branch: string, rev: string, audited: readonly AuditedCommit[], since: Date | undefined): string {
  const first = (audited[0] as AuditedCommit).date;
  const tip = (audited[audited.length - 1] as AuditedCommit).date;
  const from = since ?? first;
  // Committer dates can go backwards (a rebase): the chart still ends no earlier than it starts.
  const to = tip.getTime() < from.getTime() ? from : tip;
  return mermaidGantt([{ branch, periods: buildTimeline(audited) }], {
    from,
    to,
    title: `Audit of ${rev} as branch ${branch}`,
  });
}

export const auditCommand: Command = {
  name: 'audit',
  summary: "judge every commit of a branch's first-parent history, as a timeline",
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot audit [--repo DIR] [--rev REV] [--branch NAME]
         [--since DATE] [--config FILE] [--format text|json|mermaid]

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
  --format FORMAT  text (default: a timeline of periods and a summary), json:
                   {"rev", "branch", "commits": [{"sha", "date", "subject",
                   "conclusion", "status", "undecidable"?, "findings"}],
                   "timeline": [{"status", "undecidable"?, "wrong", "first",
                   "commits", "start", "end", "days", "ongoing"}], "summary",
                   "statuses"}, oldest first, or mermaid: the raw source of
                   a Mermaid gantt chart of the periods, from DATE (in the
                   state the last commit before it left, which is judged
                   too; else from the first commit) to the tip, wrong ones
                   critical, times in UTC, without a Markdown fence: pipe it
                   into mmdc, or put it in a \`\`\`mermaid block (for no
                   commits, nothing: the reason goes to standard error)

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
    const format = parseFormatOf(values.format, ['text', 'json', 'mermaid']);
    const config = await configOption(values.config, io.cwd, defaultConfig());
    const { audited, branch } = await withReader(repo, io, async (reader, repoDir) => {
      const names = { remotes: await listRemotes(repoDir, io), bases: config.config.branches.base };
      const { branch } = await branchOf(repoDir, rev, values.branch, '--rev', names, io);
      // A chart from --since starts in the state the branch was in then: the commit before the range is judged too.
      const chartFrom = format === 'mermaid' ? since : undefined;
      const commits = chartFrom
        ? fromLastBefore(await firstParentHistory(repoDir, rev, { env: io.env }), chartFrom)
        : await firstParentHistory(repoDir, rev, { since, env: io.env });
      if (await isShallowRepository(repoDir, { env: io.env })) {
        io.stderr.write(
          `apt-snapshots-bot audit: ${repoDir} is a shallow clone: the history stops at its oldest fetched commit, so the first period may have begun earlier (git fetch --unshallow for all of it)\n`,
        );
      }
      const judge = auditJudge(reader, branch, {
        ...(config.rules ? { config: config.config, configName: config.rules.file } : {}),
        ...(await cliLanded(repoDir, config, io)),
      });
      const toAudit = commits.map(({ sha, date, subject, parents }) => ({
        sha,
        date,
        subject,
        ...(parents[0] === undefined ? {} : { parent: parents[0] }),
      }));
      return { audited: await auditHistory(toAudit, judge, { progress: new StatusLine(io.stderr) }), branch };
    });
    const periods = buildTimeline(audited);
    if (format === 'mermaid') {
      // An empty chart would only make mmdc fail further down a pipe: say why on standard error instead.
      if (audited.length === 0) io.stderr.write(auditReport(rev, branch, periods));
      else io.stdout.write(auditGantt(branch, rev, audited, since));
    } else if (format === 'json')
      io.stdout.write(`${JSON.stringify(auditJson(rev, branch, audited, periods), null, 2)}\n`);
    else io.stdout.write(auditReport(rev, branch, periods, styleFor(io.stdout, io.env).columns));
    return EXIT.success;
  },
};
