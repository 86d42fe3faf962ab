import { defaultConfig } from '../../config/defaults.js';
import { boundedMatch } from '../../domain/bounded-match.js';
import { parseDebianVersion } from '../../domain/debian-version.js';
import { UsageError } from '../../errors.js';
import { iukSourceVersions, versionOfTag } from '../../release/iuk-source-versions.js';
import { HELP_OPTION, optionHelp, parseCommandArgs, printedHelp } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo } from '../io.js';
import { findRepository, listTags } from '../repository.js';
import { configOption } from '../server-option.js';
import { terminalLine } from '../terminal-text.js';

const OPTIONS = {
  ...HELP_OPTION,
  repo: { type: 'string' },
  config: { type: 'string' },
} as const;

/** VERSION, the one positional argument. @throws UsageError unless it is a Debian version */
function parseVersion(positionals: string[]): string {
  const [version, ...extra] = positionals;
  if (version === undefined) throw new UsageError('VERSION is required: the version an upgrade kit goes to, e.g. 4.20');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${terminalLine(extra[0] ?? '')}"`);
  const parsed = parseDebianVersion(version);
  if (!parsed.ok) throw new UsageError(parsed.error);
  return version;
}

export const iukSourceVersionsCommand: Command = {
  name: 'iuk-source-versions',
  summary: 'print the versions an incremental upgrade kit to VERSION starts from',
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot iuk-source-versions [--repo DIR] [--config FILE]
         VERSION

Prints, on one line and space-separated, what Tails' bin/iuk-source-versions
VERSION prints, the SOURCE_VERSIONS of the build_IUKs job: every release
tagged in the repository DIR (tags matching release.tag_pattern, 4.19-rc1
read as 4.19~rc1) of VERSION's major version and lower than it, oldest first,
without release.iuk.ignore_versions. VERSION may be given as its tag
(4.20-rc1 for 4.20~rc1).

${optionHelp('--repo DIR', 'the Git repository (default: the one around the current directory)')}
${optionHelp('--config FILE', 'release.tag_pattern and release.iuk.ignore_versions, merged over the defaults (default: the defaults: tags belong to no commit whose rules could apply)')}

Exit status: 0 printed (an empty line when there is none), 2 bad usage (VERSION
is not a Debian version) or a repository or --config that cannot be read.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, allowPositionals: true });
    if (printedHelp(values, this, io)) return EXIT.success;
    const given = parseVersion(positionals);
    const repo = await findRepository(values.repo, io);
    const { config } = await configOption(values.config, io.cwd, defaultConfig());
    const pattern = config.release.tag_pattern;
    // A tag (4.20-rc1) would read as a Debian revision of 4.20, above it: it is read as the version it tags.
    const version = given.includes('-') && boundedMatch(pattern, given) === true ? versionOfTag(given) : given;
    if (version !== given)
      io.stderr.write(
        `apt-snapshots-bot iuk-source-versions: reading the tag ${terminalLine(given)} as the version ${terminalLine(version)}\n`,
      );
    const versions = iukSourceVersions(await listTags(repo, io), version, {
      ignore: config.release.iuk.ignore_versions,
      isRelease: (tag) => boundedMatch(pattern, tag) === true,
    });
    io.stdout.write(`${terminalLine(versions.join(' '))}\n`);
    return EXIT.success;
  },
};
