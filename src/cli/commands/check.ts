import { mergeBase, resolveBaseBranchRev } from '../../adapters/git/history.js';
import { defaultConfig } from '../../config/defaults.js';
import { evaluate, type Evaluation } from '../../flow/evaluate.js';
import { RULES } from '../../rules/index.js';
import {
  parseCommandArgs,
  parseFormat,
  parseNow,
  parseServerChoice,
  printedHelp,
  requireOption,
  REVISION_OPTIONS,
  serverHelp,
} from '../args.js';
import { checkReport } from '../check-report.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo } from '../io.js';
import { HELP_COLUMNS, wrapped } from '../layout.js';
import { withReader } from '../repository.js';
import { configOption, snapshotServer } from '../server-option.js';
import { stateJson } from '../state-json.js';

const OPTIONS = {
  ...REVISION_OPTIONS,
  'base-ref': { type: 'string' },
  before: { type: 'string' },
  config: { type: 'string' },
  now: { type: 'string' },
} as const;

/** The lookups the server did not answer, e.g. "http://…/Release: connection refused"; a snapshot it says it lacks is a finding instead. */
export function serverFailures(evaluation: Evaluation): string[] {
  if (!evaluation.facts) return [];
  return [...evaluation.facts.expiries.values()].flatMap((expiry) =>
    expiry.ok || expiry.missing ? [] : [expiry.error],
  );
}

/** The exit code of a judged ref: an unanswered server outranks the verdict, which may lack its facts. */
export function verdictExit(evaluation: Evaluation): number {
  if (serverFailures(evaluation).length > 0) return EXIT.server;
  return evaluation.verdict.conclusion === 'failure' ? EXIT.failure : EXIT.success;
}

/** Every rule with the severities it reports (worst first, as in the README's table) and its description. */
export function rulesHelp(): string {
  if (RULES.length === 0) return '  (none registered)';
  return RULES.map(
    (r) =>
      `  ${r.id} (${r.severities.join(' / ')})\n      ${wrapped(`${r.description}${r.needsServer ? ' (needs the snapshot server)' : ''}`, HELP_COLUMNS, 6)}`,
  ).join('\n');
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'judge one revision of a repository as a branch',
  help: () => `Usage: apt-snapshots-bot check --repo DIR --ref REV --branch NAME [--base-ref REV]
         [--before REV] [--config FILE] [--snapshot-server URL | --offline]
         [--format text|json] [--now ISO-DATE]

Judges the APT snapshot state of REV, read from Git objects of the repository
DIR, as if it were the tip of branch NAME.

  --repo DIR        the Git repository (a work tree or a bare repository)
  --ref REV         the revision to judge
  --branch NAME     the branch REV is judged as (devel, testing, feature/1234-foo…)
  --base-ref REV    the base state for a topic branch (default: the branch named
                    in config/base_branch: the local branch, else origin/NAME);
                    a serial the branch kept since it forked from there (git
                    merge-base) while the base moved on is not held against it
  --before REV      the revision before a push, to catch serials going back
  --config FILE     the configuration, merged over the defaults (default: the
                    repository's .github/apt-snapshots.yml at REV)
${serverHelp(defaultConfig().snapshot_server.url, true)}
  --format FORMAT   text (default) or json:
                    {"ref", "branch", "conclusion", "findings": [...], "state": {...}}
  --now ISO-DATE    judge snapshot expiry as of this time (default: now)

Rules:
${rulesHelp()}

Exit status: 0 success, 1 failure (an error finding), 2 bad usage or an
unreadable repository, revision or configuration, 3 the snapshot server could
not answer.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseCommandArgs({ args, options: OPTIONS });
    if (printedHelp(values, this, io)) return EXIT.success;
    const repo = requireOption(values.repo, '--repo DIR');
    const ref = requireOption(values.ref, '--ref REV');
    const branch = requireOption(values.branch, '--branch NAME');
    const format = parseFormat(values.format);
    const now = parseNow(values.now);
    const defaults = defaultConfig();
    const { source, config } = await configOption(values.config, io.cwd, defaults);
    const server = snapshotServer(parseServerChoice(values['snapshot-server'], values.offline), config);

    const evaluation = await withReader(repo, io, (reader, repoDir) =>
      evaluate({
        reader,
        rev: ref,
        branch,
        baseRev: values['base-ref'],
        resolveBaseRev: (name) => resolveBaseBranchRev(repoDir, name, { env: io.env }),
        resolveForkRev: (baseRev) => mergeBase(repoDir, ref, baseRev, { env: io.env }),
        beforeRev: values.before,
        configSource: source,
        defaults,
        server,
        now,
      }),
    );
    const failures = serverFailures(evaluation);
    if (failures.length > 0) {
      io.stderr.write(
        `apt-snapshots-bot check: the snapshot server could not answer ${failures.length} lookup(s):\n${failures.map((f) => `  ${f}\n`).join('')}`,
      );
    }
    if (format === 'json') {
      const { conclusion, findings } = evaluation.verdict;
      io.stdout.write(
        `${JSON.stringify({ ref, branch, conclusion, findings, state: stateJson(evaluation.state) }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(checkReport(evaluation, ref, branch));
    }
    return verdictExit(evaluation);
  },
};
