import { resolveRevision } from '../../adapters/git/history.js';
import { applyEdits, WorkTreeError } from '../../adapters/git/work-tree.js';
import { defaultConfig } from '../../config/defaults.js';
import { describeConfigProblem } from '../../config/load.js';
import type { PlanAction } from '../../domain/finding.js';
import { describeFileRead, fileRead, LIMITS, type FileRead } from '../../domain/state.js';
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
  printedHelp,
  requireOption,
  REVISION_OPTIONS,
  serverHelp,
} from '../args.js';
import type { Command } from '../command.js';
import { EXIT, type CliIo } from '../io.js';
import { withReader } from '../repository.js';
import { cliRules } from '../rules-option.js';
import { configOption, snapshotServer } from '../server-option.js';
import { terminalLine, terminalText } from '../terminal-text.js';

const ACTIONS: readonly PlanAction[] = ['thaw', 'freeze', 'bump'];

const OPTIONS = {
  ...REVISION_OPTIONS,
  apply: { type: 'boolean' },
  origin: { type: 'string', multiple: true },
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

export const planCommand: Command = {
  name: 'plan',
  summary: 'show (or commit) the edits that thaw, freeze or bump a branch',
  help: () => `Usage: apt-snapshots-bot plan thaw|freeze|bump --repo DIR --ref REV [--branch NAME]
         [--snapshot-server URL | --offline] [--format text|json] [--apply]
         [--origin ORIGIN]... [--config FILE]

Plans the fix for REV, read from Git objects of the repository DIR:
  thaw    every origin of the sets that thaw to \`latest\`, and active
          freeze-exception pins in the APT preferences to Pin-Priority -1
  freeze  every origin to the newest serial on the snapshot server, except the
          freeze exceptions (debian-security), which stay \`latest\`
  bump    pinned origins to the newest serials, never backwards

  --repo DIR        the Git repository
  --ref REV         the revision to plan from
  --branch NAME     the branch the plan is for (default: the one named in
                    config/base_branch at REV)
${serverHelp(defaultConfig().snapshot_server.url, false)}
                         (freeze and bump need the server; thaw does not)
  --format FORMAT   text (default: title, body and a diff) or json:
                    {"action", "branch", "title", "body", "edits": [{"path", "content"}]}
  --apply           commit the edits on the checked-out branch of the work tree
                    DIR; REV must be its HEAD
  --origin ORIGIN   bump only this origin (repeatable; default: every pinned one)
  --config FILE     the rules, merged over the defaults (default: the
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
    const repo = requireOption(values.repo, '--repo DIR');
    const ref = requireOption(values.ref, '--ref REV');
    const format = parseFormat(values.format);
    const choice = parseServerChoice(values['snapshot-server'], values.offline);
    if (choice.kind === 'offline' && action !== 'thaw') {
      throw new UsageError(`${action} needs the newest serials from the snapshot server: drop --offline`);
    }
    if (values.origin !== undefined && action !== 'bump') throw new UsageError('--origin only applies to plan bump');

    return withReader(repo, io, async (reader, repoDir) => {
      const defaults = defaultConfig();
      // Only the state and the configuration at REV matter here; judging is not.
      const configGiven = await configOption(values.config, io.cwd, defaults);
      const { state, config, rules } = await evaluate({
        reader,
        rev: ref,
        branch: values.branch ?? ref,
        rules: await cliRules(repoDir, ref, { config: configGiven }, io),
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
      const branch = values.branch ?? state.baseBranch.name ?? ref;
      // The server comes from the command line and the defaults, never from the ref: a pushed file must not redirect the CLI,
      // nor tell the release manager to bump Valid-Until on another server than the one the serials came from.
      const server = snapshotServer(choice, defaults);
      const planConfig =
        server === undefined
          ? config
          : { ...config, snapshot_server: { ...config.snapshot_server, url: server.baseUrl } };
      const result = await planAction({ action, state, config: planConfig, server, origins: values.origin });
      if (!result.ok) {
        io.stderr.write(`apt-snapshots-bot plan: ${terminalText(result.error)}\n`);
        return EXIT.failure;
      }
      const { plan } = result;
      if (format === 'json') {
        io.stdout.write(
          `${JSON.stringify({ action: plan.action, branch, title: plan.title, body: plan.body, edits: plan.edits.map((e) => ({ path: e.path, content: e.content })) }, null, 2)}\n`,
        );
      } else {
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
