import { execFileSync } from 'node:child_process';
import type { TestRepo } from './git-repo.js';
import { PROJECT_PATH, type CommitInput, type FakeCommit, type GitLabFake } from './gitlab-fake.js';
import { serveHistory } from './gitlab-history-stand-in.js';
import { serveRepository } from './gitlab-repo-stand-in.js';
import type { GitLabReply, GitLabRequest, GitLabStandIn } from './gitlab-stand-in.js';

/**
 * One GitLab project whose repository is a real Git repository: reads
 * (commits, trees, blobs, branches, history, tags) come from it through
 * the repository and history stand-ins, and the fake's own writes
 * (statuses, notes, merge requests, issues) find its commits, branches
 * and files mirrored into it. The bot's commits (POST
 * /repository/commits) are made in the real repository, as GitLab makes
 * them, and mirrored too, so that every later read sees them.
 */
export interface GitLabProjectStandIn {
  /** Mirrors the repository into the fake again: after a test committed or moved a branch itself. */
  sync(): void;
  /** The files of a commit, as the repository holds them. */
  filesOf(sha: string): Map<string, string>;
}

const badRequest = (message: string): GitLabReply => ({ status: 400, body: { message } });
const notFound = (what: string): GitLabReply => ({ status: 404, body: { message: `404 ${what} Not Found` } });
const TAGS_PER_PAGE = 20;

export function serveProject(
  standIn: GitLabStandIn,
  fake: GitLabFake,
  repo: TestRepo,
  options: { commitDate?: Date } = {},
): GitLabProjectStandIn {
  const stamp = `${Math.floor((options.commitDate ?? new Date('2021-05-14T00:00:00Z')).getTime() / 1000)} +0000`;
  const git = (args: string[], input?: string, env: NodeJS.ProcessEnv = {}): string =>
    execFileSync('git', args, {
      cwd: repo.dir,
      env: { ...repo.env, GIT_LITERAL_PATHSPECS: '1', ...env },
      input,
      maxBuffer: 1 << 28,
    }).toString('utf8');
  const blobs = new Map<string, string>();

  const filesOf = (sha: string): Map<string, string> => {
    const files = new Map<string, string>();
    for (const line of git(['ls-tree', '-r', '-z', sha]).split('\0')) {
      const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(line);
      if (!match) continue;
      const oid = match[1] as string;
      if (!blobs.has(oid)) blobs.set(oid, git(['cat-file', 'blob', oid]));
      files.set(match[2] as string, blobs.get(oid) as string);
    }
    return files;
  };

  const sync = (): void => {
    for (const sha of git(['rev-list', '--all']).split('\n').filter(Boolean)) {
      if (fake.commits.has(sha)) continue;
      const [parents = '', an = '', ae = '', cn = '', ce = '', message = ''] = git([
        'log',
        '-1',
        '--format=%P%x00%an%x00%ae%x00%cn%x00%ce%x00%B',
        sha,
      ]).split('\0');
      const commit: FakeCommit = {
        id: sha,
        parent_ids: parents.trim() === '' ? [] : parents.trim().split(' '),
        files: filesOf(sha),
        message: message.replace(/\n+$/, ''),
        author_name: an,
        author_email: ae,
        committer_name: cn,
        committer_email: ce,
      };
      fake.commits.set(sha, commit);
    }
    fake.branches.clear();
    for (const line of git(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads']).split('\n')) {
      const [name, sha] = line.split(' ');
      if (name && sha) fake.branches.set(name, sha);
    }
  };

  const headOf = (branch: string): string | undefined => {
    try {
      return git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).trim() || undefined;
    } catch {
      return undefined;
    }
  };

  /** POST /repository/commits as GitLab runs it: on start_sha or the branch's head, replacing a branch only with force. */
  const createCommit = (request: GitLabRequest): GitLabReply => {
    if (request.params.id !== PROJECT_PATH) return notFound('Project');
    const input = (request.body ?? {}) as CommitInput;
    if (!input.branch || !input.commit_message || !Array.isArray(input.actions) || input.actions.length === 0)
      return badRequest('branch, commit_message, actions are missing');
    const existing = headOf(input.branch);
    if (input.start_sha !== undefined && existing !== undefined && input.force !== true)
      return badRequest(
        `A branch called '${input.branch}' already exists. Switch to that branch in order to make changes`,
      );
    const parent = input.start_sha ?? existing;
    if (parent === undefined) return badRequest('You can only create or edit files when you are on a branch');
    if (!fake.commits.has(parent)) return badRequest('Invalid start sha');
    const present = fake.commits.get(parent)?.files ?? new Map<string, string>();
    const index = { GIT_INDEX_FILE: `${repo.dir}/.git/bot-index` };
    git(['read-tree', parent], undefined, index);
    for (const action of input.actions) {
      const path = action.file_path ?? '';
      if (action.action === 'create' && present.has(path)) return badRequest('A file with this name already exists');
      if (action.action === 'update' && !present.has(path)) return badRequest("A file with this name doesn't exist");
      if (action.action !== 'create' && action.action !== 'update')
        return badRequest('action does not have a valid value');
      const oid = git(['hash-object', '-w', '--stdin'], action.content ?? '').trim();
      git(['update-index', '--add', '--cacheinfo', `100644,${oid},${path}`], undefined, index);
    }
    const tree = git(['write-tree'], undefined, index).trim();
    const sha = git(['commit-tree', tree, '-p', parent, '-m', input.commit_message], undefined, {
      GIT_AUTHOR_NAME: input.author_name ?? fake.bot.name,
      GIT_AUTHOR_EMAIL: input.author_email ?? fake.bot.email,
      GIT_COMMITTER_NAME: fake.bot.name,
      GIT_COMMITTER_EMAIL: fake.bot.email,
      GIT_AUTHOR_DATE: stamp,
      GIT_COMMITTER_DATE: stamp,
    }).trim();
    git(['update-ref', `refs/heads/${input.branch}`, sha]);
    sync();
    const made = fake.commits.get(sha) as FakeCommit;
    return {
      status: 201,
      body: {
        id: sha,
        short_id: sha.slice(0, 8),
        title: input.commit_message.split('\n')[0],
        message: input.commit_message,
        parent_ids: made.parent_ids,
        author_name: made.author_name,
        author_email: made.author_email,
        committer_name: made.committer_name,
        committer_email: made.committer_email,
      },
    };
  };

  /** GET /repository/tags: newest first by default as GitLab, `search=^PREFIX` keeping names that start so. */
  const listTags = (request: GitLabRequest): GitLabReply => {
    if (request.params.id !== PROJECT_PATH) return notFound('Project');
    const search = request.query.get('search') ?? '';
    const perPage = Math.min(100, Number(request.query.get('per_page') ?? TAGS_PER_PAGE));
    const page = Number(request.query.get('page') ?? 1);
    const all = git([
      'for-each-ref',
      '--sort=-creatordate',
      '--format=%(refname:short) %(*objectname) %(objectname)',
      'refs/tags',
    ])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .filter(([name]) =>
        search.startsWith('^') ? (name as string).startsWith(search.slice(1)) : (name as string).includes(search),
      );
    const slice = all.slice((page - 1) * perPage, page * perPage);
    return {
      body: slice.map(([name, peeled, object]) => ({ name, target: object, commit: { id: peeled || object } })),
      headers: {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': page * perPage < all.length ? String(page + 1) : '',
      },
    };
  };

  serveRepository(standIn, {
    project: PROJECT_PATH,
    repo,
    issueUpdate: (iid) => {
      const issue = fake.issues.find((i) => i.iid === iid);
      return issue && { updatedBy: issue.updated_by ?? null, updatedAt: issue.updated_at };
    },
  });
  serveHistory(standIn, { project: PROJECT_PATH, repo });
  standIn.on('POST', '/projects/:id/repository/commits', createCommit);
  standIn.on('GET', '/projects/:id/repository/tags', listTags);
  sync();
  return { sync, filesOf };
}
