import type { Config } from '../config/schema.js';
import { branchRole } from '../domain/branch.js';
import { describeForLog, errorMessage } from '../errors.js';
import { evaluate, type EvaluateInput, type Evaluation } from '../flow/evaluate.js';
import type { CheckReport } from '../ports/forge.js';
import { renderFailure } from '../report/check-failure.js';
import type { CheckSubject } from '../report/check-subject.js';
import { renderCheck, type CheckInput } from '../report/check-summary.js';
import type { RepoDeps } from './deps.js';
import { branchRef, type JudgeTarget, type PullRequestTarget, type PushTarget } from './targets.js';

/** A pull request's check has its own name: see checkName. */
const PULL_REQUEST_SUFFIX = ' (pull request)';

/**
 * A push is judged under the branch's own configuration, a pull request
 * under its base's. Were both reported under one name on the same commit,
 * whichever finished last would win, and a pull request that relaxes the
 * rules would pass a required check through its push. So the pull
 * request's check is named apart, and that is the one to require.
 * `config` is the app's own (its defaults), never a judged branch's: a
 * branch that could name its push check would name it after the pull
 * request's check, or after any other check a branch protection requires.
 */
export function checkName(config: Config, kind: JudgeTarget['kind']): string {
  return kind === 'push' ? config.bot.check_name : `${config.bot.check_name}${PULL_REQUEST_SUFFIX}`;
}

export interface Judged {
  subject: CheckSubject;
  evaluation: Evaluation;
  /** Everything renderCheck needs but the notes. */
  input: CheckInput;
}

export interface JudgeOptions {
  /** The changelog is only needed to plan a freeze (its title names the version). */
  changelog?: boolean;
}

/** What the report calls a change request and how it offers fixes, in the forge's words. */
function forgeWords(deps: RepoDeps): Pick<CheckInput, 'changeRequestName' | 'fixesAs'> {
  return { changeRequestName: deps.changeRequestName, fixesAs: deps.fixesAs };
}

function isFixable(deps: RepoDeps, branch: string, fromFork: boolean): boolean {
  // The bot's own branches are fixed by recomputing them, not by a pull request into them.
  return !fromFork && !branch.startsWith(deps.defaults.bot.branch_prefix);
}

/**
 * A topic branch's base is read in the push's first request: its name is
 * only known once the head is read, so every base branch of the app's
 * defaults is read with it. One read of a few small files each costs less
 * than a second round trip.
 */
function baseCandidates(deps: RepoDeps, branch: string): string[] {
  const landed = deps.defaultBranch === branch ? [] : [deps.defaultBranch];
  const bases = branchRole(branch, deps.defaults) === 'topic' ? deps.defaults.branches.base : [];
  return [...new Set([...bases, ...landed])].filter((name) => name !== branch).map(branchRef);
}

/** The default branch, whose rules decide which branches are base branches (see EvaluateInput.landed). */
function landed(deps: RepoDeps): EvaluateInput['landed'] {
  return { branch: deps.defaultBranch, rev: branchRef(deps.defaultBranch) };
}

async function judgePush(deps: RepoDeps, target: PushTarget, changelog: boolean): Promise<Judged> {
  const batch = [target.rev, ...(target.before ? [target.before] : []), ...baseCandidates(deps, target.branch)];
  const evaluation = await evaluate({
    repository: deps.source.open({ batch, checked: target.rev }),
    rev: target.rev,
    branch: target.branch,
    beforeRev: target.before,
    ...(target.rewritten ? { beforeRewritten: true } : {}),
    landed: landed(deps),
    rules: {
      kind: 'before-change',
      ...(target.before ? { rev: target.before } : {}),
      label: 'before',
      ...(target.created === true ? { created: true } : {}),
    },
    defaults: deps.defaults,
    server: deps.server,
    now: deps.now,
    readChangelog: changelog,
  });
  const sha = evaluation.state.commit.sha;
  const subject: CheckSubject = {
    kind: 'push',
    branch: target.branch,
    sha,
    ...(evaluation.before ? { before: evaluation.before.commit.sha } : {}),
    ...(target.created === true ? { created: true } : {}),
  };
  return {
    subject,
    evaluation,
    input: {
      name: checkName(deps.defaults, 'push'),
      subject,
      evaluation,
      repoUrl: deps.repoUrl,
      ...forgeWords(deps),
      fixable: isFixable(deps, target.branch, false),
    },
  };
}

async function judgePullRequest(deps: RepoDeps, target: PullRequestTarget, changelog: boolean): Promise<Judged> {
  const evaluation = await evaluate({
    repository: deps.source.open({ batch: [target.rev, target.baseRev], checked: target.rev }),
    rev: target.rev,
    branch: target.branch,
    baseRev: target.baseRev,
    baseName: target.baseRef,
    compareWithBase: true,
    rules: { kind: 'pull-request-base', rev: target.baseRev },
    defaults: deps.defaults,
    server: deps.server,
    now: deps.now,
    readChangelog: changelog,
  });
  const subject: CheckSubject = {
    kind: 'pull_request',
    number: target.number,
    branch: target.branch,
    sha: evaluation.state.commit.sha,
    baseRef: target.baseRef,
    baseSha: evaluation.rules.rev ?? target.baseSha,
    fromFork: target.fromFork,
  };
  return {
    subject,
    evaluation,
    input: {
      name: checkName(deps.defaults, 'pull_request'),
      subject,
      evaluation,
      repoUrl: deps.repoUrl,
      changeRequestLabel: changeRequestLabel(deps, target.number),
      ...forgeWords(deps),
      fixable: isFixable(deps, target.branch, target.fromFork),
    },
  };
}

/** "pull request #12" on GitHub, "merge request !12" on GitLab. */
export function changeRequestLabel(deps: RepoDeps, number: number): string {
  return `${deps.changeRequestName} ${deps.threadRef({ kind: 'change-request', number })}`;
}

/** Reads and judges a target; the check it would report is in `input`. */
export function judge(deps: RepoDeps, target: JudgeTarget, options: JudgeOptions = {}): Promise<Judged> {
  const changelog = options.changelog ?? false;
  return target.kind === 'push' ? judgePush(deps, target, changelog) : judgePullRequest(deps, target, changelog);
}

/** Creates or updates the check; reports for one commit and name are written one at a time. */
export function publishCheck(deps: RepoDeps, report: CheckReport): Promise<{ id: number; url: string }> {
  return deps.locks.run(`check ${deps.repository} ${report.headSha} ${report.name}`, () =>
    deps.forge.ensureCheck(report),
  );
}

export type CheckOutcome =
  | { ok: true; judged: Judged; check: { id: number; url: string } }
  | { ok: false; error: unknown; check: { id: number; url: string } };

function failedSubject(target: JudgeTarget, sha: string): CheckSubject {
  return target.kind === 'push'
    ? {
        kind: 'push',
        branch: target.branch,
        sha,
        ...(target.before ? { before: target.before } : {}),
        ...(target.created === true ? { created: true } : {}),
      }
    : {
        kind: 'pull_request',
        number: target.number,
        branch: target.branch,
        sha,
        baseRef: target.baseRef,
        baseSha: target.baseSha,
        fromFork: target.fromFork,
      };
}

/**
 * Judges a commit and reports the check; `target.rev` must be the commit's
 * sha, which the webhook gave. When judging
 * fails (GitHub or the snapshot server down, a rate limit), the check says
 * so instead of going missing; only when even that check cannot be written
 * does an error propagate, naming both failures and caused by the write's,
 * so the webhook delivery shows as failed (or, when GitHub no longer has
 * the repository or commit, ends quietly: see app.ts).
 */
export async function checkCommit(deps: RepoDeps, target: JudgeTarget, notes?: string[]): Promise<CheckOutcome> {
  try {
    const judged = await judge(deps, target);
    const check = await publishCheck(deps, renderCheck({ ...judged.input, notes }));
    deps.log.info(
      {
        repository: deps.repository,
        branch: target.branch,
        sha: judged.subject.sha,
        conclusion: judged.evaluation.verdict.conclusion,
      },
      'check reported',
    );
    return { ok: true, judged, check };
  } catch (error) {
    let check: { id: number; url: string };
    try {
      check = await publishCheck(
        deps,
        renderFailure(
          checkName(deps.defaults, target.kind),
          failedSubject(target, target.rev),
          error,
          target.kind === 'pull_request' ? changeRequestLabel(deps, target.number) : undefined,
          deps.rerunHint,
        ),
      );
    } catch (writeError) {
      throw new Error(
        `could not judge (${errorMessage(error)}), nor report it on the check (${errorMessage(writeError)})`,
        { cause: writeError },
      );
    }
    deps.log.warn(
      { repository: deps.repository, branch: target.branch, sha: target.rev, err: describeForLog(error) },
      'could not judge; reported the failure',
    );
    return { ok: false, error, check };
  }
}
