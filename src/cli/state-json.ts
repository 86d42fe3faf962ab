import { describeFileRead, type FileRead, type OriginState, type RefState } from '../domain/state.js';
import { formatSerialValue } from '../domain/serial.js';

export interface OriginJson {
  path: string;
  /** `latest` or a serial; null when the file gives neither. */
  serial: string | null;
  problem?: string;
}

export interface StateJson {
  commit: { sha: string; parents: string[]; date: string; subject: string };
  sets: Record<
    string,
    { dir: string; presence: string; origins: Record<string, OriginJson>; strays: { path: string; kind: string }[] }
  >;
  baseBranch: { path: string; name: string | null; problem?: string };
  changelog: { path: string; version: string | null; distribution: string | null; problem?: string };
  overlays: { path: string; presence: string; entries: string[] };
  freezeExceptions: { path: string; line: number; packages: string; explanation: string; priority: number | null }[];
}

/** Why a file yields no value: not text, or text that does not parse. */
function problemOf(file: FileRead, parseError: string | undefined): string | undefined {
  if (file.kind !== 'text') return describeFileRead(file);
  return parseError;
}

function withProblem<T extends object>(value: T, problem: string | undefined): T & { problem?: string } {
  return problem === undefined ? value : { ...value, problem };
}

function originJson(origin: OriginState): OriginJson {
  return withProblem(
    { path: origin.path, serial: origin.value ? formatSerialValue(origin.value) : null },
    problemOf(origin.file, origin.syntaxError),
  );
}

/** A plain JSON rendering of a ref's state: strings, numbers and nulls only, no Buffers or Dates. */
export function stateJson(state: RefState): StateJson {
  const sets: StateJson['sets'] = {};
  for (const set of state.sets) {
    sets[set.config.name] = {
      dir: set.config.dir,
      presence: set.presence,
      origins: Object.fromEntries(set.origins.map((o) => [o.origin, originJson(o)])),
      strays: set.strays.map((s) => ({ path: s.path, kind: s.kind })),
    };
  }
  const { baseBranch, changelog, overlays, preferences, commit } = state;
  return {
    commit: { sha: commit.sha, parents: [...commit.parents], date: commit.date.toISOString(), subject: commit.subject },
    sets,
    baseBranch: withProblem(
      { path: baseBranch.path, name: baseBranch.name ?? null },
      problemOf(baseBranch.file, baseBranch.error),
    ),
    changelog: withProblem(
      {
        path: changelog.path,
        version: changelog.entry?.version ?? null,
        distribution: changelog.entry?.distribution ?? null,
      },
      problemOf(changelog.file, changelog.error),
    ),
    overlays: { path: overlays.path, presence: overlays.presence, entries: [...overlays.entries] },
    freezeExceptions: preferences.freezeExceptions.map((e) => ({
      path: preferences.path,
      line: e.startLine + 1,
      packages: e.packages,
      explanation: e.explanation,
      priority: Number.isNaN(e.priority) ? null : e.priority,
    })),
  };
}
