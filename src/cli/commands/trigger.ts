import { createTrigger } from '../../adapters/triggers/create-trigger.js';
import type { TriggerLogger } from '../../adapters/triggers/trigger-options.js';
import { defaultConfig } from '../../config/defaults.js';
import type { TriggerConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { TriggerError, type JobTrigger, type ReleaseJobName } from '../../ports/job-trigger.js';
import type { JobPlan } from '../../release/jobs.js';
import type { Verdict } from '../../rules/judge.js';
import {
  HELP_OPTION,
  optionHelp,
  parseCommandArgs,
  parseFormat,
  printedHelp,
  SERVER_OPTIONS,
  serverHelp,
} from '../args.js';
import type { Command } from '../command.js';
import { credentialVariables, describeJob, type DescribedJob } from '../described-job.js';
import { countBySeverity } from '../findings-text.js';
import { EXIT, type CliIo } from '../io.js';
import { isUrl } from '../manifest-input.js';
import { releaseSetup, runRelease, type ReleaseSetup } from '../release-run.js';
import { reportUnanswered } from '../server-option.js';
import { styleFor } from '../style.js';
import { terminalLine } from '../terminal-text.js';
import { triggerJson, triggerReport, type TriggerOutcome, type TriggerResult } from '../trigger-report.js';
import { RELEASE_CONFIG_HELP } from './release.js';

/** The jobs as the command line names them (a command's words are lowercase), and as their CI knows them. */
const JOBS: Readonly<Record<string, ReleaseJobName>> = {
  'tag-apt-snapshots': 'tag-apt-snapshots',
  'build-iuks': 'build_IUKs',
};

const OPTIONS = {
  ...HELP_OPTION,
  ...SERVER_OPTIONS,
  repo: { type: 'string' },
  tag: { type: 'string' },
  manifest: { type: 'string' },
  config: { type: 'string' },
  'dry-run': { type: 'boolean' },
  format: { type: 'string' },
} as const;

function parseJob(positionals: string[]): ReleaseJobName {
  const [name, ...extra] = positionals;
  const names = Object.keys(JOBS).join(', ');
  if (name === undefined) throw new UsageError(`a job is required: ${names}`);
  const job = JOBS[name];
  if (job === undefined) throw new UsageError(`unknown job "${terminalLine(name)}"; the jobs are ${names}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${terminalLine(extra[0] ?? '')}"`);
  return job;
}

/**
 * The configured trigger, and for tag-apt-snapshots a manifest with a URL
 * (the job fetches it from there): what must be there before anything is read.
 * @throws UsageError saying what to set
 */
function checkJobSetup(job: ReleaseJobName, setup: ReleaseSetup, configFile: string | undefined): TriggerConfig {
  const trigger = setup.given.config.jobs[job].trigger;
  if (trigger === null)
    throw new UsageError(
      `no trigger is configured for ${job}: set jobs.${job}.trigger in the file given with --config (README: "Triggers")${configFile === undefined ? '' : `; --config ${configFile} has none`}`,
    );
  if (job !== 'tag-apt-snapshots') return trigger;
  if (!setup.manifest)
    throw new UsageError(
      "tag-apt-snapshots needs the URL of the release build's manifest (its BUILD_MANIFEST parameter): pass --manifest URL, or set jobs.tag-apt-snapshots.manifest_url in --config",
    );
  if (!isUrl(setup.manifest.given))
    throw new UsageError(
      `--manifest ${setup.manifest.given} is a file, and tag-apt-snapshots fetches the manifest from a URL (BUILD_MANIFEST): give the manifest's http(s) URL`,
    );
  return trigger;
}

/** The job's plan when the release check lets it start; else why not, with the exit code that says it. */
function allowed(
  verdict: Verdict,
  plan: JobPlan | undefined,
  tag: string,
): { plan: JobPlan } | { reason: string; code: number } {
  const whole = `'apt-snapshots-bot release check' with the same options shows the whole report`;
  if (verdict.unanswered.length > 0)
    return {
      reason: `the snapshot server could not answer ${verdict.unanswered.length} lookup(s) of the release check of ${tag}, so it could not decide: try again once it answers (${whole})`,
      code: EXIT.server,
    };
  // No plan: the changelog gives no version, which the release-tag rule fails.
  if (verdict.conclusion === 'failure' || !plan)
    return {
      reason: `the release check of ${tag} fails (${countBySeverity(verdict.findings)}): fix the release first (${whole})`,
      code: EXIT.failure,
    };
  return { plan };
}

function stderrLogger(io: CliIo): TriggerLogger {
  return {
    info: (message) => io.stderr.write(`apt-snapshots-bot trigger: ${terminalLine(message)}\n`),
    warn: (message) => io.stderr.write(`apt-snapshots-bot trigger: warning: ${terminalLine(message)}\n`),
  };
}

async function start(trigger: JobTrigger, job: ReleaseJobName, plan: JobPlan): Promise<TriggerOutcome> {
  try {
    return { kind: 'triggered', triggered: await trigger.trigger({ job, parameters: plan.parameters }) };
  } catch (error) {
    if (error instanceof TriggerError) return { kind: 'failed', message: error.message, sent: error.sent };
    throw error;
  }
}

export const triggerCommand: Command = {
  name: 'trigger',
  summary: 'start a release job (tag-apt-snapshots, build-iuks) once the release passes',
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot trigger tag-apt-snapshots|build-iuks [--repo DIR]
         --tag TAG [--manifest FILE|URL] [--config FILE] [--dry-run]
         [--format text|json] [--snapshot-server URL | --offline]
         [--timeout SECONDS]

Starts a job of the release refs/tags/TAG names, with the parameters Git
gives (as 'apt-snapshots-bot release check' lists them), through the trigger
configured in jobs.tag-apt-snapshots.trigger or jobs.build_IUKs.trigger of
--config. The release check runs first: when it fails (exit 1) or the
snapshot server cannot answer it (exit 3), nothing is sent.

  tag-apt-snapshots  tags the snapshots the release used: TAG, BUILD_MANIFEST
                     (the manifest's URL)
  build-iuks         builds the incremental upgrade kits (the build_IUKs job):
                     TAILS_GIT_COMMIT, SOURCE_DATE_EPOCH, NEW_VERSION,
                     SOURCE_VERSIONS, EXTRA_ARGS

${optionHelp('--repo DIR', 'the Git repository (default: the one around the current directory)')}
${optionHelp('--tag TAG', 'the release tag, the version with ~ written - (4.19-rc1)')}
${optionHelp('--manifest FILE|URL', "the release build's .build-manifest, checked against Git; tag-apt-snapshots needs its URL (default: jobs.tag-apt-snapshots.manifest_url, {tag} and {version} filled in)")}
${optionHelp('--config FILE', RELEASE_CONFIG_HELP)}
${optionHelp('--dry-run', 'print the request (method, URL, parameters, header names, whether each credential variable is set) and send nothing; needs no credential')}
${optionHelp('--format FORMAT', 'text (default) or json: {"job", "tag", "commit", "parameters", "request", "dryRun", "release": {"conclusion", "findings"}, "credentials", "triggered", "refused", "nothing", "error"}')}
${serverHelp(`snapshot_server.url of --config, else ${defaultConfig().snapshot_server.url}`, defaultConfig().snapshot_server.timeout_ms)}

Credentials come from the environment variables the trigger's *_env fields
name, and are never printed. A job that failed to start may have started all
the same when the CI took the request (no answer in time, a 5xx): the message
says so; look at the CI before running this again.

Exit status: 0 started (or the dry run shows it would be, or the job has
nothing to do: build-iuks of a major version's first release), 1 the release check
fails or the CI did not start the job, 2 bad usage (no trigger configured, no
manifest URL for tag-apt-snapshots, a credential variable not set) or a
repository, tag, configuration or manifest that cannot be read, 3 the snapshot
server could not answer.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, allowPositionals: true });
    if (printedHelp(values, this, io)) return EXIT.success;
    const job = parseJob(positionals);
    const format = parseFormat(values.format);
    const dryRun = values['dry-run'] ?? false;
    const setup = await releaseSetup(values, io);
    const config = checkJobSetup(job, setup, values.config);
    // Made first, so that a credential that is not set stops the command before anything is read.
    const trigger = dryRun ? undefined : createTrigger(config, io.env, { log: stderrLogger(io) });

    // build_IUKs does not need the manifest: one not published yet does not stop it.
    const { evaluation } = await runRelease(setup, undefined, new Date(), io, job === 'tag-apt-snapshots');
    reportUnanswered('trigger', setup.server, evaluation.verdict.unanswered, io);
    const plan = evaluation.jobs.find((j) => j.job === job);
    const described: DescribedJob | undefined =
      plan &&
      (trigger
        ? { description: trigger.description, request: trigger.describe({ job, parameters: plan.parameters }) }
        : describeJob(config, { job, parameters: plan.parameters }));
    const decision = allowed(evaluation.verdict, plan, setup.tag);
    const outcome: TriggerOutcome =
      'reason' in decision
        ? { kind: 'refused', reason: decision.reason }
        : decision.plan.nothingToDo !== undefined
          ? { kind: 'nothing', reason: decision.plan.nothingToDo }
          : trigger
            ? await start(trigger, job, decision.plan)
            : { kind: 'dry-run' };
    const result: TriggerResult = {
      evaluation,
      job,
      ...(plan ? { plan } : {}),
      ...(described ? { described } : {}),
      ...(dryRun
        ? {
            credentials: credentialVariables(config).map((variable) => ({
              variable,
              set: (io.env[variable] ?? '') !== '',
            })),
          }
        : {}),
      outcome,
    };
    io.stdout.write(
      format === 'json'
        ? `${JSON.stringify(triggerJson(result), null, 2)}\n`
        : triggerReport(result, styleFor(io.stdout, io.env)),
    );
    if ('reason' in decision) {
      io.stderr.write(`apt-snapshots-bot trigger: not starting ${job}: ${terminalLine(decision.reason)}\n`);
      return decision.code;
    }
    if (outcome.kind === 'failed') {
      io.stderr.write(`apt-snapshots-bot trigger: ${terminalLine(outcome.message)}\n`);
      io.stderr.write(
        outcome.sent
          ? `The job may have started all the same: look at the CI before running this again.\n`
          : `The job was not started.\n`,
      );
      return EXIT.failure;
    }
    return EXIT.success;
  },
};
