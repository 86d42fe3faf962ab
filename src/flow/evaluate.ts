import { applyConfigOverride, describeConfigProblem, REPO_CONFIG_PATH, type ConfigProblem } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { branchRole, PortPatternTimeoutError } from '../domain/branch.js';
import { compareFindings, type Finding } from '../domain/finding.js';
import { describeFileRead, interpretRef, readSpec, type FileRead, type RefState } from '../domain/state.js';
import type { RefReader } from '../ports/ref-reader.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import { judge, type Verdict } from '../rules/judge.js';
import type { ServerFacts } from '../rules/types.js';
import { gatherFacts } from './server-facts.js';

/** Where the rules that judge a ref come from. */
export type ConfigSource =
  /** The repository's file at the ref being judged (push, CLI). */
  | { kind: 'at-ref' }
  /** The repository's file at another revision (a pull request's base). */
  | { kind: 'at-rev'; rev: string }
  /** A file given explicitly (`--config FILE`). */
  | { kind: 'text'; text: string; file: string };

export interface EvaluateInput {
  reader: RefReader;
  rev: string;
  /** The branch `rev` is judged as. */
  branch: string;
  /** The base state's revision; when absent, `resolveBaseRev` finds it from config/base_branch. */
  baseRev?: string;
  resolveBaseRev?: (baseBranch: string) => Promise<string | undefined>;
  /** Where `rev` forked from the base's revision (their merge base), when the reader's repository can tell. */
  resolveForkRev?: (baseRev: string) => Promise<string | undefined>;
  /** The revision before a push. */
  beforeRev?: string;
  configSource: ConfigSource;
  defaults: Config;
  /** Absent: offline, rules that need the server are skipped. */
  server?: SnapshotServer;
  now: Date;
  /** The changelog is only needed for freezes and releases; the audit skips it. */
  readChangelog?: boolean;
}

export interface Evaluation {
  config: Config;
  configProblems: ConfigProblem[];
  state: RefState;
  base?: { branch: string; rev: string; state: RefState; forkRev?: string; forkPoint?: RefState };
  before?: RefState;
  facts?: ServerFacts;
  verdict: Verdict;
}

export const CONFIG_RULE = 'config';
export const BASE_STATE_RULE = 'base-state';

function configText(file: FileRead, path: string): { text?: string; problem?: ConfigProblem } {
  if (file.kind === 'missing') return {};
  if (file.kind !== 'text') return { problem: { file: path, field: '', message: describeFileRead(file) } };
  return { text: file.text };
}

function resolveConfig(defaults: Config, file: FileRead, path: string): { config: Config; problems: ConfigProblem[] } {
  const { text, problem } = configText(file, path);
  if (problem) return { config: defaults, problems: [problem] };
  if (text === undefined) return { config: defaults, problems: [] };
  const result = applyConfigOverride(defaults, text, path);
  // An invalid file is reported as an error finding; judging under the
  // defaults meanwhile still shows the reviewer everything else.
  return result.ok ? { config: result.config, problems: [] } : { config: defaults, problems: result.problems };
}

/**
 * A port_pattern that backtracks for ever on the judged branch makes the
 * configuration unusable for it: like an invalid file, it is an error on that
 * file and the defaults judge meanwhile.
 */
function usableForBranch(
  resolved: { config: Config; problems: ConfigProblem[] },
  defaults: Config,
  branch: string,
  file: string,
): { config: Config; problems: ConfigProblem[] } {
  try {
    branchRole(branch, resolved.config);
    return resolved;
  } catch (error) {
    if (!(error instanceof PortPatternTimeoutError)) throw error;
    return {
      config: defaults,
      problems: [
        ...resolved.problems,
        { file, field: 'branches.port_pattern', message: error.message.replace(/^branches\.port_pattern /, '') },
      ],
    };
  }
}

function sameLayout(a: Config, b: Config): boolean {
  return (
    JSON.stringify([a.paths, a.snapshot_sets.map((s) => s.dir)]) ===
    JSON.stringify([b.paths, b.snapshot_sets.map((s) => s.dir)])
  );
}

async function readState(reader: RefReader, rev: string, config: Config, readChangelog: boolean): Promise<RefState> {
  return interpretRef(await reader.read(rev, readSpec(config, { changelog: readChangelog })), config);
}

/** Read, then judge: the one flow every entry point goes through. */
export async function evaluate(input: EvaluateInput): Promise<Evaluation> {
  const readChangelog = input.readChangelog ?? true;
  const defaultSpec = readSpec(input.defaults, { changelog: readChangelog });
  const headSnapshot = await input.reader.read(input.rev, defaultSpec);
  const headFirst = interpretRef(headSnapshot, input.defaults);

  let resolved: { config: Config; problems: ConfigProblem[] };
  switch (input.configSource.kind) {
    case 'at-ref':
      resolved = resolveConfig(input.defaults, headFirst.configFile.file, headFirst.configFile.path);
      break;
    case 'at-rev': {
      // Only the configuration file is wanted here, so the same read as a base state's: no changelog.
      const other = await readState(input.reader, input.configSource.rev, input.defaults, false);
      resolved = resolveConfig(input.defaults, other.configFile.file, other.configFile.path);
      break;
    }
    case 'text': {
      const result = applyConfigOverride(input.defaults, input.configSource.text, input.configSource.file);
      resolved = result.ok
        ? { config: result.config, problems: [] }
        : { config: input.defaults, problems: result.problems };
      break;
    }
  }
  resolved = usableForBranch(
    resolved,
    input.defaults,
    input.branch,
    input.configSource.kind === 'text' ? input.configSource.file : REPO_CONFIG_PATH,
  );
  const { config } = resolved;
  // Only a configuration that moves the files we read costs a second read.
  const state = sameLayout(config, input.defaults)
    ? interpretRef(headSnapshot, config)
    : await readState(input.reader, input.rev, config, readChangelog);

  let base: Evaluation['base'];
  const flowFindings: Finding[] = [];
  const baseName = state.baseBranch.name;
  if (branchRole(input.branch, config) === 'topic' && baseName !== undefined && baseName !== input.branch) {
    const baseRev = input.baseRev ?? (await input.resolveBaseRev?.(baseName));
    if (baseRev !== undefined) {
      const forkRev = await input.resolveForkRev?.(baseRev);
      const fork =
        forkRev === undefined ? {} : { forkRev, forkPoint: await readState(input.reader, forkRev, config, false) };
      base = { branch: baseName, rev: baseRev, state: await readState(input.reader, baseRev, config, false), ...fork };
    } else {
      flowFindings.push({
        rule: BASE_STATE_RULE,
        severity: 'notice',
        path: state.baseBranch.path,
        message: `the base branch "${baseName}" was not found, so serials were not compared with it`,
        hint: `Fetch "${baseName}" (or pass its revision) to compare with it.`,
      });
    }
  }
  const before =
    input.beforeRev === undefined ? undefined : await readState(input.reader, input.beforeRev, config, false);
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
  const problems: Finding[] = [
    ...flowFindings,
    ...resolved.problems.map((p): Finding => ({
      rule: CONFIG_RULE,
      severity: 'error',
      path: p.file,
      message: `invalid configuration: ${describeConfigProblem(p)}; judged with the default rules meanwhile`,
      hint: 'Fix the configuration file; see the README for every field.',
    })),
  ];
  if (problems.length > 0) {
    verdict.findings = [...problems, ...verdict.findings].sort(compareFindings);
    if (problems.some((p) => p.severity === 'error')) verdict.conclusion = 'failure';
  }
  return { config, configProblems: resolved.problems, state, base, before, facts, verdict };
}
