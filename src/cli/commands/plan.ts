import { gitRepositoryView } from '../../adapters/git/git-repository.js';
import { resolveRevision } from '../../adapters/git/history.js';
import { applyEdits, WorkTreeError } from '../../adapters/git/work-tree.js';
import { defaultConfig } from '../../config/defaults.js';
import { describeConfigProblem } from '../../config/load.js';
import type { PlanAction } from '../../domain/finding.js';
import { branchRole } from '../../domain/branch.js';
import { isVersion } from '../../domain/changelog.js';
import { describeFileRead, fileRead, LIMITS, type FileRead, type RefState } from '../../domain/state.js';
import { unifiedDiff } from '../../domain/text-diff.js';
import { UsageError } from '../../errors.js';
import { describeRules, evaluate } from '../../flow/evaluate.js';
import { planAction } from '../../flow/plan.js';
import type { Edit, Plan } from '../../planners/types.js';
import type { RefReader } from '../../ports/ref-reader.js';
import {
  parseCommandArgs,
  parseFormat,
  parseServerChoice,
  parseTimeout,
  printedHelp,
  REVISION_OPTIONS,
  serverHelp,
} from '../args.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo } from '../io.js';
import { branchOf, findRepository, listRemotes, listTags, withReader, type BranchSource } from '../repository.js';
import { cliLanded, cliRules, rulesJson } from '../rules-option.js';
import { commandServer, configOption } from '../server-option.js';
import { terminalLine, terminalText } from '../terminal-text.js';

const ACTIONS: readonly PlanAction[] = ['thaw', 'freeze', 'bump'];

const OPTIONS = {
  ...REVISION_OPTIONS,
  apply: { type: 'boolean' },
  version: { type: 'string' },
  origin: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  config: { type: 'string' },
} as const;

function parseAction(positionals: string[]): PlanAction {
  const [action, ...extra] = positionals;
  if (action === undefined) throw new UsageError(`an action is required: ${ACTIONS.join(', ')}`);
  if (!(ACTIONS as readonly string[]).includes(action))
    throw new UsageError(`unknown action "${action}"; the actions are ${ACTIONS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  return action as PlanAction;
}

/** The planned files as they are at the ref, to show a diff. */
async function currentFiles(reader: RefReader, ref: string, plan: Plan): Promise<Map<string, FileRead>> {
  const snapshot = await reader.read(ref, {
    files: plan.edits.map((e) => ({ path: e.path, maxBytes: LIMITS.changelogBytes })),
    dirs: [],
  });
  return new Map(plan.edits.map((edit) => [edit.path, fileRead(snapshot.entries.get(edit.path))]));
}

function editDiff(edit: Edit, before: FileRead | undefined): string {
  if (before?.kind === 'text') return unifiedDiff(edit.path, before.text, edit.content);
  const note =
    before === undefined || before.kind === 'missing'
      ? ''
      : `${edit.path} ${describeFileRead(before)}; it becomes a regular file:\n`;
  return `${note}${unifiedDiff(edit.path, undefined, edit.content)}`;
}

/** The title, the body and a diff per file; file contents may hold anything, so control characters are shown escaped. */
export function planText(plan: Plan, branch: string, ref: string, before: ReadonlyMap<string, FileRead>): string {
  if (plan.edits.length === 0)
    return terminalText(
      `Nothing to do: ${terminalLine(branch)} at ${ref} needs no ${plan.action}.\n\n${plan.body.trimEnd()}\n`,
    );
  const diffs = plan.edits.map((edit) => editDiff(edit, before.get(edit.path)));
  return terminalText(`${terminalLine(plan.title)}\n\n${plan.body.trimEnd()}\n\n${diffs.join('')}`);
}

async function applyPlan(
  repoDir: string,
  ref: string,
  plan: Plan,
  io: CliIo,
): Promise<{ ok: true; message: string } | { ok: false; message: string }> {
  const [target, head] = await Promise.all([
    resolveRevision(repoDir, ref, { env: io.env }),
    resolveRevision(repoDir, 'HEAD', { env: io.env }),
  ]);
  if (target !== head) {
    return {
      ok: false,
      message: `--apply commits on the checked-out branch of ${repoDir}, whose HEAD is ${head.slice(0, 10)}, but --ref ${ref} is ${target.slice(0, 10)}: check out ${ref} first, or plan without --apply`,
    };
  }
  try {
    const { commit } = await applyEdits(repoDir, plan.edits, plan.title, { env: io.env });
    return {
      ok: true,
      message:
        commit === null
          ? 'Nothing to commit: the files already hold these contents.'
          : `Committed ${commit.slice(0, 10)}: ${plan.title}`,
    };
  } catch (error) {
    if (error instanceof WorkTreeError) return { ok: false, message: error.message };
    throw error;
  }
}

/** --set NAME…: the sets a bump is limited to, known to the configuration at REV. @throws UsageError listing the sets */
function selectSets(state: RefState, names: readonly string[] | undefined): RefState {
  if (names === undefined) return state;
  const known = state.sets.map((s) => s.config.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new UsageError(
      `--set ${unknown.map((n) => `"${n}"`).join(', ')}: no such snapshot set; the sets are ${known.join(', ')}`,
    );
  return { ...state, sets: state.sets.filter((s) => names.includes(s.config.name)) };
}

/** --version VERSION, the version a freeze is for. @throws UsageError unless it is a Debian version */
function parseVersion(value: string | undefined): string | undefined {
  if (value === undefined || isVersion(value)) return value;
  throw new UsageError(`--version must be a Debian version such as 4.19~rc1, not "${value}"`);
}

const BRANCH_SOURCES: Record<BranchSource, string> = {
  option: 'given by --branch',
  'checked-out': 'the checked-out branch',
  ref: 'the branch --ref names',
};

export const planCommand: Command = {
  name: 'plan',
  summary: 'show (or commit) the edits that thaw, freeze or bump a branch',
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot plan thaw|freeze|bump [--repo DIR] [--ref REV]
         [--branch NAME] [--snapshot-server URL | --offline] [--timeout SECONDS]
         [--format text|json] [--apply] [--version VERSION]
         [--origin ORIGIN]... [--set NAME]... [--config FILE]

Plans the fix for REV, read from Git objects of the repository DIR:
  thaw    every origin of the sets that thaw to \`latest\`, and active
          freeze-exception pins in the APT preferences to Pin-Priority -1
  freeze  every origin to the newest serial on the snapshot server, except the
          freeze exceptions (debian-security), which stay \`latest\`
  bump    pinned origins to the newest serials, never backwards

  --repo DIR         the Git repository (default: the one around the current
                     directory)
  --ref REV          the revision to plan from (default: HEAD)
  --branch NAME      the branch the plan is for (default: the branch REV names:
                     for HEAD the checked-out branch; a commit id, a tag or a
                     detached HEAD needs --branch); a base branch whose
                     config/base_branch names another is planned all the same,
                     with a note on standard error
${serverHelp(defaultConfig().snapshot_server.url, defaultConfig().snapshot_server.timeout_ms)}
                         (freeze and bump need the server; thaw does not)
  --format FORMAT    text (default: title, body and a diff) or json:
                     {"action", "branch", "title", "body", "edits": [{"path", "content"}]}
  --apply            commit the edits on the checked-out branch of the work tree
                     DIR; REV must be its HEAD
  --version VERSION  freeze: the version the freeze is for, in its title
                     (4.19~rc1); by default the top entry of debian/changelog,
                     unless it is already released (not UNRELEASED, or tagged
                     4.19-rc1): then the title names no version
  --origin ORIGIN    bump only this origin (repeatable; default: every pinned
                     one)
  --set NAME         bump only this snapshot set (repeatable; main, builder…;
                     default: every set)
  --config FILE      the rules, merged over the defaults (default: the
                     repository's .github/apt-snapshots.yml of REV's first
                     parent; a topic branch takes its base branch's)

Exit status: 0 planned (an empty plan too), 1 the plan or --apply failed,
2 bad usage or an unreadable repository or revision, 3 the snapshot server
could not answer.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, allowPositionals: true });
    if (printedHelp(values, this, io)) return EXIT.success;
    const action = parseAction(positionals);
    const repo = await findRepository(values.repo, io);
    const ref = values.ref ?? 'HEAD';
    const format = parseFormat(values.format);
    const timeoutMs = parseTimeout(values.timeout);
    const version = parseVersion(values.version);
    const choice = parseServerChoice(values['snapshot-server'], values.offline, io.env);
    if (choice.kind === 'offline' && action !== 'thaw') {
      throw new UsageError(
        choice.source === '--offline'
          ? `${action} needs the newest serials from the snapshot server: drop --offline`
          : `${action} needs the newest serials from the snapshot server, but ${choice.source} is "offline": pass --snapshot-server URL`,
      );
    }
    if (values.origin !== undefined && action !== 'bump') throw new UsageError('--origin only applies to plan bump');
    if (values.set !== undefined && action !== 'bump') throw new UsageError('--set only applies to plan bump');
    if (version !== undefined && action !== 'freeze') throw new UsageError('--version only applies to plan freeze');

    return withReader(repo, io, async (reader, repoDir) => {
      const defaults = defaultConfig();
      const configGiven = await configOption(values.config, io.cwd, defaults);
      const names = { remotes: await listRemotes(repoDir, io), bases: configGiven.config.branches.base };
      const { branch, source } = await branchOf(repoDir, ref, values.branch, '--ref', names, io);
      // Only the state and the configuration matter here; judging is not.
      const { state, config, rules } = await evaluate({
        // Without a verdict to spare, where the branch forked is not asked.
        repository: {
          ...gitRepositoryView(reader, repoDir, { env: io.env }),
          mergeBase: () => Promise.resolve(undefined),
        },
        rev: ref,
        branch,
        rules: await cliRules(repoDir, ref, { config: configGiven, branch }, io),
        ...(await cliLanded(repoDir, configGiven, io)),
        defaults,
        now: new Date(0),
      });
      if (rules.problems.length > 0) {
        io.stderr.write(
          terminalText(
            `apt-snapshots-bot plan: cannot plan with invalid rules, ${describeRules(rules)}:\n${rules.problems.map((p) => `  ${describeConfigProblem(p)}\n`).join('')}`,
          ),
        );
        return EXIT.failure;
      }
      const named = state.baseBranch.name;
      // After a merge, config/base_branch may name the branch merged in: the plan is still for this branch.
      if (named !== undefined && named !== branch && branchRole(branch, config) !== 'topic') {
        io.stderr.write(
          terminalText(
            `apt-snapshots-bot plan: planning for ${branch} (${BRANCH_SOURCES[source]}), though ${state.baseBranch.path} at ${ref} names ${named}; pass --branch ${named} to plan for that one instead\n`,
          ),
        );
      }
      const sets = selectSets(state, values.set);
      // The server comes from the command line, never from the ref: a pushed file must not redirect the CLI,
      // nor tell the release manager to bump Valid-Until on another server than the one the serials came from.
      const server = commandServer(choice, configGiven, values.config, io, timeoutMs);
      const planConfig =
        server === undefined
          ? config
          : { ...config, snapshot_server: { ...config.snapshot_server, url: server.baseUrl } };
      const tags = action === 'freeze' && version === undefined ? new Set(await listTags(repoDir, io)) : undefined;
      const result = await planAction({
        action,
        state: sets,
        config: planConfig,
        server,
        origins: values.origin,
        freeze: { ...(version === undefined ? {} : { version }), ...(tags === undefined ? {} : { tags }) },
      });
      if (!result.ok) {
        io.stderr.write(`apt-snapshots-bot plan: ${terminalText(result.error)}\n`);
        return EXIT.failure;
      }
      const { plan } = result;
      for (const note of plan.notes ?? []) {
        io.stderr.write(
          terminalText(
            `apt-snapshots-bot plan: ${note}${action === 'freeze' ? '; pass --version VERSION to name it' : ''}\n`,
          ),
        );
      }
      if (format === 'json') {
        io.stdout.write(
          `${JSON.stringify({ action: plan.action, branch, title: plan.title, body: plan.body, edits: plan.edits.map((e) => ({ path: e.path, content: e.content })), rules: rulesJson({ rules }) }, null, 2)}\n`,
        );
      } else {
        // Standard output stays the commit message and the diff, for scripts that use it as such.
        io.stderr.write(`apt-snapshots-bot plan: rules: ${terminalLine(describeRules(rules))}\n`);
        io.stdout.write(planText(plan, branch, ref, await currentFiles(reader, ref, plan)));
      }
      if (!values.apply || plan.edits.length === 0) return EXIT.success;
      const applied = await applyPlan(repoDir, ref, plan, io);
      // JSON output keeps its exact shape on stdout; the outcome goes to stderr.
      (applied.ok && format === 'text' ? io.stdout : io.stderr).write(
        `${applied.ok ? '' : 'apt-snapshots-bot plan: '}${applied.message}\n`,
      );
      return applied.ok ? EXIT.success : EXIT.failure;
    });
  },
};
