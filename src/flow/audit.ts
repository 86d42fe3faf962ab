import { defaultConfig } from '../config/defaults.js';
import type { Config } from '../config/schema.js';
import type { HistoryCommit } from '../ports/history.js';
import type { RefReader } from '../ports/ref-reader.js';
import { readOnlyView } from '../ports/repository.js';
import { freezeStatus, undecidableWhy, type AuditedCommit } from './audit-timeline.js';
import { evaluate, type EvaluateInput, type RulesInput } from './evaluate.js';

/** A commit of a first-parent history, as the audit judges it. */
export interface CommitToAudit {
  sha: string;
  date: Date;
  subject: string;
  /** The first parent, whose rules judge the commit; absent for a root commit. */
  parent?: string;
}

export interface AuditOptions {
  /**
   * Rules that judge every commit (`--config`): absent, each commit is
   * judged under its first parent's rules file, as its push was.
   */
  config?: Config;
  /** What findings call `config` (`--config`'s path). */
  configName?: string;
  /** What a repository's rules file is merged over (default: the built-in defaults). */
  defaults?: Config;
  landed?: EvaluateInput['landed'];
}

export type AuditJudge = (commit: CommitToAudit) => Promise<AuditedCommit>;

/**
 * What judges one commit offline, as of its own date, under the rules of
 * its first parent (or `options.config`): as its push would have been
 * judged. The changelog is not needed to judge serials. Bound to a reader,
 * a branch and its options: what auditHistory and auditByFingerprint call.
 */
export function auditJudge(reader: RefReader, branch: string, options: AuditOptions = {}): AuditJudge {
  const defaults = options.defaults ?? defaultConfig();
  // Built once: a configuration given is the same for every commit, and parsing it per commit is waste.
  const given: RulesInput | undefined = options.config && {
    kind: 'same-as',
    evaluation: {
      config: options.config,
      rules: {
        origin: 'file',
        path: options.configName ?? 'the configuration given',
        file: { kind: 'missing' },
        problems: [],
      },
    },
  };
  const view = readOnlyView(reader);
  return async (commit) => {
    const evaluation = await evaluate({
      repository: view,
      rev: commit.sha,
      branch,
      // No base: comparing a past commit with where its base is today would judge it by a state it never knew.
      ...(options.landed ? { landed: options.landed } : {}),
      rules: given ?? {
        kind: 'before-change',
        ...(commit.parent === undefined ? {} : { rev: commit.parent }),
        label: 'parent',
      },
      defaults,
      now: commit.date,
      readChangelog: false,
    });
    const { conclusion, findings } = evaluation.verdict;
    const why = undecidableWhy(evaluation.state);
    return {
      sha: commit.sha,
      date: commit.date,
      subject: commit.subject,
      conclusion,
      findings,
      status: freezeStatus(evaluation.state),
      ...(why === undefined ? {} : { undecidable: why }),
    };
  };
}

/** Where a long judgement says how far it got (the CLI's status line). */
export interface AuditProgress {
  show(text: string): void;
  clear(): void;
}

/** Judgements in flight at once: enough to keep git's cat-file pipeline busy. */
const BATCH = 16;

/** Judges every commit, oldest first, saying how far it got while that lasts. */
export async function auditHistory(
  commits: readonly CommitToAudit[],
  judge: AuditJudge,
  options: { progress?: AuditProgress } = {},
): Promise<AuditedCommit[]> {
  const { progress } = options;
  const audited: AuditedCommit[] = [];
  try {
    for (let i = 0; i < commits.length; i += BATCH) {
      progress?.show(`audit: ${audited.length} of ${commits.length} commits judged`);
      audited.push(...(await Promise.all(commits.slice(i, i + BATCH).map(judge))));
    }
  } finally {
    progress?.clear();
  }
  return audited;
}

/** What an earlier run knows of the commit just before the first one. */
export interface PreviousVerdict {
  fingerprint: string;
  /**
   * The fingerprint of that commit's own first parent. A commit is judged
   * under its parent's rules, so a commit right after one that changed the
   * files is judged afresh even when it changes nothing itself: the rules
   * file may be among them. Unknown, the first commit is judged.
   */
  parentFingerprint?: string;
  audited: AuditedCommit;
}

/**
 * Judges the commits of a first-parent history (oldest first) whose
 * fingerprint differs from the previous commit's, and those right after
 * such a change (they are the first judged under its rules); the others
 * take the verdict of the commit before them (same files, same rules, same
 * verdict) with their own sha, date and subject. `judge` is auditJudge's.
 * `previous` is the verdict of the commit before the first one, when known
 * (incremental updates). `concurrency` bounds the judgements in flight.
 */
export async function auditByFingerprint(
  commits: readonly HistoryCommit[],
  judge: (commit: HistoryCommit) => Promise<AuditedCommit>,
  options: { previous?: PreviousVerdict; concurrency?: number } = {},
): Promise<AuditedCommit[]> {
  const { previous } = options;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`auditByFingerprint: concurrency must be a whole number, 1 or more, not ${concurrency}`);
  const fingerprints = [previous?.parentFingerprint, previous?.fingerprint, ...commits.map((c) => c.fingerprint)];
  const fresh = commits.map((commit, i) => {
    const [grandparent, parent] = [fingerprints[i], fingerprints[i + 1]];
    return parent === undefined || grandparent === undefined || commit.fingerprint !== parent || parent !== grandparent;
  });
  const judged = new Map<number, AuditedCommit>();
  const toJudge = commits.flatMap((_, i) => (fresh[i] ? [i] : []));
  for (let i = 0; i < toJudge.length; i += concurrency) {
    const batch = toJudge.slice(i, i + concurrency);
    const verdicts = await Promise.all(batch.map((index) => judge(commits[index] as HistoryCommit)));
    batch.forEach((index, j) => judged.set(index, verdicts[j] as AuditedCommit));
  }
  let last = previous?.audited;
  return commits.map((commit, i) => {
    const own = judged.get(i);
    // A commit not judged has a verdict before it: the first commit is judged unless `previous` vouches for it.
    const audited = own ?? copyVerdict(last as AuditedCommit, commit);
    last = audited;
    return audited;
  });
}

function copyVerdict(verdict: AuditedCommit, commit: HistoryCommit): AuditedCommit {
  return {
    ...verdict,
    sha: commit.sha,
    date: commit.date,
    subject: commit.subject,
    findings: structuredClone(verdict.findings),
  };
}
