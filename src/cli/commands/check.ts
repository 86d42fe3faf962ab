import { gitRepositoryView } from '../../adapters/git/git-repository.js';
import { defaultConfig } from '../../config/defaults.js';
import { evaluate, type Evaluation } from '../../flow/evaluate.js';
import { RULES } from '../../rules/index.js';
import {
  parseCommandArgs,
  parseFormat,
  parseMaxWarnings,
  parseNow,
  parseServerChoice,
  parseTimeout,
  printedHelp,
  REVISION_OPTIONS,
  serverHelp,
} from '../args.js';
import { checkReport } from '../check-report.js';
import type { Command } from '../command.js';
import { severityCounts } from '../findings-text.js';
import { fixCommand } from '../fix-command.js';
import { EXIT, type CliIo } from '../io.js';
import { HELP_COLUMNS, wrapped } from '../layout.js';
import { branchOf, findRepository, listRemotes, withReader } from '../repository.js';
import { cliLanded, cliRules, rulesJson } from '../rules-option.js';
import { styleFor } from '../style.js';
import { configOption, reportUnanswered, commandServer } from '../server-option.js';
import { stateJson } from '../state-json.js';

const OPTIONS = {
  ...REVISION_OPTIONS,
  'base-ref': { type: 'string' },
  before: { type: 'string' },
  config: { type: 'string' },
  now: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'max-warnings': { type: 'string' },
} as const;

/** The exit code of a judged ref: 1 for a definite error; else 3 when the server left lookups unanswered. */
export function verdictExit(evaluation: Pick<Evaluation, 'verdict'>): number {
  const { findings, unanswered } = evaluation.verdict;
  // A definite error is the answer whatever the server did: a script retrying on 3 would retry what cannot pass.
  if (findings.some((f) => f.severity === 'error' && f.undecided !== true)) return EXIT.failure;
  if (unanswered.length > 0) return EXIT.server;
  return evaluation.verdict.conclusion === 'failure' ? EXIT.failure : EXIT.success;
}

/** What --help says of a rule, of a branch or of a release. */
interface RuleHelp {
  id: string;
  severities: readonly string[];
  description: string;
  needsServer?: boolean;
  needsManifest?: boolean;
}

/** Every rule with the severities it reports (worst first, as in the README's table) and its description. */
export function rulesHelp(rules: readonly RuleHelp[] = RULES): string {
  if (rules.length === 0) return '  (none registered)';
  const needs = (r: RuleHelp) =>
    `${r.needsServer ? ' (needs the snapshot server)' : ''}${r.needsManifest ? ' (needs a build manifest)' : ''}`;
  return rules
    .map(
      (r) =>
        `  ${r.id} (${r.severities.join(' / ')})\n      ${wrapped(`${r.description}${needs(r)}`, HELP_COLUMNS, 6)}`,
    )
    .join('\n');
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'judge one revision of a repository as a branch',
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot check [--repo DIR] [--ref REV] [--branch NAME]
         [--base-ref REV] [--before REV] [--config FILE]
         [--snapshot-server URL | --offline] [--timeout SECONDS]
         [--format text|json] [--quiet] [--max-warnings N] [--now ISO-DATE]

Judges the APT snapshot state of REV, read from Git objects of the repository
DIR, as if it were the tip of branch NAME.

  --repo DIR        the Git repository, a work tree or a bare repository
                    (default: the one around the current directory)
  --ref REV         the revision to judge (default: HEAD)
  --branch NAME     the branch REV is judged as (devel, testing,
                    feature/1234-foo…; default: the branch REV names: for HEAD
                    the checked-out branch, for origin/testing testing; a
                    commit id, a tag or a detached HEAD needs --branch)
  --base-ref REV    the base state for a topic branch (default: the branch named
                    in config/base_branch: the local branch, else origin/NAME);
                    a serial the branch kept since it forked from there (git
                    merge-base) while the base moved on is not held against it
  --before REV      the revision before a push, to catch serials going back;
                    its rules judge REV
  --config FILE     the rules, merged over the defaults (default: the
                    repository's .github/apt-snapshots.yml of the commit before
                    the change: --before, else origin/BRANCH when REV has
                    commits not pushed yet on top of it, else REV's first
                    parent; a topic
                    branch takes its base branch's; never REV's own file,
                    whose changes are shown and take effect once landed)
${serverHelp(`snapshot_server.url of --config, else ${defaultConfig().snapshot_server.url}`, defaultConfig().snapshot_server.timeout_ms)}
  --format FORMAT   text (default) or json:
                    {"ref", "branch", "conclusion", "findings": [...], "skipped",
                     "unanswered", "rules": {...}, "state": {...}}
  -q, --quiet       report errors only (text and json), and the conclusion
  --max-warnings N  fail (exit 1) when there are more than N warnings, as
                    eslint does (hidden ones count too)
  --now ISO-DATE    judge snapshot expiry as of this time (default: now)

A branch name that differs from a base branch only in letter case (Devel) is
refused: Git's names are case-sensitive, and it would be judged as a topic
branch. Colour on a terminal: NO_COLOR turns it off, FORCE_COLOR forces it.

Rules (severities worst first):
${rulesHelp()}

Exit status: 0 success, 1 failure (an error finding, or more warnings than
--max-warnings), 2 bad usage or an unreadable repository, revision or
configuration, 3 the snapshot server could not answer (and no error was
found otherwise).
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseCommandArgs({ args, options: OPTIONS });
    if (printedHelp(values, this, io)) return EXIT.success;
    const repo = await findRepository(values.repo, io);
    const ref = values.ref ?? 'HEAD';
    const format = parseFormat(values.format);
    const now = parseNow(values.now);
    const maxWarnings = parseMaxWarnings(values['max-warnings']);
    const timeoutMs = parseTimeout(values.timeout);
    const defaults = defaultConfig();
    const configGiven = await configOption(values.config, io.cwd, defaults);
    const { config } = configGiven;
    const choice = parseServerChoice(values['snapshot-server'], values.offline, io.env);
    const server = commandServer(choice, configGiven, values.config, io, timeoutMs);

    const { evaluation, branch } = await withReader(repo, io, async (reader, repoDir) => {
      // Names are checked against the base branches of the configuration in hand, known before the ref is read.
      const names = { remotes: await listRemotes(repoDir, io), bases: config.branches.base };
      const { branch } = await branchOf(repoDir, ref, values.branch, '--ref', names, io);
      const evaluation = await evaluate({
        repository: gitRepositoryView(reader, repoDir, { env: io.env }),
        rev: ref,
        branch,
        ...(values['base-ref'] === undefined ? {} : { baseRev: values['base-ref'], baseName: values['base-ref'] }),
        beforeRev: values.before,
        rules: await cliRules(repoDir, ref, { config: configGiven, before: values.before, branch }, io),
        ...(await cliLanded(repoDir, configGiven, io)),
        defaults,
        server,
        now,
      });
      return { evaluation, branch };
    });
    reportUnanswered('check', server, evaluation.verdict.unanswered, io);
    const quiet = values.quiet ?? false;
    const { conclusion, findings } = evaluation.verdict;
    if (format === 'json') {
      const { skipped, unanswered } = evaluation.verdict;
      const json = {
        ref,
        branch,
        conclusion,
        findings: quiet ? findings.filter((f) => f.severity === 'error') : findings,
        skipped,
        unanswered,
        rules: rulesJson(evaluation),
        state: stateJson(evaluation.state),
      };
      io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      const fix = {
        ...(values.repo === undefined ? {} : { repo: values.repo }),
        ref,
        ...(values.branch === undefined ? {} : { branch }),
        ...(choice.kind === 'online' && choice.source === '--snapshot-server' ? { server: choice.url } : {}),
        ...(values.config === undefined ? {} : { config: values.config }),
      };
      io.stdout.write(
        checkReport(evaluation, ref, branch, {
          style: styleFor(io.stdout, io.env),
          quiet,
          baseRef: values['base-ref'],
          fixCommand: (action) => fixCommand(action, fix),
        }),
      );
    }
    const code = verdictExit(evaluation);
    const warnings = severityCounts(findings).warning;
    if (maxWarnings !== undefined && warnings > maxWarnings) {
      io.stderr.write(
        `apt-snapshots-bot check: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`,
      );
      return code === EXIT.success ? EXIT.failure : code;
    }
    return code;
  },
};
