import { configFieldChanges, describeFieldChange, type FieldChange } from '../config/diff.js';
import { applyConfigOverride, describeConfigProblem, REPO_CONFIG_PATH, type ConfigProblem } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { branchRole, isBaseBranch, PortPatternTimeoutError, type BranchRole } from '../domain/branch.js';
import { confusableBase } from '../domain/branch-name.js';
import { compareFindings, type Finding } from '../domain/finding.js';
import { printable } from '../domain/serial.js';
import {
  describeFileRead,
  fileRead,
  interpretRef,
  LIMITS,
  readSpec,
  type FileRead,
  type RefState,
} from '../domain/state.js';
import type { ReadSpec } from '../domain/tree.js';
import { MissingRevisionError } from '../errors.js';
import type { RefReader } from '../ports/ref-reader.js';
import type { RepositoryView } from '../ports/repository.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import { conclude, judge, type Verdict } from '../rules/judge.js';
import type { ServerFacts } from '../rules/types.js';
import { gatherFacts } from './server-facts.js';

/**
 * Where the rules that judge a commit come from. Never from the commit
 * itself: a change that edits `.github/apt-snapshots.yml` would otherwise
 * relax the rules that judge it.
 */
export type RulesInput =
  /** `--config FILE`: the user's own file, merged over the defaults. */
  | { kind: 'file'; text: string; file: string }
  /**
   * The rules of the commit before the change (a push's `before`, a hook's
   * OLD, the parent of a commit judged alone), for a branch that is a base
   * branch under the landed rules (see EvaluateInput.landed); a topic branch
   * takes its base branch's. Without `rev`, the judged commit's first parent
   * (a new branch, a branch judged on request); a root commit has none.
   */
  /**
   * `created`: a push created the branch, so no commit before it is outside
   * the push (its parent may be one of the pushed commits): the landed
   * rules stand in for the rules before it.
   */
  | { kind: 'before-change'; rev?: string; label: 'before' | 'parent'; created?: true }
  /** A pull request: its base's rules, whatever the head's file says. */
  | { kind: 'pull-request-base'; rev: string }
  /** The rules another evaluation used: the hook judges OLD as NEW was judged, to tell what was already wrong. */
  | { kind: 'same-as'; evaluation: Pick<Evaluation, 'config' | 'rules'> };

export type RulesOrigin = 'file' | 'before' | 'parent' | 'base' | 'default-branch' | 'pull-request-base' | 'defaults';

/** Which rules file judged the commit, and at which revision: every output says so. */
export interface RulesUsed {
  origin: RulesOrigin;
  /** The repository's rules file, or `--config`'s path. */
  path: string;
  /** The commit the file was read at; absent for `--config` and for the defaults. */
  rev?: string;
  /** The file as it was there (`missing`: the defaults judged). */
  file: FileRead;
  /** What is wrong with that file; the defaults judged instead. */
  problems: ConfigProblem[];
}

/** The judged commit's own rules file, when it differs from the rules that judged it. */
export interface RulesChange {
  path: string;
  /** The file of the rules that judged the commit. */
  before: FileRead;
  /** The file at the commit. */
  after: FileRead;
  /** What the effective rules would become, field by field (empty when the new file is invalid). */
  fields: FieldChange[];
  /** What is wrong with the new file. */
  problems: ConfigProblem[];
}

export interface EvaluateInput {
  /**
   * Where the revisions are read, branches found and fork points asked
   * (readOnlyView when there is nothing to compare with).
   */
  repository: RepositoryView;
  rev: string;
  /** The branch `rev` is judged as, already a branch name (see normalizeBranchName). */
  branch: string;
  /** The base state's revision; when absent, the branch config/base_branch names is looked up in `repository`. */
  baseRev?: string;
  /** What `baseRev` was given as (a pull request's base, `--base-ref`), to name it in findings. */
  baseName?: string;
  /** Compare with the base whatever the judged branch's role: a pull request lands on its base. */
  compareWithBase?: boolean;
  /**
   * The repository's default branch, whose rules no topic branch can have
   * written: they decide which branches are base branches, and judge a
   * topic branch whose base cannot be found. Absent: the defaults decide.
   */
  landed?: { branch: string; rev: string };
  /** The revision before a push, to compare serials with. */
  beforeRev?: string;
  /** The push rewrote history (a force push): a topic branch is not compared with `beforeRev`. */
  beforeRewritten?: boolean;
  rules: RulesInput;
  defaults: Config;
  /** Absent: offline, rules that need the server are skipped. */
  server?: SnapshotServer;
  now: Date;
  /** The changelog is only needed for freezes and releases; the audit skips it. */
  readChangelog?: boolean;
}

export interface Evaluation {
  config: Config;
  rules: RulesUsed;
  rulesChange?: RulesChange;
  state: RefState;
  base?: { branch: string; rev: string; state: RefState; forkRev?: string; forkPoint?: RefState };
  before?: RefState;
  facts?: ServerFacts;
  verdict: Verdict;
}

export const CONFIG_RULE = 'config';
export const BASE_STATE_RULE = 'base-state';
export const RULES_CHANGE_RULE = 'rules-change';
export const BRANCH_NAME_RULE = 'branch-name';

interface Resolved {
  config: Config;
  rules: RulesUsed;
}

function configOf(defaults: Config, file: FileRead, path: string): { config: Config; problems: ConfigProblem[] } {
  if (file.kind === 'missing') return { config: defaults, problems: [] };
  if (file.kind !== 'text')
    return { config: defaults, problems: [{ file: path, field: '', message: describeFileRead(file) }] };
  const result = applyConfigOverride(defaults, file.text, path);
  // An invalid file is reported as an error finding; judging under the
  // defaults meanwhile still shows the reviewer everything else.
  return result.ok ? { config: result.config, problems: [] } : { config: defaults, problems: result.problems };
}

/**
 * A port_pattern that backtracks for ever on the judged branch makes the
 * configuration unusable for it: like an invalid file, it is an error on that
 * file and the defaults judge meanwhile.
 */
function roleUnder(resolved: Resolved, defaults: Config, branch: string): { resolved: Resolved; role: BranchRole } {
  try {
    return { resolved, role: branchRole(branch, resolved.config) };
  } catch (error) {
    if (!(error instanceof PortPatternTimeoutError)) throw error;
    const problem = {
      file: resolved.rules.path,
      field: 'branches.port_pattern',
      message: error.message.replace(/^branches\.port_pattern /, ''),
    };
    return {
      resolved: { config: defaults, rules: { ...resolved.rules, problems: [...resolved.rules.problems, problem] } },
      role: branchRole(branch, defaults),
    };
  }
}

function sameLayout(a: Config, b: Config): boolean {
  return (
    JSON.stringify([a.paths, a.snapshot_sets.map((s) => s.dir)]) ===
    JSON.stringify([b.paths, b.snapshot_sets.map((s) => s.dir)])
  );
}

function sameFile(a: FileRead, b: FileRead): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const RULES_SPEC: ReadSpec = { files: [{ path: REPO_CONFIG_PATH, maxBytes: LIMITS.configBytes }], dirs: [] };

/** Reads what the flow needs of other refs than the judged one, once each, without the changelog. */
class Reads {
  private readonly cache = new Map<string, Promise<RefState>>();

  constructor(
    private readonly reader: RefReader,
    private readonly defaults: Config,
  ) {}

  state(rev: string, config: Config): Promise<RefState> {
    // States under the defaults' layout are shared; another layout is read apart.
    const key = sameLayout(config, this.defaults) ? rev : `${rev}\0${JSON.stringify(config.paths)}`;
    let state = this.cache.get(key);
    if (!state) {
      state = this.reader
        .read(rev, readSpec(config, { changelog: false }))
        .then((snapshot) => interpretRef(snapshot, config));
      this.cache.set(key, state);
    }
    return state;
  }

  /**
   * The rules at `rev`. `stateToo`: the caller reads the whole state of
   * `rev` anyway (a base, the state before a push), so it is read once for
   * both; otherwise only the rules file is (an audit asks it of every
   * commit's parent).
   */
  async rulesAt(rev: string, origin: RulesOrigin, stateToo = false): Promise<Resolved> {
    let file: FileRead;
    let sha: string;
    if (stateToo) {
      const state = await this.state(rev, this.defaults);
      ({ file } = state.configFile);
      sha = state.commit.sha;
    } else {
      const snapshot = await this.reader.read(rev, RULES_SPEC);
      file = fileRead(snapshot.entries.get(REPO_CONFIG_PATH));
      sha = snapshot.commit.sha;
    }
    const { config, problems } = configOf(this.defaults, file, REPO_CONFIG_PATH);
    return { config, rules: { origin, path: REPO_CONFIG_PATH, rev: sha, file, problems } };
  }
}

/** `--config FILE`, merged over the defaults; its problems are the user's to fix, the defaults judge meanwhile. */
function fileRules(wanted: Extract<RulesInput, { kind: 'file' }>, defaults: Config): Resolved {
  const result = applyConfigOverride(defaults, wanted.text, wanted.file, { trusted: true });
  return {
    config: result.ok ? result.config : defaults,
    rules: {
      origin: 'file',
      path: wanted.file,
      file: { kind: 'text', text: wanted.text },
      problems: result.ok ? [] : result.problems,
    },
  };
}

/**
 * The rules of a commit judged alone, with no branch (a release tag):
 * `--config`, else those of the commit before it, else the defaults. The
 * invalid file's problems come with it, for the caller to report.
 */
export async function rulesOfCommit(
  reader: RefReader,
  wanted: Extract<RulesInput, { kind: 'file' | 'before-change' }>,
  defaults: Config,
): Promise<{ config: Config; rules: RulesUsed }> {
  if (wanted.kind === 'file') return fileRules(wanted, defaults);
  if (wanted.rev === undefined) return defaultsUsed(defaults);
  return new Reads(reader, defaults).rulesAt(wanted.rev, wanted.label);
}

function defaultsUsed(defaults: Config): Resolved {
  return {
    config: defaults,
    rules: { origin: 'defaults', path: REPO_CONFIG_PATH, file: { kind: 'missing' }, problems: [] },
  };
}

interface RulesChoice extends Resolved {
  role: BranchRole;
  /** The base branch whose rules judge a topic branch, when choosing the rules found it. */
  base?: { name: string; rev: string };
  /** The rules file of the commit before the change, when there is one. */
  beforeFile?: FileRead;
  /** The default branch is unknown, and the rules before the change would have made the branch a base branch. */
  baseOnlyByItsOwnRules?: boolean;
}

/** The head as first read, under the defaults' layout. */
interface Head {
  state: RefState;
  /** Reads the head's base branch name under another layout (a second read only when it differs). */
  baseNameUnder(config: Config): Promise<string | undefined>;
}

/**
 * The landed rules: the default branch's; for a push to the default branch
 * itself, those before the push. Undefined when there is no default branch
 * to read (a repository that lacks it, a clone that does not know it).
 */
async function landedRules(
  input: EvaluateInput,
  reads: Reads,
  before: Resolved | undefined,
): Promise<Resolved | undefined> {
  const { landed } = input;
  if (landed === undefined) return undefined;
  if (landed.branch === input.branch) return before;
  return rulesIfThere(reads, landed.rev, 'default-branch', true);
}

/** The rules at `rev`, or undefined for none or one the repository lacks (a parent a shallow clone cut off). */
async function rulesIfThere(
  reads: Reads,
  rev: string | undefined,
  origin: RulesOrigin,
  stateToo: boolean,
): Promise<Resolved | undefined> {
  if (rev === undefined) return undefined;
  try {
    return await reads.rulesAt(rev, origin, stateToo);
  } catch (error) {
    if (error instanceof MissingRevisionError) return undefined;
    throw error;
  }
}

/**
 * Which rules judge the commit. Whether the branch is a base branch is
 * decided under rules it cannot have written: the default branch's (for a
 * push to the default branch itself, those before the push). A base branch
 * is judged under its own rules from before the change; a topic branch under
 * its base branch's, the one its config/base_branch names when the landed
 * rules call it a base branch, else under the landed rules themselves:
 * never under a file only the topic branch carries.
 */
async function chooseRules(
  input: EvaluateInput,
  reads: Reads,
  head: Head,
  findBase: (name: string) => Promise<string | undefined>,
): Promise<RulesChoice> {
  const { rules: wanted, defaults, branch } = input;
  if (wanted.kind === 'file') {
    const judged = roleUnder(fileRules(wanted, defaults), defaults, branch);
    return { ...judged.resolved, role: judged.role };
  }
  if (wanted.kind === 'pull-request-base') {
    const { resolved, role } = roleUnder(await reads.rulesAt(wanted.rev, wanted.kind, true), defaults, branch);
    return { ...resolved, role };
  }
  if (wanted.kind === 'same-as') {
    const { resolved, role } = roleUnder({ ...wanted.evaluation }, defaults, branch);
    return { ...resolved, role };
  }

  const newBranch = wanted.rev === undefined && wanted.created === true;
  const before = newBranch
    ? await landedRules(input, reads, undefined)
    : wanted.rev === undefined
      ? await rulesIfThere(reads, head.state.commit.parents[0], 'parent', false)
      : input.beforeRewritten === true
        ? // A force push's before may be gone already.
          await rulesIfThere(reads, wanted.rev, wanted.label, wanted.rev === input.beforeRev)
        : await reads.rulesAt(wanted.rev, wanted.label, wanted.rev === input.beforeRev);
  const extra = before ? { beforeFile: before.rules.file } : {};
  const landed = newBranch ? before : await landedRules(input, reads, before);
  const underLanded = roleUnder(landed ?? defaultsUsed(defaults), defaults, branch);
  // Which branches are base branches is the landed rules' to say, whatever other rules judge the rest.
  const landedBranches = (resolved: Resolved): Resolved => ({
    ...resolved,
    config: { ...resolved.config, branches: underLanded.resolved.config.branches },
  });
  if (underLanded.role !== 'topic') {
    const { resolved, role } = roleUnder(before ?? underLanded.resolved, defaults, branch);
    // Without a default branch to read, only the branch's own rules from before the change can say more.
    if (landed === undefined) return { ...resolved, role, ...extra };
    return { ...landedBranches(resolved), role: underLanded.role, ...extra };
  }
  const baseName = await head.baseNameUnder(underLanded.resolved.config);
  if (baseName !== undefined && baseName !== branch && isBaseBranch(baseName, underLanded.resolved.config)) {
    const baseRev = await findBase(baseName);
    if (baseRev !== undefined) {
      const base = roleUnder(await reads.rulesAt(baseRev, 'base', true), defaults, branch);
      return {
        ...landedBranches(base.resolved),
        role: 'topic',
        base: { name: input.baseName ?? baseName, rev: baseRev },
        ...extra,
      };
    }
  }
  const unconfirmed =
    input.landed?.branch !== branch &&
    landed === undefined &&
    before !== undefined &&
    roleUnder(before, defaults, branch).role !== 'topic';
  return { ...underLanded.resolved, role: 'topic', ...extra, ...(unconfirmed ? { baseOnlyByItsOwnRules: true } : {}) };
}

/**
 * The commit's own rules file, when it differs from the rules that judged it
 * and the change made it so (a file the base moved on is not this commit's
 * doing when the commit before the change had the same).
 */
function rulesChangeOf(
  choice: RulesChoice,
  state: RefState,
  defaults: Config,
  forkPoint: RefState | undefined,
): RulesChange | undefined {
  if (choice.rules.origin === 'file') return undefined;
  const after = state.configFile.file;
  if (sameFile(after, choice.rules.file)) return undefined;
  if (choice.beforeFile && sameFile(after, choice.beforeFile)) return undefined;
  // The base moved on since the head forked, and the head still has the file it forked with.
  if (forkPoint && sameFile(after, forkPoint.configFile.file)) return undefined;
  const next = configOf(defaults, after, state.configFile.path);
  const fields = next.problems.length > 0 ? [] : configFieldChanges(choice.config, next.config);
  return { path: state.configFile.path, before: choice.rules.file, after, fields, problems: next.problems };
}

const SHOWN_FIELDS = 5;

/** Where the rules came from, in words: "… at 93265cf (the commit before the push)". */
export function describeRules(rules: RulesUsed): string {
  const at = rules.rev === undefined ? '' : ` at ${rules.rev.slice(0, 7)}`;
  const why: Record<RulesOrigin, string> = {
    file: 'given with --config',
    before: 'the commit before the push',
    parent: 'the parent of the judged commit',
    base: 'the base branch',
    'default-branch': 'the default branch',
    'pull-request-base': "the pull request's base",
    defaults: 'nothing came before this commit',
  };
  if (rules.origin === 'defaults') return `the defaults (${why.defaults})`;
  if (rules.origin === 'file') return `${rules.path} (${why.file})`;
  const file = rules.file.kind === 'missing' ? `the defaults (no ${rules.path}${at})` : `${rules.path}${at}`;
  return `${file} (${why[rules.origin]})`;
}

/** An invalid rules file is an error on it; the defaults judged meanwhile. */
export function rulesProblemFindings(rules: RulesUsed): Finding[] {
  return rules.problems.map((p): Finding => ({
    rule: CONFIG_RULE,
    severity: 'error',
    path: p.file,
    message: `invalid configuration${rules.rev ? ` at ${rules.rev.slice(0, 7)}` : ''}: ${describeConfigProblem(p)}; judged with the default rules meanwhile`,
    hint: 'Fix the configuration file; see the README for every field.',
  }));
}

function flowFindings(choice: RulesChoice, change: RulesChange | undefined, branch: string): Finding[] {
  const findings = rulesProblemFindings(choice.rules);
  if (change) {
    const shown = change.fields.slice(0, SHOWN_FIELDS).map(describeFieldChange);
    const more = change.fields.length - shown.length;
    const what =
      change.problems.length > 0
        ? ''
        : change.fields.length === 0
          ? ' It changes no setting.'
          : ` It changes ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`;
    findings.push({
      rule: RULES_CHANGE_RULE,
      severity: 'notice',
      path: change.path,
      message: `This change edits the rules: ${change.path} at this commit differs from the rules that judge it, ${describeRules(choice.rules)}. Its rules take effect once it has landed, never on itself.${what}`,
      hint: 'Review the new rules: once this lands on a base branch, they judge the changes that come after it.',
    });
    for (const p of change.problems) {
      findings.push({
        rule: CONFIG_RULE,
        severity: 'error',
        path: p.file,
        message: `the rules file at this commit is invalid: ${describeConfigProblem(p)}; once landed, the default rules would judge instead`,
        hint: 'Fix the configuration file; see the README for every field.',
      });
    }
  }
  const confusable = confusableBase(branch, choice.config.branches.base);
  if (confusable !== undefined) {
    findings.push({
      rule: BRANCH_NAME_RULE,
      severity: 'error',
      path: choice.config.paths.base_branch,
      message: `The branch "${printable(branch)}" only looks like the base branch ${confusable} (letter case or invisible characters): Git branch names are exact, so it is not judged as ${confusable}, and on a case-insensitive file system the two may clash.`,
      hint: `Rename the branch, or judge it as ${confusable} if that was meant.`,
    });
  }
  return findings;
}

/** The base branch to compare a topic branch (or a pull request) with: its name, and its revision when found. */
async function baseToCompare(
  input: EvaluateInput,
  choice: RulesChoice,
  state: RefState,
  findBase: (name: string) => Promise<string | undefined>,
): Promise<{ name: string; rev?: string } | undefined> {
  const compare = input.compareWithBase === true;
  if (choice.role !== 'topic' && !compare) return undefined;
  if (choice.base) return choice.base;
  const named = state.baseBranch.name;
  if (input.baseRev !== undefined) return { name: input.baseName ?? named ?? input.baseRev, rev: input.baseRev };
  if (named === undefined || (named === input.branch && !compare)) return undefined;
  return { name: named, rev: await findBase(named) };
}

/** Read, then judge: the one flow every entry point goes through. */
export async function evaluate(input: EvaluateInput): Promise<Evaluation> {
  const readChangelog = input.readChangelog ?? true;
  const reads = new Reads(input.repository, input.defaults);
  const headSnapshot = await input.repository.read(input.rev, readSpec(input.defaults, { changelog: readChangelog }));
  const headFirst = interpretRef(headSnapshot, input.defaults);
  const head: Head = {
    state: headFirst,
    baseNameUnder: async (config) =>
      sameLayout(config, input.defaults)
        ? headFirst.baseBranch.name
        : (await reads.state(input.rev, config)).baseBranch.name,
  };

  const lookups = new Map<string, Promise<string | undefined>>();
  const findBase = (name: string): Promise<string | undefined> => {
    if (input.baseRev !== undefined) return Promise.resolve(input.baseRev);
    let found = lookups.get(name);
    if (!found) {
      found = input.repository.branch(name);
      lookups.set(name, found);
    }
    return found;
  };
  const choice = await chooseRules(input, reads, head, findBase);
  const { config } = choice;
  // Only a configuration that moves the files we read costs a second read.
  const state = sameLayout(config, input.defaults)
    ? interpretRef(headSnapshot, config)
    : interpretRef(await input.repository.read(input.rev, readSpec(config, { changelog: readChangelog })), config);

  let base: Evaluation['base'];
  const notices: Finding[] = [];
  const compared = await baseToCompare(input, choice, state, findBase);
  if (compared?.rev !== undefined) {
    const baseState = await reads.state(compared.rev, config);
    const forkRev = await input.repository.mergeBase({
      base: compared.rev,
      head: input.rev,
      states: { head: state, base: baseState },
    });
    const fork = forkRev === undefined ? {} : { forkRev, forkPoint: await reads.state(forkRev, config) };
    base = { branch: compared.name, rev: compared.rev, state: baseState, ...fork };
  } else if (compared) {
    notices.push({
      rule: BASE_STATE_RULE,
      severity: 'notice',
      path: state.baseBranch.path,
      message: `the base branch "${compared.name}" was not found, so serials were not compared with it`,
      hint: `Fetch "${compared.name}" (or pass its revision) to compare with it.`,
    });
  }
  if (choice.baseOnlyByItsOwnRules) {
    notices.push({
      rule: BASE_STATE_RULE,
      severity: 'notice',
      path: REPO_CONFIG_PATH,
      message: `${printable(input.branch)} is judged as a topic branch: the repository's default branch was not found, so the defaults decided which branches are base branches, and only rules the branch itself carries call it one`,
      hint: 'Fetch the default branch (git remote set-head origin --auto), so that its rules decide.',
    });
  }
  const compareBefore = input.beforeRev !== undefined && !(input.beforeRewritten === true && choice.role === 'topic');
  const before = compareBefore ? await reads.state(input.beforeRev as string, config) : undefined;
  const facts = input.server ? await gatherFacts(state, config, input.server) : undefined;

  const verdict = judge({
    branch: input.branch,
    state,
    base: base && { branch: base.branch, state: base.state, forkPoint: base.forkPoint },
    before,
    config,
    facts,
    now: input.now,
  });
  const rulesChange = rulesChangeOf(choice, state, input.defaults, base?.forkPoint);
  const extra = [...notices, ...flowFindings(choice, rulesChange, input.branch)];
  if (extra.length > 0) {
    verdict.findings = [...extra, ...verdict.findings].sort(compareFindings);
    verdict.conclusion = conclude(verdict.findings, verdict.unanswered);
  }
  return {
    config,
    rules: choice.rules,
    ...(rulesChange ? { rulesChange } : {}),
    state,
    base,
    before,
    facts,
    verdict,
  };
}
