import type {
  Thread,
  BotPullRequest,
  CheckReport,
  EnsureBranchResult,
  Forge,
  IssueInfo,
  Permission,
  PullRequestInfo,
} from '../../src/ports/forge.js';
import type { Edit } from '../../src/planners/types.js';
import type { AttemptOutcome, JobAttempt, JobClaims } from '../../src/ports/job-claims.js';
import type { JobName } from '../../src/ports/job-trigger.js';

interface StoredIssue extends IssueInfo {
  comments: { marker: string; body: string }[];
}

/**
 * A forge in memory for the handlers' tests: it keeps what the bot wrote
 * (checks, branches, pull requests, issues, comments) and answers as the
 * Forge contract says, so a test asserts on the state left behind rather
 * than on the requests made.
 */
export class MemoryForge implements Forge {
  readonly checks: CheckReport[] = [];
  readonly branches = new Map<string, { base: string; edits: Edit[]; message: string }>();
  readonly pullRequests: (PullRequestInfo & { title: string; body: string })[] = [];
  readonly issues: StoredIssue[] = [];
  readonly permissions = new Map<string, Permission>();
  /** Every write, in order, as "method arguments" lines. */
  readonly writes: string[] = [];

  async ensureCheck(report: CheckReport): Promise<{ id: number; url: string }> {
    this.checks.push(report);
    this.writes.push(`check ${report.name} ${report.headSha} ${report.conclusion}`);
    return { id: this.checks.length, url: `https://forge.example/checks/${this.checks.length}` };
  }

  async ensureBranch(branch: string, baseSha: string, edits: Edit[], message: string): Promise<EnsureBranchResult> {
    const before = this.branches.get(branch);
    const same = before !== undefined && JSON.stringify(before) === JSON.stringify({ base: baseSha, edits, message });
    this.branches.set(branch, { base: baseSha, edits, message });
    if (!same) this.writes.push(`branch ${branch}`);
    return { status: before === undefined ? 'created' : same ? 'unchanged' : 'updated', sha: 'f'.repeat(40) };
  }

  async ensurePullRequest(pr: { head: string; base: string; title: string; body: string }) {
    const open = this.pullRequests.find((p) => p.state === 'open' && p.head === pr.head && p.base === pr.base);
    if (open) {
      const same = open.title === pr.title && open.body === pr.body;
      Object.assign(open, pr);
      if (!same) this.writes.push(`pull request update #${open.number}`);
      return { ...open, status: same ? ('unchanged' as const) : ('updated' as const) };
    }
    const number = this.pullRequests.length + this.issues.length + 1;
    const created = { number, url: `https://forge.example/pull/${number}`, state: 'open' as const, ...pr };
    this.pullRequests.push(created);
    this.writes.push(`pull request #${number} ${pr.head} -> ${pr.base}`);
    return { ...created, status: 'created' as const };
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequestInfo | undefined> {
    return this.pullRequests.find((p) => p.state === 'open' && p.head === head && p.base === base);
  }

  async closePullRequest(number: number, comment: string): Promise<void> {
    const pr = this.pullRequests.find((p) => p.number === number);
    if (pr) pr.state = 'closed';
    this.writes.push(`close pull request #${number}: ${comment}`);
  }

  async ensureComment(on: Thread, marker: string, body: string): Promise<{ url: string }> {
    const issueNumber = on.number;
    const issue = this.issues.find((i) => i.number === issueNumber);
    const comments = issue?.comments ?? [];
    const earlier = comments.find((c) => c.marker === marker);
    if (earlier) earlier.body = body;
    else comments.push({ marker, body });
    this.writes.push(`comment #${issueNumber} ${marker}`);
    return { url: `https://forge.example/issues/${issueNumber}#${marker}` };
  }

  async permissionOf(user: string): Promise<Permission> {
    return this.permissions.get(user) ?? 'none';
  }

  async findIssue(marker: string, options: { atStart?: boolean } = {}): Promise<IssueInfo | undefined> {
    const carrying = [...this.issues]
      .reverse()
      .filter((i) => (options.atStart ? i.body.startsWith(marker) : i.body.includes(marker)));
    // As the forge answers: the open one first, else the closed one updated last (here: the newest).
    const found = carrying.find((i) => i.state === 'open') ?? carrying[0];
    return found === undefined ? undefined : this.info(found);
  }

  async ensureIssue(issue: { marker: string; title: string; body: string }, existing?: IssueInfo | null) {
    if (!issue.body.includes(issue.marker)) throw new Error('the body must carry the marker');
    const known = existing === undefined ? await this.findIssue(issue.marker) : existing;
    const open = known?.state === 'open' ? this.issues.find((i) => i.number === known.number) : undefined;
    if (open) {
      if (open.title === issue.title && open.body === issue.body)
        return { ...this.info(open), status: 'unchanged' as const };
      open.title = issue.title;
      open.body = issue.body;
      this.writes.push(`issue update #${open.number}`);
      return { ...this.info(open), status: 'updated' as const };
    }
    const number = this.pullRequests.length + this.issues.length + 1;
    const created: StoredIssue = {
      number,
      url: `https://forge.example/issues/${number}`,
      state: 'open',
      title: issue.title,
      body: issue.body,
      comments: [],
    };
    this.issues.push(created);
    this.writes.push(`issue #${number} ${issue.title}`);
    return { ...this.info(created), status: 'created' as const };
  }

  async closeIssue(number: number, comment: string): Promise<void> {
    const issue = this.issues.find((i) => i.number === number);
    if (!issue || issue.state === 'closed') return;
    issue.comments.push({ marker: 'closing', body: comment });
    issue.state = 'closed';
    this.writes.push(`close issue #${number}`);
  }

  /** Tags and branches the test gives: name -> sha, for latestCheck. */
  readonly refs = new Map<string, string>();

  async latestCheck(ref: string, name: string) {
    const sha = this.refs.get(ref) ?? ref;
    const index = this.checks.map((c) => c.headSha === sha && c.name === name).lastIndexOf(true);
    const run = this.checks[index];
    return run && { sha, conclusion: run.pending ?? run.conclusion, url: `https://forge.example/checks/${index + 1}` };
  }

  async listBotPullRequests(): Promise<BotPullRequest[]> {
    return this.pullRequests
      .filter((p) => p.state === 'open')
      .map(({ number, url, title, head, base }) => ({ number, url, title, head, base }))
      .reverse();
  }

  /** What a person does in the forge's web page: edits an issue's body. */
  editIssue(number: number, body: string): IssueInfo {
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw new Error(`no issue #${number}`);
    issue.body = body;
    return this.info(issue);
  }

  issue(number: number): StoredIssue {
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw new Error(`no issue #${number}`);
    return issue;
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
