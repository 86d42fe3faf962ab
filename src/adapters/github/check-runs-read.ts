/** A check run this app already made on a commit: what deciding between updating it and replacing it needs. */
export interface ExistingCheckRun {
  id: number;
  /** What the forge recorded about the run's annotations when it wrote them (GitHub: the run's external_id). */
  externalId: string | null;
  annotationsCount: number;
}

/**
 * Every latest check run of this app on commit `sha`, by name, as a read
 * found them (a name without a run has none). A caller that read them in
 * a request it made anyway hands them to ensureCheck, which then need not
 * look them up.
 */
export interface KnownCheckRuns {
  sha: string;
  runs: ReadonlyMap<string, ExistingCheckRun>;
}

/**
 * How many of the app's check suites on a commit, and latest runs per
 * suite, a read brings back. An app has one suite per commit and this one
 * names two checks, so more than that means something unusual: the answer
 * then counts as incomplete and the forge looks the runs up itself.
 */
export const CHECK_SUITES_READ = 5;
export const CHECK_RUNS_READ = 10;

/**
 * The app's latest check runs on a commit, beside the commit's own fields
 * in the reader's query. GitHub filters the suites by app and the runs to
 * the latest of each name; connections need a `first`, hence the one
 * annotation asked for to get their count.
 */
export const CHECK_RUNS_FRAGMENT =
  `fragment AppCheckRuns on Commit { oid checkSuites(first: ${CHECK_SUITES_READ}, filterBy: { appId: $appId }) { totalCount nodes { app { databaseId } ` +
  `checkRuns(first: ${CHECK_RUNS_READ}, filterBy: { checkType: LATEST }) { totalCount nodes { databaseId name externalId annotations(first: 1) { totalCount } } } } } }`;

interface GqlConnection<T> {
  totalCount?: unknown;
  nodes?: (T | null)[] | null;
}

interface GqlCheckRun {
  databaseId?: unknown;
  name?: unknown;
  externalId?: unknown;
  annotations?: { totalCount?: unknown } | null;
}

interface GqlCheckSuite {
  app?: { databaseId?: unknown } | null;
  checkRuns?: GqlConnection<GqlCheckRun> | null;
}

/** What AppCheckRuns selects. */
export interface GqlCheckRunsObject {
  oid?: unknown;
  checkSuites?: GqlConnection<GqlCheckSuite> | null;
}

/** The nodes of a connection when they are all there; undefined when GitHub left some out or answered something else. */
function complete<T>(connection: GqlConnection<T> | null | undefined): T[] | undefined {
  const nodes = connection?.nodes;
  if (!Array.isArray(nodes) || typeof connection?.totalCount !== 'number' || connection.totalCount > nodes.length)
    return undefined;
  return nodes.every((node) => node !== null && typeof node === 'object') ? nodes : undefined;
}

const nullableText = (value: unknown): value is string | null => value === null || typeof value === 'string';

function decodeRun(run: GqlCheckRun): { name: string; run: ExistingCheckRun } | undefined {
  const { databaseId: id, name, externalId } = run;
  const annotationsCount = run.annotations?.totalCount;
  if (
    typeof id !== 'number' ||
    typeof name !== 'string' ||
    !nullableText(externalId) ||
    typeof annotationsCount !== 'number'
  )
    return undefined;
  return { name, run: { id, externalId, annotationsCount } };
}

/**
 * The app's latest run of each name on the commit, from the answer to
 * AppCheckRuns; undefined when the answer cannot say for sure (incomplete
 * or unexpected), so that the forge looks them up instead of creating a
 * second run. Of several runs of one name, the newest counts, as GitHub
 * shows it.
 */
export function decodeCheckRuns(
  object: GqlCheckRunsObject | null | undefined,
  appId: number,
): KnownCheckRuns | undefined {
  if (typeof object?.oid !== 'string') return undefined;
  const suites = complete(object.checkSuites);
  if (!suites) return undefined;
  const runs = new Map<string, ExistingCheckRun>();
  for (const suite of suites) {
    if (suite.app?.databaseId !== appId) continue;
    const nodes = complete(suite.checkRuns);
    if (!nodes) return undefined;
    for (const node of nodes) {
      const decoded = decodeRun(node);
      if (!decoded) return undefined;
      const seen = runs.get(decoded.name);
      if (!seen || decoded.run.id > seen.id) runs.set(decoded.name, decoded.run);
    }
  }
  return { sha: object.oid, runs };
}
