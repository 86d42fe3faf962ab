import type { Actor } from '../../src/ports/forge-events.js';
import { createHash } from 'node:crypto';
import { defaultConfig } from '../../src/config/defaults.js';
import type {
  Thread,
  BotChangeRequest,
  CheckReport,
  EnsureBranchResult,
  Forge,
  IssueInfo,
  Permission,
  ChangeRequestInfo,
} from '../../src/ports/forge.js';
import type { Edit } from '../../src/planners/types.js';
import type { AttemptOutcome, JobAttempt, JobClaims } from '../../src/ports/job-claims.js';
import type { JobName } from '../../src/ports/job-trigger.js';

interface StoredComment {
  id: number;
  marker: string;
  body: string;
}

/** What issues and pull requests share: who opened them, their comments, and when they last changed. */
interface StoredThread {
  author: string;
  comments: StoredComment[];
  /** A logical clock: the later the change, the higher. */
  updated: number;
}

interface StoredIssue extends IssueInfo, StoredThread {}

type StoredPullRequest = ChangeRequestInfo & StoredThread & { title: string; body: string };

interface StoredBranch {
  sha: string;
  base: string;
  edits: Edit[];
  message: string;
  /** Whoever but the bot committed to the branch. */
  foreignAuthors: string[];
}

/** Who opens the issues and pull requests the fake's person-actions make. */
export const PERSON = 'someone';
const BOT = 'the bot';

/** What a commit holds, whatever the order and repeats of its edits: the last edit of a path wins. */
function treeOf(base: string, edits: Edit[]): string {
  const files = new Map(edits.map((e) => [e.path, e.content]));
  return JSON.stringify([base, [...files].sort(([a], [b]) => a.localeCompare(b))]);
}

const infoOfPullRequest = ({ number, url, state, head, base }: StoredPullRequest): ChangeRequestInfo => ({
  number,
  url,
  state,
  head,
  base,
});

/**
 * A forge in memory for the handlers' tests: it keeps what the bot wrote
 * (checks, branches, pull requests, issues, comments) and answers as the
 * Forge contract says (test/contract/forge.contract.ts holds it to that), so
 * a test asserts on the state left behind rather than on the requests made.
 */
export class MemoryForge implements Forge {
  readonly checkRuns: { id: number; report: CheckReport }[] = [];
  readonly branches = new Map<string, StoredBranch>();
  readonly pullRequests: StoredPullRequest[] = [];
  readonly issues: StoredIssue[] = [];
  readonly permissions = new Map<string, Permission>();
  /** Every write, in order, as "method arguments" lines. */
  readonly writes: string[] = [];
  /** Tags and branches the test gives: name -> sha, for latestCheck. */
  readonly refs = new Map<string, string>();
  private readonly branchPrefix: string;
  private clock = 0;
  private commits = 0;
  private commentIds = 0;

  constructor(options: { branchPrefix?: string } = {}) {
    this.branchPrefix = options.branchPrefix ?? defaultConfig().bot.branch_prefix;
  }

  async ensureCheck(report: CheckReport): Promise<{ id: number; url: string }> {
    let run = this.checkRuns.find((r) => r.report.headSha === report.headSha && r.report.name === report.name);
    if (run) run.report = report;
    else {
      run = { id: this.checkRuns.length + 1, report };
      this.checkRuns.push(run);
    }
    this.writes.push(`check ${report.name} ${report.headSha} ${report.conclusion}`);
    return { id: run.id, url: this.checkUrl(run.id) };
  }

  async ensureBranch(branch: string, baseSha: string, edits: Edit[], message: string): Promise<EnsureBranchResult> {
    if (!branch.startsWith(this.branchPrefix) || branch === this.branchPrefix) {
      throw new Error(`refusing to write branch "${branch}": the bot writes only under "${this.branchPrefix}"`);
    }
    if (edits.length === 0) throw new Error(`refusing to commit nothing to branch "${branch}"`);
    const before = this.branches.get(branch);
    if (before && before.foreignAuthors.length > 0) {
      return { status: 'foreign-commits', sha: before.sha, authors: [...before.foreignAuthors] };
    }
    if (before && treeOf(before.base, before.edits) === treeOf(baseSha, edits)) {
      return { status: 'unchanged', sha: before.sha };
    }
    const sha = this.newCommit();
    this.branches.set(branch, { sha, base: baseSha, edits, message, foreignAuthors: [] });
    this.writes.push(`branch ${branch}`);
    return { status: before === undefined ? 'created' : 'updated', sha };
  }

  async ensureChangeRequest(pr: { head: string; base: string; title: string; body: string }) {
    const open = this.pullRequests.find((p) => p.state === 'open' && p.head === pr.head && p.base === pr.base);
    if (open) {
      if (open.title === pr.title && open.body === pr.body)
        return { ...infoOfPullRequest(open), status: 'unchanged' as const };
      Object.assign(open, pr, { updated: this.tick() });
      this.writes.push(`pull request update #${open.number}`);
      return { ...infoOfPullRequest(open), status: 'updated' as const };
    }
    const created = this.openPullRequest(BOT, pr);
    this.writes.push(`pull request #${created.number} ${pr.head} -> ${pr.base}`);
    return { ...infoOfPullRequest(created), status: 'created' as const };
  }

  async findOpenChangeRequest(head: string, base: string): Promise<ChangeRequestInfo | undefined> {
    const open = this.pullRequests.find((p) => p.state === 'open' && p.head === head && p.base === base);
    return open && infoOfPullRequest(open);
  }

  async closeChangeRequest(number: number, comment: string): Promise<void> {
    const pr = this.pullRequests.find((p) => p.number === number);
    if (!pr) throw new Error(`closeChangeRequest: no pull request #${number}`);
    if (pr.state === 'closed') return;
    this.comment(pr, 'closing', comment);
    pr.state = 'closed';
    pr.updated = this.tick();
    this.writes.push(`close pull request #${number}: ${comment}`);
  }

  async ensureComment(on: Thread, marker: string, body: string): Promise<{ url: string }> {
    const thread: StoredIssue | StoredPullRequest | undefined =
      on.kind === 'issue'
        ? this.issues.find((i) => i.number === on.number)
        : this.pullRequests.find((p) => p.number === on.number);
    if (!thread) throw new Error(`ensureComment: no ${on.kind} #${on.number}`);
    const earlier = thread.comments.find((c) => c.marker === marker);
    if (earlier?.body === body) return { url: `${thread.url}#note-${earlier.id}` };
    this.writes.push(`comment #${on.number} ${marker}`);
    return { url: `${thread.url}#note-${this.comment(thread, marker, body).id}` };
  }

  async permissionOf({ login: user }: Actor): Promise<Permission> {
    return this.permissions.get(user) ?? 'none';
  }

  async findIssue(marker: string, options: { atStart?: boolean } = {}): Promise<IssueInfo | undefined> {
    if (marker === '') throw new Error('findIssue: the marker is empty');
    const carrying = this.issues
      .filter((i) => i.author === BOT && (options.atStart ? i.body.startsWith(marker) : i.body.includes(marker)))
      .sort((a, b) => b.updated - a.updated);
    const found = carrying.find((i) => i.state === 'open') ?? carrying[0];
    return found === undefined ? undefined : this.info(found);
  }

  async ensureIssue(issue: { marker: string; title: string; body: string }, existing?: IssueInfo | null) {
    if (!issue.body.includes(issue.marker)) {
      throw new Error(`ensureIssue: the body of "${issue.title}" does not contain its marker ${issue.marker}`);
    }
    const known = existing === undefined ? await this.findIssue(issue.marker) : existing;
    const open = known?.state === 'open' ? this.issues.find((i) => i.number === known.number) : undefined;
    if (open) {
      if (open.title === issue.title && open.body === issue.body)
        return { ...this.info(open), status: 'unchanged' as const };
      open.title = issue.title;
      open.body = issue.body;
      open.updated = this.tick();
      this.writes.push(`issue update #${open.number}`);
      return { ...this.info(open), status: 'updated' as const };
    }
    const created = this.openIssue(BOT, issue.title, issue.body);
    this.writes.push(`issue #${created.number} ${issue.title}`);
    return { ...this.info(created), status: 'created' as const };
  }

  async closeIssue(number: number, comment: string): Promise<void> {
    const issue = this.issue(number);
    if (issue.state === 'closed') return;
    this.comment(issue, 'closing', comment);
    issue.state = 'closed';
    issue.updated = this.tick();
    this.writes.push(`close issue #${number}`);
  }

  async latestCheck(ref: string, name: string) {
    const sha = this.refs.get(ref) ?? this.branches.get(ref)?.sha ?? ref;
    const run = this.checkRuns.find((r) => r.report.headSha === sha && r.report.name === name);
    return run && { sha, conclusion: run.report.pending ?? run.report.conclusion, url: this.checkUrl(run.id) };
  }

  async listBotChangeRequests(): Promise<BotChangeRequest[]> {
    return this.pullRequests
      .filter((p) => p.state === 'open' && p.head.startsWith(this.branchPrefix))
      .map(({ number, url, title, head, base }) => ({ number, url, title, head, base }))
      .reverse();
  }

  /** What a person does in the forge's web page: edits an issue's body. */
  editIssue(number: number, body: string): IssueInfo {
    const issue = this.issue(number);
    issue.body = body;
    issue.updated = this.tick();
    return this.info(issue);
  }

  /** A person commits to `branch` (made from `baseSha` when it does not exist). */
  pushAsPerson(branch: string, baseSha: string, author = PERSON): { sha: string; author: string } {
    const before = this.branches.get(branch);
    const sha = this.newCommit();
    this.branches.set(branch, {
      sha,
      base: before?.base ?? baseSha,
      edits: before?.edits ?? [],
      message: `${author}'s commit`,
      foreignAuthors: [...new Set([...(before?.foreignAuthors ?? []), author])],
    });
    return { sha, author };
  }

  openPullRequestAsPerson(head: string, base: string, title: string): void {
    this.openPullRequest(PERSON, { head, base, title, body: '' });
  }

  openIssueAsPerson(title: string, body: string): void {
    this.openIssue(PERSON, title, body);
  }

  issue(number: number): StoredIssue {
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw new Error(`no issue #${number}`);
    return issue;
  }

  private openPullRequest(
    author: string,
    pr: { head: string; base: string; title: string; body: string },
  ): StoredPullRequest {
    const number = this.nextNumber();
    const created: StoredPullRequest = {
      number,
      url: `https://forge.example/pull/${number}`,
      state: 'open',
      ...pr,
      author,
      comments: [],
      updated: this.tick(),
    };
    this.pullRequests.push(created);
    return created;
  }

  private openIssue(author: string, title: string, body: string): StoredIssue {
    const number = this.nextNumber();
    const created: StoredIssue = {
      number,
      url: `https://forge.example/issues/${number}`,
      state: 'open',
      title,
      body,
      author,
      comments: [],
      updated: this.tick(),
    };
    this.issues.push(created);
    return created;
  }

  /** Posts, or edits the comment carrying `marker`; either way the thread changed. */
  private comment(thread: StoredThread, marker: string, body: string): StoredComment {
    let comment = thread.comments.find((c) => c.marker === marker);
    if (comment) comment.body = body;
    else {
      comment = { id: ++this.commentIds, marker, body };
      thread.comments.push(comment);
    }
    thread.updated = this.tick();
    return comment;
  }

  /** Issues and pull requests share one series of numbers, as on GitHub. */
  private nextNumber(): number {
    return this.pullRequests.length + this.issues.length + 1;
  }

  private tick(): number {
    this.clock += 1;
    return this.clock;
  }

  private newCommit(): string {
    this.commits += 1;
    return createHash('sha1').update(`commit ${this.commits}`).digest('hex');
  }

  private checkUrl(id: number): string {
    return `https://forge.example/checks/${id}`;
  }

  private info(issue: StoredIssue): IssueInfo {
    const { number, url, state, title, body } = issue;
    return { number, url, state, title, body };
  }
}

/** Job claims in memory: one caller creates each claim, as the forge's refs guarantee. */
export class MemoryJobClaims implements JobClaims {
  private readonly claims = new Map<string, JobAttempt>();

  async attempts(tag: string, job: JobName): Promise<JobAttempt[]> {
    return [...this.claims.entries()]
      .filter(([key]) => key.startsWith(`${tag} ${job} `))
      .map(([, attempt]) => ({ ...attempt }))
      .sort((a, b) => a.attempt - b.attempt);
  }

  async claim(tag: string, job: JobName, attempt: number, commit: string): Promise<boolean> {
    const key = `${tag} ${job} ${attempt}`;
    if (this.claims.has(key)) return false;
    this.claims.set(key, { attempt, commit });
    return true;
  }

  async record(tag: string, job: JobName, attempt: number, _commit: string, outcome: AttemptOutcome): Promise<void> {
    const claim = this.claims.get(`${tag} ${job} ${attempt}`);
    if (claim && claim.outcome === undefined) claim.outcome = outcome;
  }
}
