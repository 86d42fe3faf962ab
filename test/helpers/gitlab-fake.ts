import { createHash } from 'node:crypto';
import { gitlabApi, type GitLabApi, type GitLabConnection } from '../../src/adapters/gitlab/client.js';
import { GitLabForge } from '../../src/adapters/gitlab/gitlab-forge.js';
import { startGitLabStandIn, type GitLabReply, type GitLabRequest, type GitLabStandIn } from './gitlab-stand-in.js';

/**
 * A GitLab project with state, served by the stand-in: commits and
 * branches, commit statuses, merge requests, issues, their notes, users
 * and members. It answers as GitLab documents (snake_case fields, 404s
 * as {"message": "404 … Not Found"}, GitLab's refusals), so that the
 * adapter's tests read as scenarios: set the project up, call the forge,
 * look at the project.
 */

export const PROJECT_PATH = 'tails/tails';
export const PROJECT_ID = 42;
/** The project's numeric id of a fork, for merge requests from one. */
export const FORK_ID = 77;
const BASE_TIME = Date.parse('2024-05-01T12:00:00Z');

export interface FakeUser {
  id: number;
  username: string;
  name: string;
  email: string;
  state: 'active' | 'blocked' | 'deactivated';
}

export interface FakeCommit {
  id: string;
  parent_ids: string[];
  files: Map<string, string>;
  message: string;
  author_name: string;
  author_email: string;
  committer_name: string;
  committer_email: string;
}

export interface FakeStatus {
  id: number;
  sha: string;
  ref: string;
  name: string;
  status: string;
  description: string | null;
  target_url: string | null;
  author: { id: number; username: string };
  created_at: string;
}

export interface FakeNote {
  id: number;
  body: string;
  author: { id: number; username: string };
  system: boolean;
  created_at: string;
}

export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'merged';
  source_branch: string;
  target_branch: string;
  source_project_id: number;
  target_project_id: number;
  author: { id: number; username: string };
  remove_source_branch: boolean;
  created_at: string;
  /** Null while GitLab has not computed the diff yet. */
  diff_refs: { base_sha: string; head_sha: string; start_sha: string } | null;
  sha: string | null;
  notes: FakeNote[];
}

export interface FakeIssue {
  iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  author: { id: number; username: string };
  /** Who updated it last, as GraphQL's `updatedBy` says; GitLab sets it on every edit. */
  updated_by?: { id: number; username: string };
  updated_at: string;
  notes: FakeNote[];
}

/** The body of POST /projects/:id/repository/commits, as a client may send it: every field to be checked. */
export interface CommitInput {
  branch?: string;
  commit_message?: string;
  start_sha?: string;
  force?: boolean;
  author_name?: string;
  author_email?: string;
  actions?: { action?: string; file_path?: string; content?: string }[];
}

const notFound = (what: string): GitLabReply => ({ status: 404, body: { message: `404 ${what} Not Found` } });
const badRequest = (message: unknown): GitLabReply => ({ status: 400, body: { message } });

export class GitLabFake {
  readonly users = new Map<number, FakeUser>();
  /** Direct and inherited memberships: user id → access level. */
  readonly members = new Map<number, { access_level: number; inherited: boolean }>();
  readonly commits = new Map<string, FakeCommit>();
  readonly branches = new Map<string, string>();
  readonly statuses: FakeStatus[] = [];
  readonly mergeRequests: FakeMergeRequest[] = [];
  readonly issues: FakeIssue[] = [];
  readonly webUrl: string;
  /** Called with each request the fake takes, before it answers: a test's way to act in between. */
  beforeAnswer: (request: GitLabRequest) => void = () => undefined;
  private ticks = 0;
  private ids = 1000;

  constructor(
    readonly standIn: GitLabStandIn,
    readonly bot: FakeUser,
  ) {
    this.webUrl = `https://gitlab.example/${PROJECT_PATH}`;
    this.users.set(bot.id, bot);
    this.routes();
  }

  /** A moment later than every earlier one, as GitLab's timestamps. */
  now(): string {
    this.ticks += 1;
    return new Date(BASE_TIME + this.ticks * 1000).toISOString();
  }

  nextId(): number {
    this.ids += 1;
    return this.ids;
  }

  addUser(user: Omit<FakeUser, 'email' | 'name' | 'state'> & Partial<FakeUser>): FakeUser {
    const full: FakeUser = {
      name: user.username,
      email: `${user.username}@example.org`,
      state: 'active',
      ...user,
    };
    this.users.set(full.id, full);
    return full;
  }

  /** A commit with `files` on top of `parent` (its files changed by them); moves `branch` to it when given. */
  commit(options: {
    parent?: string;
    files?: Record<string, string>;
    author?: { name: string; email: string };
    committer?: { name: string; email: string };
    branch?: string;
    message?: string;
  }): string {
    const parentFiles = options.parent ? (this.commits.get(options.parent)?.files ?? new Map()) : new Map();
    const files = new Map<string, string>([...parentFiles, ...Object.entries(options.files ?? {})]);
    const author = options.author ?? { name: 'Anonym', email: 'anonym@example.org' };
    const committer = options.committer ?? author;
    const id = createHash('sha1')
      .update(`${options.parent ?? ''}\n${JSON.stringify([...files])}\n${author.email}\n${this.now()}`)
      .digest('hex');
    this.commits.set(id, {
      id,
      parent_ids: options.parent ? [options.parent] : [],
      files,
      message: options.message ?? 'A commit',
      author_name: author.name,
      author_email: author.email,
      committer_name: committer.name,
      committer_email: committer.email,
    });
    if (options.branch) this.branches.set(options.branch, id);
    return id;
  }

  /** A person's identity, as their commits carry it. */
  static person(name: string): { name: string; email: string } {
    return { name, email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.org` };
  }

  addMergeRequest(
    fields: Partial<FakeMergeRequest> & Pick<FakeMergeRequest, 'source_branch' | 'target_branch'>,
  ): FakeMergeRequest {
    const head = this.branches.get(fields.source_branch) ?? null;
    const base = this.branches.get(fields.target_branch) ?? null;
    const mr: FakeMergeRequest = {
      iid: this.mergeRequests.length + 1,
      title: 'A merge request',
      description: null,
      state: 'opened',
      source_project_id: PROJECT_ID,
      target_project_id: PROJECT_ID,
      author: this.ref(this.bot),
      remove_source_branch: false,
      created_at: this.now(),
      diff_refs: head && base ? { base_sha: base, head_sha: head, start_sha: base } : null,
      sha: head,
      notes: [],
      ...fields,
    };
    this.mergeRequests.push(mr);
    return mr;
  }

  addIssue(fields: Partial<FakeIssue> & Pick<FakeIssue, 'title'>): FakeIssue {
    const issue: FakeIssue = {
      iid: this.issues.length + 1,
      description: null,
      state: 'opened',
      author: this.ref(this.bot),
      updated_at: this.now(),
      notes: [],
      ...fields,
    };
    this.issues.push(issue);
    return issue;
  }

  /** A note on an issue or merge request; like GitLab, it makes an issue the one updated last. */
  addNote(
    on: { notes: FakeNote[]; updated_at?: string },
    body: string,
    author: FakeUser = this.bot,
    system = false,
  ): FakeNote {
    const note = { id: this.nextId(), body, author: this.ref(author), system, created_at: this.now() };
    on.notes.push(note);
    if (on.updated_at !== undefined) on.updated_at = this.now();
    return note;
  }

  ref(user: FakeUser): { id: number; username: string } {
    return { id: user.id, username: user.username };
  }

  private project(request: GitLabRequest): boolean {
    return request.params.id === PROJECT_PATH || request.params.id === String(PROJECT_ID);
  }

  /** A commit by sha, or the head of a branch of that name. */
  private resolve(ref: string): FakeCommit | undefined {
    return this.commits.get(ref) ?? this.commits.get(this.branches.get(ref) ?? '');
  }

  private ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const walk = [sha];
    while (walk.length > 0) {
      const next = walk.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      walk.push(...(this.commits.get(next)?.parent_ids ?? []));
    }
    return seen;
  }

  private commitJson(commit: FakeCommit) {
    return {
      id: commit.id,
      short_id: commit.id.slice(0, 8),
      title: commit.message.split('\n')[0],
      message: commit.message,
      parent_ids: commit.parent_ids,
      author_name: commit.author_name,
      author_email: commit.author_email,
      committer_name: commit.committer_name,
      committer_email: commit.committer_email,
      web_url: `${this.webUrl}/-/commit/${commit.id}`,
    };
  }

  private mergeRequestJson(mr: FakeMergeRequest) {
    const fields: Partial<FakeMergeRequest> = { ...mr };
    delete fields.notes;
    return {
      ...fields,
      id: 5000 + mr.iid,
      project_id: PROJECT_ID,
      web_url: `${this.webUrl}/-/merge_requests/${mr.iid}`,
    };
  }

  private issueJson(issue: FakeIssue) {
    const fields: Partial<FakeIssue> = { ...issue };
    delete fields.notes;
    return { ...fields, id: 7000 + issue.iid, project_id: PROJECT_ID, web_url: `${this.webUrl}/-/issues/${issue.iid}` };
  }

  private page<T>(items: T[], query: URLSearchParams): GitLabReply {
    const perPage = Number(query.get('per_page') ?? 20);
    const page = Number(query.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = { 'x-page': String(page), 'x-per-page': String(perPage) };
    if (page * perPage < items.length) headers['x-next-page'] = String(page + 1);
    return { body: slice, headers };
  }

  private on(method: string, pattern: string, handler: (request: GitLabRequest) => GitLabReply): void {
    this.standIn.on(method, pattern, (request) => {
      this.beforeAnswer(request);
      if (pattern.startsWith('/projects/:id') && !this.project(request)) return notFound('Project');
      return handler(request);
    });
  }

  private routes(): void {
    this.userRoutes();
    this.repositoryRoutes();
    this.statusRoutes();
    this.mergeRequestRoutes();
    this.issueRoutes();
  }

  private userRoutes(): void {
    this.on('GET', '/user', () => ({
      body: {
        ...this.ref(this.bot),
        name: this.bot.name,
        email: this.bot.email,
        commit_email: this.bot.email,
        state: 'active',
      },
    }));
    this.on('GET', '/users', ({ query }) => {
      const username = (query.get('username') ?? '').toLowerCase();
      const found = [...this.users.values()].filter((u) => u.username.toLowerCase() === username);
      return { body: found.map((u) => ({ ...this.ref(u), name: u.name, state: u.state })) };
    });
    const member = (inherited: boolean) => (request: GitLabRequest) => {
      const id = Number(request.params.user_id);
      const membership = this.members.get(id);
      const user = this.users.get(id);
      if (!membership || !user || (membership.inherited && !inherited)) return notFound('');
      return { body: { ...this.ref(user), name: user.name, state: user.state, access_level: membership.access_level } };
    };
    this.on('GET', '/projects/:id/members/all/:user_id', member(true));
    this.on('GET', '/projects/:id/members/:user_id', member(false));
  }

  private repositoryRoutes(): void {
    this.on('GET', '/projects/:id/repository/branches/:branch', ({ params }) => {
      const sha = this.branches.get(params.branch ?? '');
      const commit = sha === undefined ? undefined : this.commits.get(sha);
      return commit ? { body: { name: params.branch, commit: this.commitJson(commit) } } : notFound('Branch');
    });
    this.on('GET', '/projects/:id/repository/commits/:sha', ({ params }) => {
      const commit = this.resolve(params.sha ?? '');
      return commit ? { body: this.commitJson(commit) } : notFound('Commit');
    });
    this.on('GET', '/projects/:id/repository/compare', ({ query }) => {
      const from = this.resolve(query.get('from') ?? '');
      const to = this.resolve(query.get('to') ?? '');
      if (!from || !to) return notFound('Ref');
      const reachable = this.ancestors(from.id);
      const commits: FakeCommit[] = [];
      for (let at: FakeCommit | undefined = to; at && !reachable.has(at.id);) {
        commits.unshift(at);
        at = this.commits.get(at.parent_ids[0] ?? '');
      }
      const paths = new Set([...from.files.keys(), ...to.files.keys()]);
      const diffs = [...paths]
        .filter((p) => from.files.get(p) !== to.files.get(p))
        .map((p) => ({
          old_path: p,
          new_path: p,
          new_file: !from.files.has(p),
          deleted_file: !to.files.has(p),
          renamed_file: false,
          diff: '',
        }));
      return {
        body: {
          commit: this.commitJson(to),
          commits: commits.map((c) => this.commitJson(c)),
          diffs,
          compare_timeout: false,
          compare_same_ref: from.id === to.id,
        },
      };
    });
    this.on('GET', '/projects/:id/repository/files/:path', ({ params, query }) => {
      const commit = this.resolve(query.get('ref') ?? '');
      const content = commit?.files.get(params.path ?? '');
      if (!commit || content === undefined) return notFound('File');
      return {
        body: {
          file_name: (params.path ?? '').split('/').pop(),
          file_path: params.path,
          encoding: 'base64',
          content: Buffer.from(content).toString('base64'),
          ref: query.get('ref'),
          commit_id: commit.id,
        },
      };
    });
    this.on('POST', '/projects/:id/repository/commits', ({ body }) => this.createCommit(body));
  }

  /** POST /repository/commits as GitLab runs it: start_sha or the branch's head, force only with a start. */
  private createCommit(body: unknown): GitLabReply {
    const input = body as CommitInput;
    if (!input.branch || !input.commit_message || !Array.isArray(input.actions)) {
      return badRequest('branch, commit_message, actions are missing');
    }
    const existing = this.branches.get(input.branch);
    if (input.start_sha !== undefined && existing !== undefined && input.force !== true) {
      return badRequest(
        `A branch called '${input.branch}' already exists. Switch to that branch in order to make changes`,
      );
    }
    const parentSha = input.start_sha ?? existing;
    if (parentSha === undefined) return badRequest('You can only create or edit files when you are on a branch');
    const parent = this.commits.get(parentSha);
    if (!parent) return badRequest('Invalid start sha');
    const files: Record<string, string> = {};
    for (const action of input.actions) {
      const path = action.file_path ?? '';
      const present = parent.files.has(path);
      if (action.action === 'create' && present) return badRequest('A file with this name already exists');
      if (action.action === 'update' && !present) return badRequest("A file with this name doesn't exist");
      files[path] = action.content ?? '';
    }
    const id = this.commit({
      parent: parent.id,
      files,
      author: { name: input.author_name ?? this.bot.name, email: input.author_email ?? this.bot.email },
      committer: { name: this.bot.name, email: this.bot.email },
      branch: input.branch,
      message: input.commit_message,
    });
    return { status: 201, body: this.commitJson(this.commits.get(id) as FakeCommit) };
  }

  private statusRoutes(): void {
    this.on('GET', '/projects/:id/repository/commits/:sha/statuses', ({ params, query }) => {
      if (!this.resolve(params.sha ?? '')) return notFound('Commit');
      // GitLab matches statuses by the sha as given: a branch name finds none.
      let found = this.statuses.filter((s) => s.sha === params.sha);
      const name = query.get('name');
      if (name) found = found.filter((s) => s.name === name);
      const ref = query.get('ref');
      if (ref) found = found.filter((s) => s.ref === ref);
      if (query.get('all') !== 'true') {
        const latest = new Map<string, FakeStatus>();
        for (const s of found) if ((latest.get(s.name)?.id ?? 0) < s.id) latest.set(s.name, s);
        found = [...latest.values()];
      }
      return { body: found };
    });
    this.on('POST', '/projects/:id/statuses/:sha', ({ params, body }) => this.postStatus(params.sha ?? '', body));
  }

  /**
   * As GitLab's API: a pending or running status of that name is updated
   * in place (its description and URL first, then its state, which GitLab
   * refuses to set to the state it is in); a finished one is followed by
   * a new status.
   */
  private postStatus(sha: string, body: unknown): GitLabReply {
    const input = body as { state?: string; name?: string; description?: string; target_url?: string; ref?: string };
    if (!this.commits.has(sha)) return notFound('Commit');
    const states = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];
    if (!input.state || !states.includes(input.state)) return badRequest('state does not have a valid value');
    // GitLab counts characters, not UTF-16 units.
    if (Array.from(input.description ?? '').length > 255) {
      return badRequest({ description: ['is too long (maximum is 255 characters)'] });
    }
    const name = input.name ?? 'default';
    // As GitLab's CreateCommitStatusService: the ref given, else the first branch holding the commit, else 404.
    const ref = input.ref ?? [...this.branches].find(([, head]) => this.ancestors(head).has(sha))?.[0];
    if (ref === undefined) return { status: 404, body: { message: '404 References for commit Not Found' } };
    let status = this.statuses.find(
      (s) => s.sha === sha && s.name === name && s.ref === ref && ['pending', 'running'].includes(s.status),
    );
    if (!status) {
      status = {
        id: this.nextId(),
        sha,
        ref,
        name,
        status: 'created',
        description: null,
        target_url: null,
        author: this.ref(this.bot),
        created_at: this.now(),
      };
      this.statuses.push(status);
    }
    if (input.description !== undefined) status.description = input.description;
    if (input.target_url !== undefined) status.target_url = input.target_url;
    if (status.status === input.state) {
      const event = input.state === 'running' ? 'run' : 'enqueue';
      return badRequest(
        `Cannot transition status via :${event} from :${status.status} (Reason(s): Status cannot transition via "${event}")`,
      );
    }
    status.status = input.state;
    return { status: 201, body: status };
  }

  private notesRoutes(kind: 'merge_requests' | 'issues', find: (iid: number) => { notes: FakeNote[] } | undefined) {
    const base = `/projects/:id/${kind}/:iid/notes`;
    const what = kind === 'issues' ? 'Issue' : 'Merge Request';
    this.on('GET', base, ({ params, query }) => {
      const thread = find(Number(params.iid));
      if (!thread) return notFound(what);
      const sorted = [...thread.notes].sort((a, b) => a.id - b.id);
      return this.page(query.get('sort') === 'asc' ? sorted : sorted.reverse(), query);
    });
    this.on('POST', base, ({ params, body }) => {
      const thread = find(Number(params.iid));
      if (!thread) return notFound(what);
      const text = (body as { body?: string } | undefined)?.body;
      if (!text) return badRequest('body is missing');
      if (text.length > 1_000_000) return badRequest({ note: ['is too long (maximum is 1000000 characters)'] });
      return { status: 201, body: this.addNote(thread, text) };
    });
    this.on('GET', `${base}/:note_id`, ({ params }) => {
      const note = find(Number(params.iid))?.notes.find((n) => n.id === Number(params.note_id));
      return note ? { body: note } : notFound('Note');
    });
    this.on('PUT', `${base}/:note_id`, ({ params, body }) => {
      const note = find(Number(params.iid))?.notes.find((n) => n.id === Number(params.note_id));
      if (!note) return notFound('Note');
      if (note.author.id !== this.bot.id) return { status: 403, body: { message: '403 Forbidden' } };
      note.body = (body as { body: string }).body;
      return { body: note };
    });
  }

  private mergeRequestRoutes(): void {
    const find = (iid: number) => this.mergeRequests.find((mr) => mr.iid === iid);
    this.on('GET', '/projects/:id/merge_requests', ({ query }) => {
      let found = [...this.mergeRequests];
      const state = query.get('state');
      if (state && state !== 'all') found = found.filter((mr) => mr.state === state);
      for (const field of ['source_branch', 'target_branch'] as const) {
        const value = query.get(field);
        if (value) found = found.filter((mr) => mr[field] === value);
      }
      const author = query.get('author_id');
      if (author) found = found.filter((mr) => mr.author.id === Number(author));
      found.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.iid - a.iid);
      if (query.get('sort') === 'asc') found.reverse();
      return this.page(
        found.map((mr) => this.mergeRequestJson(mr)),
        query,
      );
    });
    this.on('GET', '/projects/:id/merge_requests/:iid', ({ params }) => {
      const mr = find(Number(params.iid));
      return mr ? { body: this.mergeRequestJson(mr) } : notFound('Merge Request');
    });
    this.on('POST', '/projects/:id/merge_requests', ({ body }) => {
      const input = body as {
        source_branch: string;
        target_branch: string;
        title: string;
        description?: string;
        remove_source_branch?: boolean;
      };
      if (!this.branches.has(input.source_branch) || !this.branches.has(input.target_branch)) {
        return badRequest('Invalid source or target branch');
      }
      const open = this.mergeRequests.find(
        (mr) =>
          mr.state === 'opened' &&
          mr.source_project_id === PROJECT_ID &&
          mr.source_branch === input.source_branch &&
          mr.target_branch === input.target_branch,
      );
      if (open) {
        return {
          status: 409,
          body: { message: [`Another open merge request already exists for this source branch: !${open.iid}`] },
        };
      }
      const mr = this.addMergeRequest({
        source_branch: input.source_branch,
        target_branch: input.target_branch,
        title: input.title,
        description: input.description ?? null,
        remove_source_branch: input.remove_source_branch === true,
      });
      return { status: 201, body: this.mergeRequestJson(mr) };
    });
    this.on('PUT', '/projects/:id/merge_requests/:iid', ({ params, body }) => {
      const mr = find(Number(params.iid));
      if (!mr) return notFound('Merge Request');
      const input = body as { title?: string; description?: string; state_event?: string };
      if (input.title !== undefined) mr.title = input.title;
      if (input.description !== undefined) mr.description = input.description;
      if (input.state_event === 'close' && mr.state === 'opened') mr.state = 'closed';
      return { body: this.mergeRequestJson(mr) };
    });
    this.notesRoutes('merge_requests', find);
  }

  private issueRoutes(): void {
    const find = (iid: number) => this.issues.find((i) => i.iid === iid);
    this.on('GET', '/projects/:id/issues', ({ query }) => {
      let found = [...this.issues];
      const state = query.get('state');
      if (state && state !== 'all') found = found.filter((i) => i.state === state);
      const author = query.get('author_id');
      if (author) found = found.filter((i) => i.author.id === Number(author));
      found.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      return this.page(
        found.map((i) => this.issueJson(i)),
        query,
      );
    });
    this.on('GET', '/projects/:id/issues/:iid', ({ params }) => {
      const issue = find(Number(params.iid));
      return issue ? { body: this.issueJson(issue) } : notFound('Issue');
    });
    this.on('POST', '/projects/:id/issues', ({ body }) => {
      const input = body as { title?: string; description?: string };
      if (!input.title) return badRequest('title is missing');
      const issue = this.addIssue({ title: input.title, description: input.description ?? null });
      return { status: 201, body: this.issueJson(issue) };
    });
    this.on('PUT', '/projects/:id/issues/:iid', ({ params, body }) => {
      const issue = find(Number(params.iid));
      if (!issue) return notFound('Issue');
      const input = body as { title?: string; description?: string; state_event?: string };
      if (input.title !== undefined) issue.title = input.title;
      if (input.description !== undefined) issue.description = input.description;
      if (input.state_event === 'close') issue.state = 'closed';
      issue.updated_at = this.now();
      issue.updated_by = this.ref(this.bot);
      return { body: this.issueJson(issue) };
    });
    this.notesRoutes('issues', find);
  }
}

export const BOT: FakeUser = {
  id: 11,
  username: 'apt-snapshots-bot',
  name: 'APT snapshots bot',
  email: 'apt-snapshots-bot@noreply.gitlab.example',
  state: 'active',
};

/** A stand-in serving a fake tails/tails, and the fake. */
export async function startGitLabFake(token?: string): Promise<{ standIn: GitLabStandIn; fake: GitLabFake }> {
  const standIn = await startGitLabStandIn(token);
  return { standIn, fake: new GitLabFake(standIn, { ...BOT }) };
}

export const BRANCH_PREFIX = 'apt-snapshots-bot/';

/**
 * A GitLabForge on the fake's project, addressed by its path, as the bot;
 * `connection` may replace the sleep (which records nothing and waits
 * nothing by default) and the limits.
 */
export function fakeForge(
  standIn: GitLabStandIn,
  fake: GitLabFake,
  connection: Partial<GitLabConnection> = {},
): { api: GitLabApi; forge: GitLabForge } {
  const api = gitlabApi({ host: standIn.url, token: standIn.token, sleep: () => Promise.resolve(), ...connection });
  const forge = new GitLabForge(
    api,
    { id: PROJECT_PATH, webUrl: fake.webUrl },
    { id: fake.bot.id, username: fake.bot.username, branchPrefix: BRANCH_PREFIX },
  );
  return { api, forge };
}
