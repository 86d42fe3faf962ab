import { createHash } from 'node:crypto';
import nock from 'nock';
import { GitHubForge } from '../../../src/adapters/github/github-forge.js';
import type { Permission, Thread } from '../../../src/ports/forge.js';
import { forgeContract } from '../../contract/forge.contract.js';
import { IDENTITY, REPOSITORY_ID } from '../../helpers/github-forge-setup.js';
import { GITHUB_API, TEST_TOKEN, guardNock, testOctokit } from '../../helpers/nock-guard.js';

type Json = Record<string, unknown>;
type Reply = [number, unknown];

const REPO = '/repos/tails/tails';
const HTML = 'https://github.com/tails/tails';
const PERSON = 'someone';
const NOT_FOUND: Reply = [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }];

interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: string;
  committer: string;
  message: string;
}

interface FakeRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  title: string;
  summary: string;
  annotationsCount: number;
}

/** An issue or a pull request: GitHub numbers them in one series and lists both as issues. */
interface FakeThread {
  number: number;
  pull: boolean;
  state: 'open' | 'closed';
  title: string;
  body: string;
  user: string;
  head?: string;
  base?: string;
  updated: number;
}

interface FakeComment {
  id: number;
  thread: number;
  body: string;
  user: string;
}

const user = (login: string) => ({ login, type: login === IDENTITY.botLogin ? 'Bot' : 'User' });
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** GitHub's older permission field, which the role refines (maintain is write there, triage read). */
const LEGACY: Record<Permission, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

/**
 * tails/tails on GitHub as the REST endpoints GitHubForge uses (and the
 * GraphQL mutation that moves a bot branch) answer it, kept in memory:
 * commits, trees and refs, check runs, issues and pull requests, comments
 * and collaborators. Trees are named by their content, as in Git, so that
 * the same edits on the same base give the same tree. A request no route
 * answers, or one without the test token, is recorded and fails the test.
 */
class FakeGitHubRest {
  readonly unexpected: string[] = [];
  readonly unauthorized: string[] = [];
  readonly refs = new Map<string, string>();
  private readonly commits = new Map<string, FakeCommit>();
  private readonly trees = new Map<string, Map<string, string>>();
  private readonly runs: FakeRun[] = [];
  private readonly threads: FakeThread[] = [];
  private readonly comments: FakeComment[] = [];
  readonly permissions = new Map<string, Permission>();
  private clock = 0;
  private commitCount = 0;

  private readonly routes: [string, RegExp, (m: string[], q: URLSearchParams, b: Json) => Reply][] = [
    ['GET', /^\/commits\/(.+)\/check-runs$/, ([ref], q) => this.listRuns(ref as string, q)],
    ['POST', /^\/check-runs$/, (_m, _q, b) => this.createRun(b)],
    ['PATCH', /^\/check-runs\/(\d+)$/, ([id], _q, b) => this.updateRun(Number(id), b)],
    ['GET', /^\/git\/ref\/heads\/(.+)$/, ([branch]) => this.getRef(branch as string)],
    ['GET', /^\/git\/commits\/([0-9a-f]{40})$/, ([sha]) => this.getCommit(sha as string)],
    [
      'GET',
      /^\/compare\/([0-9a-f]{40})\.\.\.([0-9a-f]{40})$/,
      ([base, head]) => this.compare(base as string, head as string),
    ],
    ['POST', /^\/git\/trees$/, (_m, _q, b) => this.createTree(b)],
    ['POST', /^\/git\/commits$/, (_m, _q, b) => this.createCommit(b)],
    ['POST', /^\/git\/refs$/, (_m, _q, b) => this.createRef(b)],
    ['PATCH', /^\/git\/refs\/heads\/(.+)$/, ([branch], _q, b) => this.fastForward(branch as string, b)],
    ['GET', /^\/pulls$/, (_m, q) => this.listPulls(q)],
    ['POST', /^\/pulls$/, (_m, _q, b) => this.createPull(b)],
    ['GET', /^\/pulls\/(\d+)$/, ([n]) => this.withThread(Number(n), true, (t) => [200, this.pullJson(t)])],
    ['PATCH', /^\/pulls\/(\d+)$/, ([n], _q, b) => this.editThread(Number(n), true, b)],
    ['GET', /^\/issues$/, (_m, q) => this.listIssues(q)],
    ['POST', /^\/issues$/, (_m, _q, b) => this.createIssue(b)],
    ['GET', /^\/issues\/(\d+)$/, ([n]) => this.withThread(Number(n), false, (t) => [200, this.issueJson(t)])],
    ['PATCH', /^\/issues\/(\d+)$/, ([n], _q, b) => this.editThread(Number(n), false, b)],
    ['GET', /^\/issues\/(\d+)\/comments$/, ([n], q) => this.listComments(Number(n), q)],
    ['POST', /^\/issues\/(\d+)\/comments$/, ([n], _q, b) => this.createComment(Number(n), b)],
    ['PATCH', /^\/issues\/comments\/(\d+)$/, ([id], _q, b) => this.updateComment(Number(id), b)],
    ['GET', /^\/collaborators\/([^/]+)\/permission$/, ([login]) => this.permission(login as string)],
  ];

  constructor(readonly baseBranch: string) {
    const tree = this.storeTree(new Map([['config/APT_snapshots.d/debian/serial', '2021050301\n']]));
    const base = this.storeCommit({ tree, parents: [], author: PERSON, committer: PERSON, message: 'Base' });
    this.refs.set(baseBranch, base);
  }

  get baseSha(): string {
    return this.refs.get(this.baseBranch) as string;
  }

  answer(method: string, uri: string, rawBody: unknown, authorization: string | undefined): Reply {
    const url = new URL(uri, GITHUB_API);
    if (authorization !== `token ${TEST_TOKEN}`) {
      this.unauthorized.push(`${method} ${url.pathname}`);
      return [401, { message: 'Bad credentials' }];
    }
    const body = (typeof rawBody === 'string' ? JSON.parse(rawBody || '{}') : (rawBody ?? {})) as Json;
    if (method === 'POST' && url.pathname === '/graphql') return this.graphql(body);
    if (url.pathname.startsWith(`${REPO}/`)) {
      // Octokit encodes the slashes of a ref's name: the routes match the names as GitHub reads them.
      const path = decodeURIComponent(url.pathname.slice(REPO.length));
      for (const [m, pattern, handle] of this.routes) {
        const match = m === method ? pattern.exec(path) : null;
        if (match) return handle(match.slice(1), url.searchParams, body);
      }
    }
    this.unexpected.push(`${method} ${url.pathname}${url.search}`);
    return [501, { message: `not simulated: ${method} ${url.pathname}` }];
  }

  /** A person's commit on `branch`, or on `baseSha` when it does not exist yet. */
  pushAsPerson(branch: string, baseSha: string): { sha: string; author: string } {
    const parent = this.refs.get(branch) ?? baseSha;
    const files = new Map(this.trees.get(this.commitOf(parent).tree));
    files.set('README.person', `${branch}\n`);
    const sha = this.storeCommit({
      tree: this.storeTree(files),
      parents: [parent],
      author: PERSON,
      committer: PERSON,
      message: 'A person’s work',
    });
    this.refs.set(branch, sha);
    return { sha, author: PERSON };
  }

  openThread(fields: Omit<FakeThread, 'number' | 'state' | 'updated'>): FakeThread {
    const thread: FakeThread = { ...fields, number: this.threads.length + 1, state: 'open', updated: this.tick() };
    this.threads.push(thread);
    return thread;
  }

  commentsOn(on: Thread): string[] {
    const thread = this.threads.find((t) => t.number === on.number && t.pull === (on.kind === 'change-request'));
    if (!thread) throw new Error(`no ${on.kind} #${on.number}`);
    return this.comments.filter((c) => c.thread === thread.number).map((c) => c.body);
  }

  private tick(): number {
    this.clock += 1;
    return this.clock;
  }

  private storeTree(files: Map<string, string>): string {
    const sha = sha1(JSON.stringify([...files].sort(([a], [b]) => a.localeCompare(b))));
    this.trees.set(sha, files);
    return sha;
  }

  private storeCommit(fields: Omit<FakeCommit, 'sha'>): string {
    this.commitCount += 1;
    const sha = sha1(`commit ${this.commitCount}`);
    this.commits.set(sha, { sha, ...fields });
    return sha;
  }

  private commitOf(sha: string): FakeCommit {
    const commit = this.commits.get(sha);
    if (!commit) throw new Error(`no commit ${sha}`);
    return commit;
  }

  private ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const walk = [sha];
    while (walk.length > 0) {
      const next = walk.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      walk.push(...this.commitOf(next).parents);
    }
    return seen;
  }

  private commitJson(c: FakeCommit) {
    return {
      sha: c.sha,
      commit: { tree: { sha: c.tree }, author: { name: c.author }, message: c.message },
      author: user(c.author),
      committer: user(c.committer),
      parents: c.parents.map((sha) => ({ sha })),
    };
  }

  private runJson(run: FakeRun) {
    return {
      id: run.id,
      name: run.name,
      head_sha: run.headSha,
      status: run.status,
      conclusion: run.conclusion,
      external_id: run.externalId,
      html_url: `${HTML}/runs/${run.id}`,
      url: `${GITHUB_API}${REPO}/check-runs/${run.id}`,
      app: { id: IDENTITY.appId, slug: 'apt-snapshots-bot' },
      output: { title: run.title, summary: run.summary, annotations_count: run.annotationsCount },
    };
  }

  private listRuns(ref: string, q: URLSearchParams): Reply {
    const sha = this.refs.get(ref) ?? ref;
    if (!this.commits.has(sha)) return [422, { message: `No commit found for SHA: ${ref}` }];
    const name = q.get('check_name');
    const appId = q.get('app_id');
    let runs = this.runs
      .filter((r) => r.headSha === sha && (name === null || r.name === name))
      .filter(() => appId === null || Number(appId) === IDENTITY.appId)
      .sort((a, b) => b.id - a.id);
    if (q.get('filter') !== 'all') runs = runs.filter((r, i) => runs.findIndex((o) => o.name === r.name) === i);
    return [200, { total_count: runs.length, check_runs: runs.map((r) => this.runJson(r)) }];
  }

  /** Status and conclusion as GitHub keeps them: a conclusion completes the run, a pending status clears it. */
  private applyRun(run: FakeRun, b: Json): void {
    if (typeof b.status === 'string') run.status = b.status;
    if (typeof b.conclusion === 'string') {
      run.conclusion = b.conclusion;
      run.status = 'completed';
    } else if (run.status !== 'completed') run.conclusion = null;
    if (b.external_id !== undefined) run.externalId = b.external_id as string | null;
    const output = b.output as { title: string; summary: string; annotations?: unknown[] } | undefined;
    if (output) {
      run.title = output.title;
      run.summary = output.summary;
      // GitHub appends annotations on every write and never removes them.
      run.annotationsCount += output.annotations?.length ?? 0;
    }
  }

  private createRun(b: Json): Reply {
    const headSha = b.head_sha as string;
    if (!this.commits.has(headSha)) return [422, { message: 'No commit found for SHA: ' + headSha }];
    const run: FakeRun = {
      id: 7000 + this.runs.length + 1,
      name: b.name as string,
      headSha,
      status: 'queued',
      conclusion: null,
      externalId: null,
      title: '',
      summary: '',
      annotationsCount: 0,
    };
    this.applyRun(run, b);
    this.runs.push(run);
    return [201, this.runJson(run)];
  }

  private updateRun(id: number, b: Json): Reply {
    const run = this.runs.find((r) => r.id === id);
    if (!run) return NOT_FOUND;
    this.applyRun(run, b);
    return [200, this.runJson(run)];
  }

  private getRef(branch: string): Reply {
    const sha = this.refs.get(branch);
    return sha ? [200, { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } }] : NOT_FOUND;
  }

  private getCommit(sha: string): Reply {
    const c = this.commits.get(sha);
    return c ? [200, { sha, tree: { sha: c.tree }, parents: c.parents.map((p) => ({ sha: p })) }] : NOT_FOUND;
  }

  private compare(base: string, head: string): Reply {
    if (!this.commits.has(base) || !this.commits.has(head)) return NOT_FOUND;
    const fromBase = this.ancestors(base);
    const fromHead = this.ancestors(head);
    // Oldest first, as GitHub lists them.
    const ahead = [...fromHead].filter((sha) => !fromBase.has(sha)).reverse();
    const behind = [...fromBase].filter((sha) => !fromHead.has(sha));
    return [
      200,
      {
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        base_commit: this.commitJson(this.commitOf(base)),
        commits: ahead.map((sha) => this.commitJson(this.commitOf(sha))),
      },
    ];
  }

  private createTree(b: Json): Reply {
    const base = this.trees.get(b.base_tree as string);
    if (!base) return [422, { message: 'base_tree is not a valid tree oid' }];
    const files = new Map(base);
    for (const entry of b.tree as { path: string; content: string }[]) files.set(entry.path, entry.content);
    return [201, { sha: this.storeTree(files) }];
  }

  private createCommit(b: Json): Reply {
    const parents = b.parents as string[];
    if (!this.trees.has(b.tree as string) || !parents.every((p) => this.commits.has(p))) {
      return [422, { message: 'Invalid tree or parents' }];
    }
    const sha = this.storeCommit({
      tree: b.tree as string,
      parents,
      author: IDENTITY.botLogin,
      committer: IDENTITY.botLogin,
      message: b.message as string,
    });
    return [201, { sha, tree: { sha: b.tree }, parents: parents.map((p) => ({ sha: p })) }];
  }

  private createRef(b: Json): Reply {
    const branch = (b.ref as string).replace(/^refs\/heads\//, '');
    if (this.refs.has(branch)) return [422, { message: 'Reference already exists' }];
    if (!this.commits.has(b.sha as string)) return [422, { message: 'Object does not exist' }];
    this.refs.set(branch, b.sha as string);
    return [201, { ref: b.ref, object: { sha: b.sha, type: 'commit' } }];
  }

  private fastForward(branch: string, b: Json): Reply {
    const current = this.refs.get(branch);
    if (!current) return [422, { message: 'Reference does not exist' }];
    const sha = b.sha as string;
    if (b.force !== true && !this.ancestors(sha).has(current)) {
      return [422, { message: 'Update is not a fast forward' }];
    }
    this.refs.set(branch, sha);
    return [200, { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } }];
  }

  private graphql(b: Json): Reply {
    const v = (b.variables ?? {}) as { repositoryId?: string; name?: string; before?: string; after?: string };
    if (!/\bupdateRefs\b/.test(String(b.query)) || v.repositoryId !== REPOSITORY_ID) {
      this.unexpected.push(`POST /graphql ${String(b.query).slice(0, 60)}`);
      return [200, { errors: [{ message: 'not simulated' }] }];
    }
    const branch = String(v.name).replace(/^refs\/heads\//, '');
    if (this.refs.get(branch) !== v.before || !this.commits.has(String(v.after))) {
      return [200, { data: null, errors: [{ type: 'UNPROCESSABLE', message: `${v.name} is not at ${v.before}` }] }];
    }
    this.refs.set(branch, String(v.after));
    return [200, { data: { updateRefs: { clientMutationId: null } } }];
  }

  private pullJson(t: FakeThread) {
    return {
      number: t.number,
      html_url: `${HTML}/pull/${t.number}`,
      state: t.state,
      title: t.title,
      body: t.body,
      user: user(t.user),
      head: { ref: t.head, repo: { full_name: 'tails/tails' } },
      base: { ref: t.base },
      updated_at: this.time(t.updated),
    };
  }

  private issueJson(t: FakeThread) {
    return {
      number: t.number,
      html_url: `${HTML}/${t.pull ? 'pull' : 'issues'}/${t.number}`,
      state: t.state,
      title: t.title,
      body: t.body,
      user: user(t.user),
      updated_at: this.time(t.updated),
      ...(t.pull ? { pull_request: { url: `${GITHUB_API}${REPO}/pulls/${t.number}` } } : {}),
    };
  }

  /** The logical clock as a date: GitHub sorts by updated_at. */
  private time(tick: number): string {
    return new Date(Date.UTC(2021, 4, 13) + tick * 1000).toISOString();
  }

  private page<T>(items: T[], q: URLSearchParams): T[] {
    const perPage = Number(q.get('per_page') ?? 30);
    const page = Number(q.get('page') ?? 1);
    return items.slice((page - 1) * perPage, page * perPage);
  }

  private byState(q: URLSearchParams) {
    const state = q.get('state') ?? 'open';
    return (t: FakeThread) => state === 'all' || t.state === state;
  }

  private listPulls(q: URLSearchParams): Reply {
    const head = q.get('head');
    const base = q.get('base');
    const pulls = this.threads
      .filter((t) => t.pull && this.byState(q)(t))
      .filter((t) => (head === null || `tails:${t.head}` === head) && (base === null || t.base === base))
      .sort((a, b) => (q.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
    if ((q.get('sort') ?? 'created') !== 'created') this.unexpected.push(`GET /pulls sorted by ${q.get('sort')}`);
    return [200, this.page(pulls, q).map((t) => this.pullJson(t))];
  }

  private createPull(b: Json): Reply {
    const head = b.head as string;
    const base = b.base as string;
    if (!this.refs.has(head) || !this.refs.has(base)) {
      return [
        422,
        { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] },
      ];
    }
    if (this.threads.some((t) => t.pull && t.state === 'open' && t.head === head && t.base === base)) {
      return [
        422,
        { message: 'Validation Failed', errors: [{ message: `A pull request already exists for tails:${head}.` }] },
      ];
    }
    const pull = this.openThread({
      pull: true,
      title: b.title as string,
      body: (b.body as string | undefined) ?? '',
      user: IDENTITY.botLogin,
      head,
      base,
    });
    return [201, this.pullJson(pull)];
  }

  private withThread(number: number, pull: boolean, answer: (t: FakeThread) => Reply): Reply {
    // The issues endpoints answer for pull requests too; the pulls endpoints only for pull requests.
    const thread = this.threads.find((t) => t.number === number && (t.pull || !pull));
    return thread ? answer(thread) : NOT_FOUND;
  }

  private editThread(number: number, pull: boolean, b: Json): Reply {
    return this.withThread(number, pull, (t) => {
      if (typeof b.title === 'string') t.title = b.title;
      if (typeof b.body === 'string') t.body = b.body;
      if (b.state === 'open' || b.state === 'closed') t.state = b.state;
      t.updated = this.tick();
      return [200, pull ? this.pullJson(t) : this.issueJson(t)];
    });
  }

  private listIssues(q: URLSearchParams): Reply {
    const creator = q.get('creator');
    if ((q.get('sort') ?? 'created') !== 'updated') this.unexpected.push(`GET /issues sorted by ${q.get('sort')}`);
    const issues = this.threads
      .filter((t) => this.byState(q)(t) && (creator === null || t.user === creator))
      .sort((a, b) => (q.get('direction') === 'asc' ? a.updated - b.updated : b.updated - a.updated));
    return [200, this.page(issues, q).map((t) => this.issueJson(t))];
  }

  private createIssue(b: Json): Reply {
    const issue = this.openThread({
      pull: false,
      title: b.title as string,
      body: (b.body as string | undefined) ?? '',
      user: IDENTITY.botLogin,
    });
    return [201, this.issueJson(issue)];
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      html_url: `${HTML}/issues/${c.thread}#issuecomment-${c.id}`,
      body: c.body,
      user: user(c.user),
    };
  }

  private listComments(number: number, q: URLSearchParams): Reply {
    return this.withThread(number, false, (t) => [
      200,
      this.page(
        this.comments.filter((c) => c.thread === t.number),
        q,
      ).map((c) => this.commentJson(c)),
    ]);
  }

  private createComment(number: number, b: Json): Reply {
    return this.withThread(number, false, (t) => {
      const comment = {
        id: 9000 + this.comments.length + 1,
        thread: t.number,
        body: b.body as string,
        user: IDENTITY.botLogin,
      };
      this.comments.push(comment);
      t.updated = this.tick();
      return [201, this.commentJson(comment)];
    });
  }

  private updateComment(id: number, b: Json): Reply {
    const comment = this.comments.find((c) => c.id === id);
    if (!comment) return NOT_FOUND;
    comment.body = b.body as string;
    return this.withThread(comment.thread, false, (t) => {
      t.updated = this.tick();
      return [200, this.commentJson(comment)];
    });
  }

  private permission(login: string): Reply {
    const permission = this.permissions.get(login);
    if (permission === undefined) return NOT_FOUND;
    return [200, { permission: LEGACY[permission], role_name: permission, user: user(login) }];
  }
}

guardNock();

forgeContract('GitHubForge', async () => {
  const github = new FakeGitHubRest('devel');
  const interceptors = ['GET', 'POST', 'PATCH'].map((method) => {
    const interceptor = nock(GITHUB_API)
      .persist()
      .intercept(() => true, method);
    interceptor.reply(function (uri, body) {
      return github.answer(method, uri, body, this.req.headers.authorization);
    });
    return interceptor;
  });
  return {
    forge: new GitHubForge(testOctokit(), { owner: 'tails', repo: 'tails' }, IDENTITY, {
      repositoryId: REPOSITORY_ID,
    }),
    branchPrefix: IDENTITY.branchPrefix,
    baseBranch: github.baseBranch,
    baseSha: github.baseSha,
    pushAsPerson: async (branch, baseSha) => github.pushAsPerson(branch, baseSha),
    openChangeRequestAsPerson: async (head, base, title) =>
      void github.openThread({ pull: true, title, body: '', user: PERSON, head, base }),
    openIssueAsPerson: async (title, body) => void github.openThread({ pull: false, title, body, user: PERSON }),
    setPermission: async (login, permission) => void github.permissions.set(login, permission),
    branchHead: async (branch) => github.refs.get(branch),
    comments: async (on) => github.commentsOn(on),
    cleanup: async () => {
      try {
        expect({ unexpected: github.unexpected, unauthorized: github.unauthorized }).toEqual({
          unexpected: [],
          unauthorized: [],
        });
      } finally {
        for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
      }
    },
  };
});
