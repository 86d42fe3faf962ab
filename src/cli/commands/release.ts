import { defaultConfig } from '../../config/defaults.js';
import type { Config } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import type { ReleaseEvaluation } from '../../flow/release.js';
import { RELEASE_RULES } from '../../rules/release/index.js';
import {
  HELP_OPTION,
  optionHelp,
  parseCommandArgs,
  parseFormat,
  parseNow,
  printedHelp,
  SERVER_OPTIONS,
  serverHelp,
} from '../args.js';
import type { Command } from '../command.js';
import { describeJob } from '../described-job.js';
import { EXIT, type CliIo } from '../io.js';
import { releaseJson } from '../release-json.js';
import { releaseReport, type JobLine } from '../release-report.js';
import { releaseSetup, runRelease } from '../release-run.js';
import { reportUnanswered } from '../server-option.js';
import { styleFor } from '../style.js';
import { rulesHelp, verdictExit } from './check.js';

const ACTIONS = ['check'] as const;

const OPTIONS = {
  ...HELP_OPTION,
  ...SERVER_OPTIONS,
  repo: { type: 'string' },
  tag: { type: 'string' },
  manifest: { type: 'string' },
  'previous-manifest': { type: 'string' },
  config: { type: 'string' },
  format: { type: 'string' },
  now: { type: 'string' },
} as const;

function parseAction(positionals: string[]): (typeof ACTIONS)[number] {
  const [action, ...extra] = positionals;
  if (action === undefined) throw new UsageError(`an action is required: ${ACTIONS.join(', ')}`);
  if (action !== 'check') throw new UsageError(`unknown action "${action}"; the actions are ${ACTIONS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  return action;
}

/** Each job of the release with the request its configured trigger would send, described without credentials. */
function describedJobs(evaluation: ReleaseEvaluation, config: Config): JobLine[] {
  return evaluation.jobs.map((plan) => {
    const trigger = config.jobs[plan.job].trigger;
    return { plan, trigger: trigger === null ? null : describeJob(trigger, plan) };
  });
}

/** What the help says --config holds, for the release commands. */
export const RELEASE_CONFIG_HELP =
  "the deployment's settings, merged over the defaults, as the app's APT_SNAPSHOTS_BOT_CONFIG: jobs.* (triggers, manifest_url), which a repository's file cannot set; the repository's .github/apt-snapshots.yml at the tagged commit's parent merges over it";

export const releaseCommand: Command = {
  name: 'release',
  summary: 'judge a release tag and its build manifest, and list its jobs',
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot release check [--repo DIR] --tag TAG
         [--manifest FILE|URL] [--previous-manifest FILE|URL] [--config FILE]
         [--snapshot-server URL | --offline] [--timeout SECONDS]
         [--format text|json] [--now ISO-DATE]

Judges the commit refs/tags/TAG names (annotated or lightweight) as a release
of the repository DIR, and lists the jobs it calls for (tag-apt-snapshots,
build_IUKs) with their parameters, from Git alone, and the request each
configured trigger would send; 'apt-snapshots-bot trigger' starts them.

${optionHelp('--repo DIR', 'the Git repository (default: the one around the current directory)')}
${optionHelp('--tag TAG', 'the release tag, the version with ~ written - (4.19-rc1)')}
${optionHelp('--manifest FILE|URL', "the release build's .build-manifest, a file or an http(s) URL, checked against Git (default: jobs.tag-apt-snapshots.manifest_url, {tag} and {version} filled in; else none, and build-manifest is skipped)")}
${optionHelp('--previous-manifest FILE|URL', "the previous release's build manifest: the report lists the serials and packages changed since")}
${optionHelp('--config FILE', RELEASE_CONFIG_HELP)}
${serverHelp(`snapshot_server.url of --config, else ${defaultConfig().snapshot_server.url}`, defaultConfig().snapshot_server.timeout_ms)}
                         (also the time a manifest URL may take)
${optionHelp('--format FORMAT', 'text (default) or json: {"tag", "commit", "version", "conclusion", "findings", "skipped", "unanswered", "rules", "manifest", "jobs": [{"job", "parameters", "waitingFor", "nothingToDo", "trigger"}]}')}
${optionHelp('--now ISO-DATE', 'judge how long snapshots stay available as of this time (default: now)')}

Rules (severities worst first):
${rulesHelp(RELEASE_RULES)}

Exit status: 0 a sound release, 1 an error finding, 2 bad usage, or a
repository, tag, configuration or manifest that cannot be read, 3 the snapshot
server could not answer.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, allowPositionals: true });
    if (printedHelp(values, this, io)) return EXIT.success;
    parseAction(positionals);
    const format = parseFormat(values.format);
    const now = parseNow(values.now);
    const setup = await releaseSetup(values, io);
    if (values['previous-manifest'] !== undefined && setup.manifest === undefined)
      throw new UsageError(
        '--previous-manifest needs this release’s manifest to compare with: pass --manifest, or set jobs.tag-apt-snapshots.manifest_url in --config',
      );
    const run = await runRelease(setup, values['previous-manifest'], now, io);
    const { evaluation } = run;
    reportUnanswered('release check', setup.server, evaluation.verdict.unanswered, io);
    const jobs = describedJobs(evaluation, setup.given.config);
    if (format === 'json') io.stdout.write(`${JSON.stringify(releaseJson(run, jobs), null, 2)}\n`);
    else
      io.stdout.write(
        releaseReport({
          run,
          jobs,
          configHint: `--config ${values.config ?? 'FILE'}`,
          style: styleFor(io.stdout, io.env),
        }),
      );
    return verdictExit(evaluation);
  },
};
