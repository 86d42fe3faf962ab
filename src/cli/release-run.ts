import { defaultConfig } from '../config/defaults.js';
import { ReadError, UsageError } from '../errors.js';
import { evaluateRelease, type ReleaseEvaluation } from '../flow/release.js';
import { versionOfTag } from '../release/iuk-source-versions.js';
import { fillTemplate } from '../release/jobs.js';
import { parseServerChoice, parseTimeout } from './args.js';
import type { CliIo } from './io.js';
import { readManifest, type ManifestRead } from './manifest-input.js';
import { terminalLine } from './terminal-text.js';
import { findRepository, listTags, withReader } from './repository.js';
import { configOption, commandServer, type ConfigOption } from './server-option.js';
import { requireTag, tagCommit } from './tag-option.js';
import type { WatchedServer } from './watched-server.js';

/** The options `release check` and `trigger` share, as parseArgs gives them. */
export interface ReleaseValues {
  repo?: string | undefined;
  tag?: string | undefined;
  manifest?: string | undefined;
  config?: string | undefined;
  'snapshot-server'?: string | undefined;
  offline?: boolean | undefined;
  timeout?: string | undefined;
}

/** What is known of a release before its repository is read: every usage error is found by then. */
export interface ReleaseSetup {
  repo: string;
  tag: string;
  /**
   * The defaults, merged with --config: the deployment's settings, as
   * APT_SNAPSHOTS_BOT_CONFIG is the app's. jobs.* come only from here; the
   * repository's rules at the tagged commit's parent merge over the rest.
   */
  given: ConfigOption;
  server: WatchedServer | undefined;
  /** How long a manifest may take to read: --timeout, else the snapshot server's. */
  manifestTimeoutMs: number;
  /**
   * The build manifest to read, and how to name where it was given;
   * `configured`: it comes from the template, not --manifest, so one not
   * published yet is waited for, as the app does, rather than a usage error.
   */
  manifest: { given: string; from: string; configured: boolean } | undefined;
}

/** How messages name a setting of the configuration in hand. */
export function configSetting(field: string, configFile: string | undefined): string {
  return configFile === undefined ? `${field} of the defaults` : `${field} of --config ${configFile}`;
}

/**
 * The options of a release command, checked: the repository, the tag, the
 * configuration, the snapshot server (none with --offline), and the build
 * manifest: --manifest, else jobs.tag-apt-snapshots.manifest_url with the
 * tag and its version filled in.
 * @throws UsageError
 */
export async function releaseSetup(values: ReleaseValues, io: CliIo): Promise<ReleaseSetup> {
  const tag = requireTag(values.tag);
  const repo = await findRepository(values.repo, io);
  const timeoutMs = parseTimeout(values.timeout);
  const given = await configOption(values.config, io.cwd, defaultConfig());
  const { config } = given;
  const choice = parseServerChoice(values['snapshot-server'], values.offline, io.env);
  const server = commandServer(choice, given, values.config, io, timeoutMs);
  const template = config.jobs['tag-apt-snapshots'].manifest_url;
  const manifest =
    values.manifest !== undefined
      ? { given: values.manifest, from: '--manifest', configured: false }
      : template === null
        ? undefined
        : {
            // The version is the tag's: the changelog is not read yet, and the release-tag rule fails a tag that is not its version.
            given: fillTemplate(template, { tag, version: versionOfTag(tag) }),
            from: configSetting('jobs.tag-apt-snapshots.manifest_url', values.config),
            configured: true,
          };
  return {
    repo,
    tag,
    given,
    server,
    manifestTimeoutMs: timeoutMs ?? config.snapshot_server.timeout_ms,
    manifest,
  };
}

export interface ReleaseRun {
  evaluation: ReleaseEvaluation;
  manifest?: ManifestRead;
  /** The configured manifest could not be read (not published yet, most often): why; build-manifest is skipped. */
  manifestUnreadable?: string;
  previous?: ManifestRead;
}

/**
 * Reads the tag, the repository's tags and the manifests, and judges the
 * release: what `release check` reports and what `trigger` requires first.
 * @param previous --previous-manifest, to show what changed since that release
 * @param manifestRequired a configured manifest that cannot be read is an error too (tag-apt-snapshots needs it)
 * @throws ReadError when the tag, --manifest, --previous-manifest, or a required manifest cannot be read;
 * UsageError when --previous-manifest is no manifest
 */
export async function runRelease(
  setup: ReleaseSetup,
  previous: string | undefined,
  now: Date,
  io: CliIo,
  manifestRequired = false,
): Promise<ReleaseRun> {
  const options = { cwd: io.cwd, timeoutMs: setup.manifestTimeoutMs };
  return withReader(setup.repo, io, async (reader, repoDir) => {
    const commit = await tagCommit(repoDir, setup.tag, io);
    const tags = await listTags(repoDir, io);
    let manifest: ManifestRead | undefined;
    let manifestUnreadable: string | undefined;
    try {
      manifest = setup.manifest && (await readManifest(setup.manifest.given, setup.manifest.from, options));
    } catch (error) {
      if (!(error instanceof ReadError) || !setup.manifest?.configured || manifestRequired) throw error;
      manifestUnreadable = error.message;
      io.stderr.write(
        `apt-snapshots-bot: warning: ${terminalLine(error.message)}: build-manifest is skipped, and tag-apt-snapshots waits for it\n`,
      );
    }
    const before = previous === undefined ? undefined : await readManifest(previous, '--previous-manifest', options);
    // Nothing judges it: it is only there to compare with, so one that is not a manifest is unusable input.
    if (before && !before.input.manifest.ok)
      throw new UsageError(`--previous-manifest: ${before.input.manifest.error}`);
    const evaluation = await evaluateRelease({
      reader,
      tag: setup.tag,
      rev: commit,
      tags,
      // As the app: the deployment's file is the base, and a tag does not choose the rules that judge it.
      defaults: setup.given.config,
      ...(manifest ? { manifest: manifest.input } : {}),
      ...(manifestUnreadable === undefined ? {} : { manifestUnavailable: manifestUnreadable }),
      ...(before ? { previous: before.input } : {}),
      ...(manifest?.url === undefined ? {} : { manifestUrl: manifest.url }),
      ...(setup.server ? { server: setup.server } : {}),
      now,
    });
    return {
      evaluation,
      ...(manifest ? { manifest } : {}),
      ...(manifestUnreadable === undefined ? {} : { manifestUnreadable }),
      ...(before ? { previous: before } : {}),
    };
  });
}
