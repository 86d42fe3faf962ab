import { fields, NOT_FOUND, type Route } from './fake-github-http.js';

/** A pull request the repository has: its branches and their commits. */
export interface FakePullRequest {
  head: string;
  headSha: string;
  base: string;
  baseSha: string;
  /** A fork's pull request: its head is in another repository. */
  fork?: boolean;
}

interface Pull extends FakePullRequest {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
}

export interface FakeIssuesOptions {
  /** Issues that exist, by number. */
  issues?: readonly number[];
  /** Pull requests that exist, by number. */
  pullRequests?: Readonly<Record<number, FakePullRequest>>;
  /** Collaborators' roles by login; anyone else is not one (404). */
  collaborators?: Readonly<Record<string, string>>;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  login: string;
}

/**
 * Issues, pull requests, their comments and collaborators' permissions:
 * the issues and pull requests given, and those the bot opens; any other
 * number is a 404, as for an issue deleted or transferred.
 */
export class FakeIssues {
  private readonly pulls = new Map<number, Pull>();
  private readonly comments: Comment[] = [];
  private readonly issues: Set<number>;
  private readonly collaborators: Readonly<Record<string, string>>;
  private nextPull = 1000;

  constructor(
    private readonly fullName: string,
    private readonly htmlRoot: string,
    private readonly botLogin: string,
    options: FakeIssuesOptions,
  ) {
    this.issues = new Set(options.issues ?? []);
    this.collaborators = options.collaborators ?? {};
    for (const [number, pull] of Object.entries(options.pullRequests ?? {}))
      this.pulls.set(Number(number), { ...pull, number: Number(number), state: 'open', title: '', body: '' });
  }

  private exists(issue: number): boolean {
    return this.issues.has(issue) || this.pulls.has(issue);
  }

  private pullJson(pull: Pull): Record<string, unknown> {
    const headRepo = pull.fork ? `someone/${this.fullName.split('/')[1] ?? ''}` : this.fullName;
    return {
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      html_url: `${this.htmlRoot}/pull/${pull.number}`,
      head: { ref: pull.head, sha: pull.headSha, repo: { full_name: headRepo } },
      base: { ref: pull.base, sha: pull.baseSha, repo: { full_name: this.fullName } },
    };
  }

  private commentJson(comment: Comment): Record<string, unknown> {
    return {
      id: comment.id,
      body: comment.body,
      html_url: `${this.htmlRoot}/issues/${comment.issue}#issuecomment-${comment.id}`,
      user: { login: comment.login, type: 'Bot' },
    };
  }

  routes(repo: string): Route[] {
    const pullOf = (match: RegExpExecArray) => this.pulls.get(Number(match[1]));
    return [
      {
        name: 'GET /repos/{owner}/{repo}/pulls',
        method: 'GET',
        path: new RegExp(`^${repo}/pulls$`),
        as: 'installation',
        handler: ({ query }) => {
          const owner = this.fullName.split('/')[0] ?? '';
          const listed = [...this.pulls.values()].filter(
            (p) =>
              (query.get('state') ?? 'open') === p.state &&
              (!query.has('head') || query.get('head') === `${owner}:${p.head}`) &&
              (!query.has('base') || query.get('base') === p.base),
          );
          return { status: 200, json: listed.map((p) => this.pullJson(p)) };
        },
      },
      {
        name: 'POST /repos/{owner}/{repo}/pulls',
        method: 'POST',
        path: new RegExp(`^${repo}/pulls$`),
        as: 'installation',
        handler: ({ body }) => {
          const { head, base, title, body: text } = fields(body);
          if ([...this.pulls.values()].some((p) => p.state === 'open' && p.head === head && p.base === base))
            return {
              status: 422,
              json: {
                message: 'Validation Failed',
                errors: [{ message: `A pull request already exists for ${String(head)}.` }],
              },
            };
          const pull: Pull = {
            number: this.nextPull++,
            head: String(head),
            headSha: '',
            base: String(base),
            baseSha: '',
            state: 'open',
            title: String(title),
            body: typeof text === 'string' ? text : '',
          };
          this.pulls.set(pull.number, pull);
          return { status: 201, json: this.pullJson(pull) };
        },
      },
      {
        name: 'GET /repos/{owner}/{repo}/pulls/{pull_number}',
        method: 'GET',
        path: new RegExp(`^${repo}/pulls/(\\d+)$`),
        as: 'installation',
        handler: ({ match }) => {
          const pull = pullOf(match);
          return pull ? { status: 200, json: this.pullJson(pull) } : NOT_FOUND;
        },
      },
      {
        name: 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
        method: 'PATCH',
        path: new RegExp(`^${repo}/pulls/(\\d+)$`),
        as: 'installation',
        handler: ({ match, body }) => {
          const pull = pullOf(match);
          if (!pull) return NOT_FOUND;
          const { title, body: text, state } = fields(body);
          if (typeof title === 'string') pull.title = title;
          if (typeof text === 'string') pull.body = text;
          if (state === 'open' || state === 'closed') pull.state = state;
          return { status: 200, json: this.pullJson(pull) };
        },
      },
      {
        name: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        method: 'GET',
        path: new RegExp(`^${repo}/issues/(\\d+)/comments$`),
        as: 'installation',
        handler: ({ match }) => {
          const issue = Number(match[1]);
          if (!this.exists(issue)) return NOT_FOUND;
          return {
            status: 200,
            json: this.comments.filter((c) => c.issue === issue).map((c) => this.commentJson(c)),
          };
        },
      },
      {
        name: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        method: 'POST',
        path: new RegExp(`^${repo}/issues/(\\d+)/comments$`),
        as: 'installation',
        handler: ({ match, body }) => {
          const issue = Number(match[1]);
          if (!this.exists(issue)) return NOT_FOUND;
          const comment: Comment = {
            id: 9000 + this.comments.length,
            issue,
            body: String(fields(body).body),
            login: this.botLogin,
          };
          this.comments.push(comment);
          return { status: 201, json: this.commentJson(comment) };
        },
      },
      {
        name: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
        method: 'PATCH',
        path: new RegExp(`^${repo}/issues/comments/(\\d+)$`),
        as: 'installation',
        handler: ({ match, body }) => {
          const comment = this.comments.find((c) => c.id === Number(match[1]));
          if (!comment) return NOT_FOUND;
          comment.body = String(fields(body).body);
          return { status: 200, json: this.commentJson(comment) };
        },
      },
      {
        name: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        method: 'GET',
        path: new RegExp(`^${repo}/collaborators/([^/]+)/permission$`),
        as: 'installation',
        handler: ({ match }) => {
          const login = decodeURIComponent(match[1] ?? '');
          const role = this.collaborators[login];
          if (role === undefined) return NOT_FOUND;
          const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
          return { status: 200, json: { permission, role_name: role, user: { login } } };
        },
      },
    ];
  }
}
