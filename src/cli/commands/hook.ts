import { resolve } from 'node:path';
import { gitRepositoryView } from '../../adapters/git/git-repository.js';
import { defaultConfig } from '../../config/defaults.js';
import type { Finding, PlanAction } from '../../domain/finding.js';
import { UsageError } from '../../errors.js';
import {
  describeRules,
  evaluate,
  rulesProblemFindings,
  type Evaluation,
  type RulesInput,
} from '../../flow/evaluate.js';
import type { RefReader } from '../../ports/ref-reader.js';
import type { SnapshotServer } from '../../ports/snapshot-server.js';
import {
  HELP_OPTION,
  parseCommandArgs,
  parseNow,
  parseServerChoice,
  parseTimeout,
  printedHelp,
  SERVER_OPTIONS,
  serverHelp,
} from '../args.js';
import type { Command } from '../command.js';
import { countBySeverity, formatFinding } from '../findings-text.js';
import { branchUpdates, isZeroId, parseRefUpdates, type RefUpdate } from '../hook/ref-updates.js';
import { changedPaths, pushVerdict } from '../hook/push-verdict.js';
import { EXIT, readAll, type CliIo } from '../io.js';
import { branchName, withReader } from '../repository.js';
import { configOption, commandServer, type ConfigOption } from '../server-option.js';
import { cliLanded } from '../rules-option.js';
import { paint, styleFor, type Style } from '../style.js';
import { terminalLine } from '../terminal-text.js';

const HOOKS = ['pre-receive', 'post-receive'] as const;
type Hook = (typeof HOOKS)[number];

const OPTIONS = {
  ...HELP_OPTION,
  ...SERVER_OPTIONS,
  quiet: { type: 'boolean', short: 'q' },
  now: { type: 'string' },
  config: { type: 'string' },
} as const;

interface Judge {
  reader: RefReader;
  repoDir: string;
  env: NodeJS.ProcessEnv;
  server?: SnapshotServer;
  now: Date;
  config: ConfigOption;
  /** The server repository's default branch (its HEAD): see EvaluateInput.landed. */
  landed?: { branch: string; rev: string };
}

/**
 * Judges `rev` as `branch`; `rules` defaults to those of the commit before
 * the push (OLD) for a base branch, a topic branch's base branch's: never
 * the pushed commits' own, which could relax the rules that judge them.
 */
function judgeRev(
  judge: Judge,
  rev: string,
  branch: string,
  options: { beforeRev?: string; rules?: RulesInput; created?: boolean } = {},
): Promise<Evaluation> {
  const { beforeRev } = options;
  return evaluate({
    // Inside the server's repository the base branch is refs/heads/NAME, as pushed before.
    repository: gitRepositoryView(judge.reader, judge.repoDir, { env: judge.env }),
    rev,
    branch,
    ...(beforeRev === undefined ? {} : { beforeRev }),
    ...(judge.landed ? { landed: judge.landed } : {}),
    rules: options.rules ??
      judge.config.rules ?? {
        kind: 'before-change',
        ...(beforeRev === undefined ? {} : { rev: beforeRev }),
        label: 'before',
        ...(options.created === true ? { created: true } : {}),
      },
    defaults: defaultConfig(),
    server: judge.server,
    now: judge.now,
  });
}

function range(update: RefUpdate): string {
  return isZeroId(update.old)
    ? `new branch at ${update.new.slice(0, 10)}`
    : `${update.old.slice(0, 10)}..${update.new.slice(0, 10)}`;
}

interface Show {
  style: Style;
  /** Errors only: the pusher sees warnings and notices nowhere else, so they are shown unless asked not to. */
  quiet: boolean;
}

/** @returns whether the push to this branch is rejected */
async function preReceive(
  judge: Judge,
  update: RefUpdate & { branch: string },
  io: CliIo,
  show: Show,
): Promise<boolean> {
  const isNew = isZeroId(update.old);
  const after = await judgeRev(judge, update.new, update.branch, isNew ? { created: true } : { beforeRev: update.old });
  // OLD under the rules that judged NEW: what was already wrong is told apart by the same rules.
  const before = isNew
    ? undefined
    : await judgeRev(judge, update.old, update.branch, { rules: { kind: 'same-as', evaluation: after } });
  const verdict = pushVerdict(
    after.verdict.findings,
    before && { findings: before.verdict.findings, changed: changedPaths(before.state, after.state) },
    rulesProblemFindings(after.rules),
  );
  const others = show.quiet ? [] : after.verdict.findings.filter((f) => f.severity !== 'error');
  const format = (f: Finding) => formatFinding(f, '  ', show.style);
  const lines: string[] = [];
  if (verdict.blocking.length > 0) {
    lines.push(
      `apt-snapshots-bot: rejecting the push to ${update.branch} (${range(update)}): it would bring ${verdict.blocking.length} error(s):`,
      ...verdict.blocking.map(format),
    );
  } else if (!show.quiet) {
    lines.push(`apt-snapshots-bot: ${update.branch} (${range(update)}): no new error`);
  }
  if (verdict.preexisting.length > 0) {
    lines.push(
      `Already wrong before this push, in files it does not change (not blocking):`,
      ...verdict.preexisting.map(format),
    );
  }
  if (verdict.rulesProblems.length > 0) {
    lines.push(
      `The rules that judged this push are invalid (not blocking: a push repairs them, and they take effect once landed):`,
      ...verdict.rulesProblems.map(format),
    );
  }
  if (others.length > 0) lines.push('Also:', ...others.map(format));
  if (lines.length > 0) lines.push(`Rules: ${terminalLine(describeRules(after.rules))}`);
  if (lines.length > 0) io.stderr.write(`${lines.join('\n')}\n`);
  return verdict.blocking.length > 0;
}

/** What the GitHub App would do for this state: the planners its findings name. */
export function wouldDo(branch: string, findings: readonly Finding[]): string[] {
  const fixes = new Map<PlanAction, Finding>();
  for (const finding of findings) if (finding.fix && !fixes.has(finding.fix)) fixes.set(finding.fix, finding);
  const lines = [...fixes].map(
    ([action, finding]) => `${branch}: ${finding.message.replace(/\.$/, '')}: would open a ${action} pull request`,
  );
  const errors = findings.filter((f) => f.severity === 'error' && !f.fix);
  if (errors.length > 0)
    lines.push(
      `${branch}: would report ${errors.length} error(s) that no planner fixes, e.g. ${(errors[0] as Finding).path}: ${(errors[0] as Finding).message}`,
    );
  return lines.length > 0 ? lines.map(terminalLine) : [`${branch}: nothing to do`];
}

async function postReceive(
  judge: Judge,
  update: RefUpdate & { branch: string },
  io: CliIo,
  style: Style,
): Promise<void> {
  const after = await judgeRev(judge, update.new, update.branch, isZeroId(update.old) ? {} : { beforeRev: update.old });
  const { conclusion, findings } = after.verdict;
  io.stdout.write(
    `apt-snapshots-bot: ${update.branch} (${range(update)}): ${paint(style, conclusion, conclusion)} (${countBySeverity(findings)})\n${wouldDo(
      update.branch,
      findings,
    )
      .map((l) => `  ${l}\n`)
      .join('')}  Rules: ${terminalLine(describeRules(after.rules))}\n`,
  );
}

/**
 * The branch a pushed ref updates, as normalizeBranchName makes it; `Devel`
 * beside a base branch devel is refused, since judging it as a topic branch
 * would let a push that looks like devel's pass unjudged.
 */
function pushedBranch(update: RefUpdate, bases: readonly string[]): string {
  return branchName(update.ref, `the pushed branch ${update.ref}`, { remotes: [], bases });
}

export const hookCommand: Command = {
  name: 'hook',
  summary: 'judge pushes as a Git server hook (pre-receive, post-receive)',
  options: OPTIONS,
  help: () => `Usage: apt-snapshots-bot hook pre-receive|post-receive
         [--snapshot-server URL | --offline] [--timeout SECONDS] [--quiet]
         [--config FILE] [--now ISO-DATE]

Runs as a Git server hook (gitolite, a plain bare repository), in the
repository Git runs it for ($GIT_DIR). Reads "OLD NEW REF" lines on standard
input; judges every pushed branch (refs/heads/*; tags and deletions are
ignored) at NEW as that branch, against its state at OLD.

  pre-receive    rejects the push (exit 1) when a branch would have an error
                 that was not there before the push, or an error in a file the
                 push changes; errors that were already there in files it does
                 not touch are shown but do not block. A new branch is
                 rejected for any error, and a branch whose name differs from
                 a base branch only in letter case (Devel) for that alone.
                 Findings go to standard error, which git shows to the pusher.
  post-receive   prints what the bot would do (open a thaw pull request...).

${serverHelp('offline (no expiry check)', defaultConfig().snapshot_server.timeout_ms)}
                         With a server, snapshot expiry is checked too: a
                         lookup the server does not answer is shown, never a
                         rejection; a snapshot it says it does not have (404)
                         counts as expired
  --config FILE          the rules, merged over the defaults (default: the
                         repository's .github/apt-snapshots.yml at OLD; for a
                         new branch, the default branch's (a topic branch:
                         its base branch's); never the pushed
                         commits' own, whose changes are shown and take effect
                         once they have landed)
  -q, --quiet            pre-receive: show errors only, and nothing for a push
                         that brings none
  --now ISO-DATE         judge snapshot expiry as of this time (default: now)

Install, e.g. in hooks/pre-receive:
  #!/bin/sh
  exec apt-snapshots-bot hook pre-receive

Exit status: 0 accepted, 1 rejected, 2 bad usage or an unreadable repository.
`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs({ args, options: OPTIONS, allowPositionals: true });
    if (printedHelp(values, this, io)) return EXIT.success;
    const [hook, ...extra] = positionals;
    if (hook === undefined || !(HOOKS as readonly string[]).includes(hook))
      throw new UsageError(`the hook must be one of ${HOOKS.join(', ')}${hook === undefined ? '' : `, not "${hook}"`}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const gitDir = io.env.GIT_DIR;
    if (gitDir === undefined || gitDir === '')
      throw new UsageError('GIT_DIR is not set: run this as a hook of a Git repository');
    const repoDir = resolve(io.cwd, gitDir);
    // The quarantine variables git sets stay; GIT_DIR becomes absolute since git runs in repoDir.
    const env = { ...io.env, GIT_DIR: repoDir };
    const config = await configOption(values.config, io.cwd, defaultConfig());
    // Offline unless asked: a push must not wait on a server by default.
    const choice = parseServerChoice(values['snapshot-server'], values.offline, io.env, 'offline');
    const server = commandServer(choice, config, values.config, io, parseTimeout(values.timeout));
    const updates = branchUpdates(parseRefUpdates(await readAll(io.stdin)));
    const now = parseNow(values.now);
    const show = { style: styleFor(io.stderr, io.env), quiet: values.quiet ?? false };

    return withReader(repoDir, { ...io, env }, async (reader) => {
      const judge: Judge = {
        reader,
        repoDir,
        env,
        server,
        now,
        config,
        ...(await cliLanded(repoDir, config, { env })),
      };
      let rejected = false;
      for (const update of updates) {
        let branch: string;
        try {
          branch = pushedBranch(update, config.config.branches.base);
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          const line = `apt-snapshots-bot: ${(hook as Hook) === 'pre-receive' ? 'rejecting the push' : 'not judging the push'}: ${error.message}`;
          ((hook as Hook) === 'pre-receive' ? io.stderr : io.stdout).write(`${terminalLine(line)}\n`);
          rejected = true;
          continue;
        }
        const named = { ...update, branch };
        if ((hook as Hook) === 'pre-receive') rejected = (await preReceive(judge, named, io, show)) || rejected;
        else await postReceive(judge, named, io, styleFor(io.stdout, io.env));
      }
      return rejected && (hook as Hook) === 'pre-receive' ? EXIT.failure : EXIT.success;
    });
  },
};
