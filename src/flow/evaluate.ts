import { configFieldChanges, describeFieldChange, type FieldChange } from '../config/diff.js';
import { applyConfigOverride, describeConfigProblem, REPO_CONFIG_PATH, type ConfigProblem } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { branchRole, isBaseBranch, PortPatternTimeoutError, type BranchRole } from '../domain/branch.js';
import { caseConfusable } from '../domain/branch-name.js';
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
import type { RefReader } from '../ports/ref-reader.js';
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
   * OLD, the parent of a commit judged alone); a topic branch takes its base
   * branch's. `rev` is absent when nothing came before (a new branch, a root
   * commit): the base branch's rules then, else the defaults.
   */
  | { kind: 'before-change'; rev?: string; label: 'before' | 'parent' }
  /** A pull request: its base's rules, whatever the head's file says. */
  | { kind: 'pull-request-base'; rev: string }
  /** The rules another evaluation used: the hook judges OLD as NEW was judged, to tell what was already wrong. */
  | { kind: 'same-as'; evaluation: Pick<Evaluation, 'config' | 'rules'> };

export type RulesOrigin = 'file' | 'before' | 'parent' | 'base' | 'pull-request-base' | 'defaults';

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
  reader: RefReader;
  rev: string;
  /** The branch `rev` is judged as, already a branch name (see normalizeBranchName). */
  branch: string;
  /** The base state's revision; when absent, `resolveBaseRev` finds it from config/base_branch. */
  baseRev?: string;
  resolveBaseRev?: (baseBranch: string) => Promise<string | undefined>;
  /**
   * Where `rev` forked from the base's revision (their merge base), when the
   * reader's repository can tell. Given the head's and the base's states, so
   * that a caller for whom asking costs (a request to GitHub) can skip it
   * when the fork point cannot matter.
   */
  resolveForkRev?: (baseRev: string, states: { head: RefState; base: RefState }) => Promise<string | undefined>;
  /** The revision before a push, to compare serials with. */
  beforeRev?: string;
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
  /** The base branch's revision, when choosing the rules already found it. */
  baseRev?: string;
  /** The rules file of the commit before the change, when there is one. */
  beforeFile?: FileRead;
}

/**
 * Which rules judge the commit. The role of the branch comes from rules the
 * change cannot have written: the commit before it (or, with nothing
 * before, the base branch, else the defaults). A topic branch is then
 * judged under its base branch's rules, when config/base_branch names a base
 * branch of those.
 */
async function chooseRules(
  input: EvaluateInput,
  reads: Reads,
  baseName: string | undefined,
  findBase: () => Promise<string | undefined>,
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

  const before =
    wanted.rev === undefined
      ? undefined
      : await reads.rulesAt(wanted.rev, wanted.label, wanted.rev === input.beforeRev);
  const wantsBase = baseName !== undefined && baseName !== branch;
  let baseRev: string | undefined;
  let authority = before;
  if (!authority) {
    baseRev = wantsBase ? await findBase() : undefined;
    authority = baseRev === undefined ? defaultsUsed(defaults) : await reads.rulesAt(baseRev, 'base', true);
  }
  const { resolved, role } = roleUnder(authority, defaults, branch);
  const beforeFile = before?.rules.file;
  if (role === 'topic' && wantsBase && isBaseBranch(baseName, resolved.config)) {
    baseRev ??= await findBase();
    if (baseRev !== undefined) {
      const base = roleUnder(await reads.rulesAt(baseRev, 'base', true), defaults, branch);
      return { ...base.resolved, role: base.role, baseRev, ...(beforeFile ? { beforeFile } : {}) };
    }
  }
  return { ...resolved, role, ...(baseRev === undefined ? {} : { baseRev }), ...(beforeFile ? { beforeFile } : {}) };
}

/**
 * The commit's own rules file, when it differs from the rules that judged it
 * and the change made it so (a file the base moved on is not this commit's
 * doing when the commit before the change had the same).
 */
function rulesChangeOf(choice: RulesChoice, state: RefState, defaults: Config): RulesChange | undefined {
  if (choice.rules.origin === 'file') return undefined;
  const after = state.configFile.file;
  if (sameFile(after, choice.rules.file)) return undefined;
  if (choice.beforeFile && sameFile(after, choice.beforeFile)) return undefined;
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
      hint: 'Review the new rules: the next change is judged under them.',
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
  const confusable = caseConfusable(branch, choice.config.branches.base);
  if (confusable !== undefined) {
    findings.push({
      rule: BRANCH_NAME_RULE,
      severity: 'error',
      path: choice.config.paths.base_branch,
      message: `The branch "${printable(branch)}" differs from the base branch ${confusable} only in letter case: Git branch names are case-sensitive, so it is not judged as ${confusable}, and on a case-insensitive file system the two clash.`,
      hint: `Rename the branch, or judge it as ${confusable} if that was meant.`,
    });
  }
  return findings;
}

/** Read, then judge: the one flow every entry point goes through. */
export async function evaluate(input: EvaluateInput): Promise<Evaluation> {
  const readChangelog = input.readChangelog ?? true;
  const reads = new Reads(input.reader, input.defaults);
  const headSnapshot = await input.reader.read(input.rev, readSpec(input.defaults, { changelog: readChangelog }));
  const headFirst = interpretRef(headSnapshot, input.defaults);

  let baseLookup: Promise<string | undefined> | undefined;
  const findBase = (name: string): Promise<string | undefined> => {
    baseLookup ??=
      input.baseRev !== undefined
        ? Promise.resolve(input.baseRev)
        : (input.resolveBaseRev?.(name) ?? Promise.resolve(undefined));
    return baseLookup;
  };
  const choice = await chooseRules(input, reads, headFirst.baseBranch.name, () =>
    findBase(headFirst.baseBranch.name as string),
  );
  const { config } = choice;
  // Only a configuration that moves the files we read costs a second read.
  const state = sameLayout(config, input.defaults)
    ? interpretRef(headSnapshot, config)
    : interpretRef(await input.reader.read(input.rev, readSpec(config, { changelog: readChangelog })), config);

  let base: Evaluation['base'];
  const notices: Finding[] = [];
  const baseName = state.baseBranch.name;
  if (choice.role === 'topic' && baseName !== undefined && baseName !== input.branch) {
    const baseRev =
      baseName === headFirst.baseBranch.name ? await findBase(baseName) : await input.resolveBaseRev?.(baseName);
    if (baseRev !== undefined) {
      const baseState = await reads.state(baseRev, config);
      const forkRev = await input.resolveForkRev?.(baseRev, { head: state, base: baseState });
      const fork = forkRev === undefined ? {} : { forkRev, forkPoint: await reads.state(forkRev, config) };
      base = { branch: baseName, rev: baseRev, state: baseState, ...fork };
    } else {
      notices.push({
        rule: BASE_STATE_RULE,
        severity: 'notice',
        path: state.baseBranch.path,
        message: `the base branch "${baseName}" was not found, so serials were not compared with it`,
        hint: `Fetch "${baseName}" (or pass its revision) to compare with it.`,
      });
    }
  }
  const before = input.beforeRev === undefined ? undefined : await reads.state(input.beforeRev, config);
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
  const rulesChange = rulesChangeOf(choice, state, input.defaults);
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
