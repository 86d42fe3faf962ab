import { createHash } from 'node:crypto';
import { fields, NOT_FOUND, Refusal, type Answer, type Route } from './fake-github-http.js';
import type { FakeCommit } from './fake-ref-graphql.js';

/** Refs per page of matching-refs: small, so that tests reach a second page. */
const MATCHING_PAGE = 50;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

interface MadeCommit {
  sha: string;
  tree: string;
  parents: string[];
}

/**
 * Git data as the bot writes it: branches it creates and moves, the trees
 * and commits it makes (a tree's id is a digest of what it was made of, so
 * the same edits on the same base make the same tree, as on GitHub), and
 * the compare API over them. The repository's own commits come from
 * `commitOf`; the bot's commits are authored and committed by `botLogin`.
 */
export class FakeGitData {
  private readonly branches = new Map<string, string>();
  private readonly commits = new Map<string, MadeCommit>();
  /** Refs neither branches nor tags (the bot's release claims), full name → sha. */
  private readonly others = new Map<string, string>();

  constructor(
    private readonly commitOf: (rev: string) => FakeCommit | undefined,
    private readonly botLogin: string,
    /** The repository's tags, name → the commit they name. */
    private readonly tags: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Every ref the fake knows by full name: the bot's branches, the tags and the other refs. */
  private allRefs(): [string, string][] {
    return [
      ...[...this.branches].map(([name, sha]): [string, string] => [`refs/heads/${name}`, sha]),
      ...[...this.tags].map(([name, sha]): [string, string] => [`refs/tags/${name}`, sha]),
      ...this.others,
    ];
  }

  /** Where a branch points: one the bot wrote, else the repository's. */
  headOf(branch: string): string | undefined {
    return this.branches.get(branch) ?? this.commitOf(`refs/heads/${branch}`)?.sha;
  }

  hasCommit(sha: string): boolean {
    return this.commits.has(sha) || this.commitOf(sha) !== undefined;
  }

  /** The tree of a commit known to exist: the bot's own, else one named after the repository's commit. */
  private treeOf(sha: string): string {
    return this.commits.get(sha)?.tree ?? sha1(`tree of ${sha}`);
  }

  /** A revision as compare takes it: a sha, or a branch name. */
  private resolve(rev: string): string | undefined {
    if (this.hasCommit(rev)) return rev;
    return this.headOf(rev);
  }

  /** updateRefs, as the GraphQL mutation moves a branch: only from the commit it names. */
  moveRef(name: unknown, before: unknown, after: unknown): { ok: true } | { ok: false; message: string } {
    const branch = typeof name === 'string' ? name.replace(/^refs\/heads\//, '') : '';
    if (this.headOf(branch) !== before || typeof after !== 'string' || !this.hasCommit(after))
      return { ok: false, message: `${String(name)} is not at ${String(before)}` };
    this.branches.set(branch, after);
    return { ok: true };
  }

  private compare(base: string, head: string): Answer {
    const baseSha = this.resolve(base);
    const headSha = this.resolve(head);
    if (!baseSha || !headSha) throw new Refusal(404, `no merge base of ${base} and ${head}`);
    const made: MadeCommit[] = [];
    for (let at = this.commits.get(headSha); at && at.sha !== baseSha; at = this.commits.get(at.parents[0] ?? ''))
      made.unshift(at);
    // The bot's commits sit on the base; any other head forked where its first parent is.
    const mergeBase =
      made.length > 0 ? baseSha : headSha === baseSha ? baseSha : (this.commitOf(headSha)?.parents[0] ?? headSha);
    const bot = { login: this.botLogin, type: 'Bot' };
    return {
      status: 200,
      json: {
        merge_base_commit: { sha: mergeBase },
        base_commit: { sha: baseSha, commit: { tree: { sha: this.treeOf(baseSha) } } },
        behind_by: 0,
        total_commits: made.length,
        commits: made.map((c) => ({
          sha: c.sha,
          commit: { tree: { sha: c.tree }, author: { name: this.botLogin } },
          author: bot,
          committer: bot,
        })),
      },
    };
  }

  routes(repo: string): Route[] {
    const ref = (branch: string, sha: string) => ({ ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } });
    return [
      {
        name: 'GET /repos/{owner}/{repo}/compare/{basehead}',
        method: 'GET',
        path: new RegExp(`^${repo}/compare/(.+)\\.\\.\\.([^/]+)$`),
        as: 'installation',
        handler: ({ match }) => this.compare(decodeURIComponent(match[1] ?? ''), decodeURIComponent(match[2] ?? '')),
      },
      {
        name: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
        method: 'GET',
        path: new RegExp(`^${repo}/git/ref/heads(?:/|%2F)(.+)$`, 'i'),
        as: 'installation',
        handler: ({ match }) => {
          const branch = decodeURIComponent(match[1] ?? '');
          const sha = this.headOf(branch);
          return sha ? { status: 200, json: ref(branch, sha) } : NOT_FOUND;
        },
      },
      {
        name: 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
        method: 'GET',
        path: new RegExp(`^${repo}/git/commits/([0-9a-f]{40})$`),
        as: 'installation',
        handler: ({ match }) => {
          const sha = match[1] ?? '';
          return this.hasCommit(sha) ? { status: 200, json: { sha, tree: { sha: this.treeOf(sha) } } } : NOT_FOUND;
        },
      },
      {
        name: 'POST /repos/{owner}/{repo}/git/trees',
        method: 'POST',
        path: new RegExp(`^${repo}/git/trees$`),
        as: 'installation',
        handler: ({ body }) => ({ status: 201, json: { sha: sha1(JSON.stringify(body)) } }),
      },
      {
        name: 'POST /repos/{owner}/{repo}/git/commits',
        method: 'POST',
        path: new RegExp(`^${repo}/git/commits$`),
        as: 'installation',
        handler: ({ body }) => {
          const { tree, parents } = fields(body);
          if (typeof tree !== 'string' || !Array.isArray(parents))
            throw new Refusal(422, 'a commit needs tree and parents');
          const commit: MadeCommit = { sha: sha1(JSON.stringify(body)), tree, parents: parents.map(String) };
          this.commits.set(commit.sha, commit);
          return { status: 201, json: { sha: commit.sha, tree: { sha: tree } } };
        },
      },
      {
        name: 'POST /repos/{owner}/{repo}/git/refs',
        method: 'POST',
        path: new RegExp(`^${repo}/git/refs$`),
        as: 'installation',
        handler: ({ body }) => {
          const { ref: name, sha } = fields(body);
          if (typeof name !== 'string' || !/^refs\/[^/]+\/.+/.test(name))
            throw new Refusal(422, 'Reference name is invalid: it must start with refs and have two slashes');
          if (typeof sha !== 'string' || !this.hasCommit(sha)) throw new Refusal(422, 'Object does not exist');
          const exists = { status: 422, json: { message: 'Reference already exists' } };
          if (!name.startsWith('refs/heads/')) {
            // One caller creates a ref; every other one is told it exists, as claims need.
            if (this.allRefs().some(([known]) => known === name)) return exists;
            this.others.set(name, sha);
            return { status: 201, json: { ref: name, object: { sha, type: 'commit' } } };
          }
          const branch = name.slice('refs/heads/'.length);
          if (this.headOf(branch)) return exists;
          this.branches.set(branch, sha);
          return { status: 201, json: ref(branch, sha) };
        },
      },
      {
        name: 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
        method: 'GET',
        path: new RegExp(`^${repo}/git/matching-refs/(.+)$`),
        as: 'installation',
        handler: ({ match, query, url }) => {
          // As GitHub: no page parameters documented, further pages named by the Link header.
          const prefix = `refs/${decodeURIComponent(match[1] ?? '')}`;
          const page = Number(query.get('page') ?? 1);
          const matching = this.allRefs()
            .filter(([name]) => name.startsWith(prefix))
            .sort(([a], [b]) => (a < b ? -1 : 1));
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          return {
            status: 200,
            json: matching
              .slice((page - 1) * MATCHING_PAGE, page * MATCHING_PAGE)
              .map(([name, sha]) => ({ ref: name, object: { sha, type: 'commit' } })),
            ...(matching.length > page * MATCHING_PAGE ? { headers: { link: `<${next.href}>; rel="next"` } } : {}),
          };
        },
      },
      {
        name: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
        method: 'PATCH',
        path: new RegExp(`^${repo}/git/refs/heads(?:/|%2F)(.+)$`, 'i'),
        as: 'installation',
        handler: ({ match, body }) => {
          const branch = decodeURIComponent(match[1] ?? '');
          const { sha } = fields(body);
          if (!this.headOf(branch)) return NOT_FOUND;
          if (typeof sha !== 'string' || !this.hasCommit(sha)) throw new Refusal(422, 'Object does not exist');
          this.branches.set(branch, sha);
          return { status: 200, json: ref(branch, sha) };
        },
      },
    ];
  }
}
