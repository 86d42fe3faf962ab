import { firstParentHistory, isShallowRepository } from '../../adapters/git/history.js';
import { defaultConfig } from '../../config/defaults.js';
import type { CommitInfo } from '../../domain/tree.js';
import { UsageError } from '../../errors.js';
import { buildTimeline, freezeStatus, type AuditedCommit } from '../../flow/audit-timeline.js';
import { evaluate } from '../../flow/evaluate.js';
import type { RefReader } from '../../ports/ref-reader.js';
import { auditReport } from '../audit-report.js';
import { HELP_OPTION, parseCommandArgs, parseFormat, printedHelp } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo, type OutputStream } from '../io.js';
import { withReader } from '../repository.js';
import { configOption, type ConfigOption } from '../server-option.js';

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
const PROGRESS_EVERY = 100;

/** The branch a revision names: devel for devel, refs/heads/devel, origin/devel or refs/remotes/origin/devel. */
export function branchOfRev(rev: string): string {
  const m = /^(?:refs\/heads\/|refs\/remotes\/[^/]+\/|origin\/)(.+)$/.exec(rev);
  return m ? (m[1] as string) : rev;
}

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
): Promise<AuditedCommit> {
  const parent = commit.parents[0];
  const evaluation = await evaluate({
    reader,
    rev: commit.sha,
    branch,
    rules: config.rules ?? { kind: 'before-change', ...(parent === undefined ? {} : { rev: parent }), label: 'parent' },
    defaults: defaultConfig(),
    now: commit.date,
    readChangelog: false,
  });
  const { conclusion, findings } = evaluation.verdict;
  return {
    sha: commit.sha,
    date: commit.date,
    subject: commit.subject,
    conclusion,
    findings,
    status: freezeStatus(evaluation.state),
  };
}

export async function auditHistory(
  reader: RefReader,
  commits: readonly CommitInfo[],
  branch: string,
  options: { config: ConfigOption; progress?: OutputStream },
): Promise<AuditedCommit[]> {
  const { config, progress } = options;
  const audited: AuditedCommit[] = [];
  for (let i = 0; i < commits.length; i += BATCH) {
    audited.push(
      ...(await Promise.all(commits.slice(i, i + BATCH).map((c) => auditCommit(reader, c, branch, config)))),
    );
    const done = audited.length;
    if (
      progress &&
      Math.floor(done / PROGRESS_EVERY) > Math.floor((done - BATCH) / PROGRESS_EVERY) &&
      done < commits.length
    ) {
      progress.write(`\raudit: ${done} of ${commits.length} commits judged`);
    }
  }
  if (progress && commits.length > PROGRESS_EVERY) progress.write('\r\x1b[K');
  return audited;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: "judge every commit of a branch's first-parent history, as a timeline",
  help: () => `Usage: apt-snapshots-bot audit --repo DIR [--rev REV] [--branch NAME]
         [--since DATE] [--config FILE] [--format text|json]

Judges every commit of the first-parent history of REV as branch NAME,
offline, and tells when the branch was frozen, thawed or wrong, and for how
long.

  --repo DIR       the Git repository
  --rev REV        the tip of the history (default: devel)
  --branch NAME    the branch every commit is judged as (default: REV without
                   refs/heads/, refs/remotes/REMOTE/ or origin/)
  --since DATE     only commits committed on or after DATE (e.g. 2021-01-01)
  --config FILE    the rules, merged over the defaults (default: each commit
                   is judged under the repository's .github/apt-snapshots.yml
                   of its first parent, as its push was)
  --format FORMAT  text (default: a timeline of periods and a summary) or json:
                   {"commits": [{"sha", "date", "subject", "conclusion", "findings"}]},
                   oldest first

Progress is shown on standard error when it is a terminal.

Exit status: 0 the audit ran (whatever it found), 2 bad usage or an
unreadable repository or revision.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseCommandArgs({ args, options: OPTIONS });
    if (printedHelp(values, this, io)) return EXIT.success;
    if (values.repo === undefined) throw new UsageError('--repo DIR is required');
    const rev = values.rev ?? 'devel';
    const branch = values.branch ?? branchOfRev(rev);
    const since = parseSince(values.since);
    const format = parseFormat(values.format);
    const config = await configOption(values.config, io.cwd, defaultConfig());
    const audited = await withReader(values.repo, io, async (reader, repoDir) => {
      const commits = await firstParentHistory(repoDir, rev, { since, env: io.env });
      if (await isShallowRepository(repoDir, { env: io.env })) {
        io.stderr.write(
          `apt-snapshots-bot audit: ${repoDir} is a shallow clone: the history stops at its oldest fetched commit, so the first period may have begun earlier (git fetch --unshallow for all of it)\n`,
        );
      }
      const progress = format === 'text' && io.stderr.isTTY ? io.stderr : undefined;
      return auditHistory(reader, commits, branch, { config, ...(progress ? { progress } : {}) });
    });
    if (format === 'json') {
      const commits = audited.map((c) => ({
        sha: c.sha,
        date: c.date.toISOString(),
        subject: c.subject,
        conclusion: c.conclusion,
        findings: c.findings,
      }));
      io.stdout.write(`${JSON.stringify({ commits }, null, 2)}\n`);
    } else {
      io.stdout.write(auditReport(rev, branch, buildTimeline(audited)));
    }
    return EXIT.success;
  },
};
