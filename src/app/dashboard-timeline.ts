import { z } from 'zod';
import type { Finding } from '../domain/finding.js';
import { auditByFingerprint } from '../flow/audit.js';
import { buildTimeline, type AuditedCommit, type Period } from '../flow/audit-timeline.js';
import type { HistoryCommit, HistoryReader } from '../ports/history.js';

/**
 * A forge cannot afford to judge a year of history on every push, so the
 * dashboard carries what it computed (in its body, hidden) and each update
 * judges only the commits pushed since. Anyone who can edit the issue can
 * edit that data: it is validated, and anything invalid is recomputed.
 */
const sha = z.string().regex(/^[0-9a-f]{40}$/);
const status = z.enum(['frozen', 'thawed', 'partly frozen', 'undecidable']);
const rule = z.string().max(100);
const commit = z.object({ sha, date: z.string().datetime(), subject: z.string().max(300) });
const audited = commit.extend({ status, wrong: z.array(rule).max(50) });
const period = z.object({
  status,
  wrong: z.array(rule).max(50),
  first: commit,
  commits: z.number().int().positive(),
  start: z.string().datetime(),
  end: z.string().datetime(),
});
const fingerprint = z.string().max(4000);
const cacheEntry = z.object({
  tip: sha,
  fingerprint,
  /** The fingerprint of the tip's first parent: the tip was judged under its rules. */
  parentFingerprint: fingerprint.optional(),
  last: audited,
  periods: z.array(period).max(2000),
});
const cacheSchema = z.object({ v: z.literal(1), branches: z.record(z.string().max(255), cacheEntry) });

type CacheEntry = z.infer<typeof cacheEntry>;
export type TimelineCache = z.infer<typeof cacheSchema>;

export const EMBED_KEY = 'timeline';

/** The cache carried by a dashboard body's embedded data; empty when absent or invalid. */
export function readTimelineCache(embedded: Record<string, unknown> | undefined): TimelineCache {
  const parsed = cacheSchema.safeParse(embedded?.[EMBED_KEY]);
  return parsed.success ? parsed.data : { v: 1, branches: {} };
}

function errorFindings(wrong: readonly string[]): Finding[] {
  return wrong.map((r) => ({ rule: r, severity: 'error', path: '', message: '' }));
}

function expandAudited(a: z.infer<typeof audited>): AuditedCommit {
  const wrong = a.wrong;
  return {
    sha: a.sha,
    date: new Date(a.date),
    subject: a.subject,
    conclusion: wrong.length > 0 ? 'failure' : 'success',
    findings: errorFindings(wrong),
    status: a.status,
  };
}

function wrongOf(a: AuditedCommit): string[] {
  return [...new Set(a.findings.filter((f) => f.severity === 'error').map((f) => f.rule))].sort();
}

function compactAudited(a: AuditedCommit): z.infer<typeof audited> {
  return {
    sha: a.sha,
    date: a.date.toISOString(),
    subject: a.subject.slice(0, 300),
    status: a.status,
    wrong: wrongOf(a),
  };
}

function expandPeriod(p: z.infer<typeof period>): Period {
  const first = { ...p.first, date: new Date(p.first.date) };
  return {
    status: p.status,
    wrong: p.wrong,
    first: {
      ...first,
      conclusion: p.wrong.length > 0 ? 'failure' : 'success',
      findings: errorFindings(p.wrong),
      status: p.status,
    },
    commits: p.commits,
    start: new Date(p.start),
    end: new Date(p.end),
    ongoing: false,
  };
}

function compactPeriod(p: Period): z.infer<typeof period> {
  return {
    status: p.status,
    wrong: p.wrong,
    first: { sha: p.first.sha, date: p.first.date.toISOString(), subject: p.first.subject.slice(0, 300) },
    commits: p.commits,
    start: p.start.toISOString(),
    end: p.end.toISOString(),
  };
}

/**
 * `earlier` continued by `later`, whose first period begins with the commit
 * `earlier` ended on (the cached last commit, judged again with the new
 * ones): that period is the same stretch as `earlier`'s last.
 */
function joinPeriods(earlier: Period[], later: Period[]): Period[] {
  const last = earlier[earlier.length - 1];
  const [first, ...rest] = later;
  if (!last || !first) return [...earlier, ...later];
  last.end = first.end;
  last.commits += first.commits - 1;
  return [...earlier, ...rest];
}

function finish(periods: Period[], since: Date): Period[] {
  const kept = periods.filter((p, i) => i === periods.length - 1 || p.end.getTime() >= since.getTime());
  kept.forEach((p, i) => (p.ongoing = i === kept.length - 1));
  return kept;
}

export interface BranchTimelineUpdate {
  periods: Period[];
  entry: CacheEntry | undefined;
  /** How many commits were judged (not copied by fingerprint) in this update; for the log and tests. */
  judged: number;
}

/**
 * The branch's timeline over [since, now], from the cached entry when its
 * tip is still in the branch's first-parent history, judging only what was
 * pushed since; from scratch otherwise (a first run, a force push, data
 * somebody edited).
 */
export async function branchTimeline(
  history: HistoryReader,
  judge: (commit: HistoryCommit) => Promise<AuditedCommit>,
  input: { branch: string; paths: readonly string[]; since: Date; cached?: CacheEntry },
): Promise<BranchTimelineUpdate> {
  const { branch, paths, since, cached } = input;
  let judged = 0;
  const counted = async (commit: HistoryCommit) => {
    judged += 1;
    return judge(commit);
  };
  const commits = await history.firstParentHistory(branch, {
    since,
    paths,
    ...(cached ? { stopAt: cached.tip } : {}),
  });
  if (cached && commits.length === 0) {
    return { periods: finish(cached.periods.map(expandPeriod), since), entry: cached, judged };
  }
  const incremental = cached !== undefined && commits[0]?.parent === cached.tip;
  const previousAudited = incremental ? expandAudited(cached.last) : undefined;
  const audited = await auditByFingerprint(
    commits,
    counted,
    previousAudited && cached
      ? {
          previous: {
            fingerprint: cached.fingerprint,
            ...(cached.parentFingerprint === undefined ? {} : { parentFingerprint: cached.parentFingerprint }),
            audited: previousAudited,
          },
        }
      : {},
  );
  const fresh = buildTimeline(previousAudited ? [previousAudited, ...audited] : audited);
  const periods = finish(incremental && cached ? joinPeriods(cached.periods.map(expandPeriod), fresh) : fresh, since);
  const tip = commits[commits.length - 1];
  const lastAudited = audited[audited.length - 1];
  const parentFingerprint = commits[commits.length - 2]?.fingerprint ?? (incremental ? cached?.fingerprint : undefined);
  const entry =
    tip && lastAudited
      ? {
          tip: tip.sha,
          fingerprint: tip.fingerprint,
          ...(parentFingerprint === undefined ? {} : { parentFingerprint }),
          last: compactAudited(lastAudited),
          periods: periods.map(compactPeriod),
        }
      : undefined;
  return { periods, entry, judged };
}

export function cacheOf(entries: ReadonlyMap<string, CacheEntry | undefined>): TimelineCache {
  const branches: Record<string, CacheEntry> = {};
  for (const [branch, e] of entries) if (e) branches[branch] = e;
  return { v: 1, branches };
}
