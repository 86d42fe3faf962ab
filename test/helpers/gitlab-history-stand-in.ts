import { execFileSync } from 'node:child_process';
import type { TestRepo } from './git-repo.js';
import type { GitLabReply, GitLabRequest, GitLabStandIn } from './gitlab-stand-in.js';

/**
 * Routes that answer GitLab's branch and commit listings from a real Git
 * repository, as GitLab does (lib/api/commits.rb, lib/api/branches.rb):
 * the commits API runs `git log` with literal pathspecs, `--follow` for a
 * single path, `--first-parent` when asked, `per_page` (at most 100, 20 by
 * default) commits from `(page - 1) * per_page`; the next page is offered
 * whenever a page is full, even if it will be empty. An unknown ref lists
 * nothing. A query parameter GitLab does not know, or the reader should not
 * send, is refused and kept in `unexpected`.
 */
export interface HistoryStandInOptions {
  /** The project's full path, as REST ids (URL-encoded) name it. */
  project: string;
  repo: TestRepo;
}

const LISTING_PARAMETERS = new Set(['ref_name', 'first_parent', 'path', 'per_page', 'page']);
const FIELD = '\x1f';

function notFound(what: string): GitLabReply {
  return { status: 404, body: { message: `404 ${what} Not Found` } };
}

/** GitLab's rendering of a time: milliseconds, and the committer's offset. */
function gitlabTime(iso: string): string {
  return iso.replace(/([+-]\d\d:\d\d|Z)$/, '.000$1');
}

export function serveHistory(standIn: GitLabStandIn, options: HistoryStandInOptions): void {
  const { repo, project } = options;
  const git = (args: string[]): string =>
    execFileSync('git', args, {
      cwd: repo.dir,
      env: { ...repo.env, GIT_LITERAL_PATHSPECS: '1' },
      maxBuffer: 1 << 28,
    }).toString('utf8');

  const resolve = (rev: string): string | undefined => {
    if (rev === '' || rev.startsWith('-')) return undefined;
    try {
      return git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).trim();
    } catch {
      return undefined;
    }
  };

  const commitsOf = (logArgs: string[]) => {
    const format = ['%H', '%P', '%cI', '%aI', '%an', '%ae', '%cn', '%ce', '%B'].join('%x1f');
    return git(['log', '-z', `--format=${format}`, ...logArgs])
      .split('\0')
      .filter((record) => record !== '')
      .map((record) => {
        const [id = '', parents = '', committed = '', authored = '', an, ae, cn, ce, message = ''] =
          record.split(FIELD);
        return {
          id,
          short_id: id.slice(0, 8),
          created_at: gitlabTime(committed),
          parent_ids: parents === '' ? [] : parents.split(' '),
          title: message.split('\n')[0],
          message,
          author_name: an,
          author_email: ae,
          authored_date: gitlabTime(authored),
          committer_name: cn,
          committer_email: ce,
          committed_date: gitlabTime(committed),
          trailers: {},
          extended_trailers: {},
          web_url: `https://gitlab.example/${project}/-/commit/${id}`,
        };
      });
  };

  const wrongProject = (request: GitLabRequest) => request.params.id !== project;

  standIn.on('GET', '/projects/:id/repository/branches/:branch', (request) => {
    if (wrongProject(request)) return notFound('Project');
    const sha = resolve(`refs/heads/${request.params.branch}`);
    if (sha === undefined) return notFound('Branch');
    const [commit] = commitsOf(['-1', sha]);
    return {
      body: {
        name: request.params.branch,
        commit,
        merged: false,
        protected: false,
        developers_can_push: false,
        developers_can_merge: false,
        can_push: true,
        default: request.params.branch === 'devel',
        web_url: `https://gitlab.example/${project}/-/tree/${request.params.branch}`,
      },
    };
  });

  standIn.on('GET', '/projects/:id/repository/commits', (request) => {
    if (wrongProject(request)) return notFound('Project');
    const unknown = [...request.query.keys()].filter((key) => !LISTING_PARAMETERS.has(key));
    if (unknown.length > 0) {
      standIn.unexpected.push(`GET ${request.path} with ${unknown.join(', ')}`);
      return { status: 400, body: { error: `${unknown.join(', ')} is not expected here` } };
    }
    const page = Math.max(1, Number(request.query.get('page') ?? '1') || 1);
    const perPage = Math.min(100, Number(request.query.get('per_page') ?? '20') || 20);
    const sha = resolve(request.query.get('ref_name') ?? 'devel');
    const path = request.query.get('path');
    const commits =
      sha === undefined
        ? []
        : commitsOf([
            `--skip=${(page - 1) * perPage}`,
            `--max-count=${perPage}`,
            ...(request.query.get('first_parent') === 'true' ? ['--first-parent'] : []),
            ...(path === null ? [sha] : ['--follow', sha, '--', path]),
          ]);
    const full = commits.length === perPage;
    const link = (p: number, rel: string) => {
      const query = new URLSearchParams(request.query);
      query.set('page', String(p));
      return `<${standIn.url}${request.url.split('?')[0]}?${query.toString()}>; rel="${rel}"`;
    };
    return {
      body: commits,
      headers: {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': full ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
        link: [
          ...(page > 1 ? [link(page - 1, 'prev')] : []),
          ...(full ? [link(page + 1, 'next')] : []),
          link(1, 'first'),
        ].join(', '),
      },
    };
  });
}
