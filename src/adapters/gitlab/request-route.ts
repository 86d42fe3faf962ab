/**
 * A collection of GitLab's REST API whose next segment names one of its
 * members, and how the route template calls that member, as GitLab's
 * documentation does (`/projects/:id/merge_requests/:merge_request_iid`).
 */
const MEMBER_OF: Readonly<Record<string, string>> = {
  projects: ':id',
  users: ':id',
  groups: ':id',
  merge_requests: ':merge_request_iid',
  issues: ':issue_iid',
  notes: ':note_id',
  discussions: ':discussion_id',
  statuses: ':sha',
  commits: ':sha',
  branches: ':branch',
  tags: ':tag_name',
  files: ':file_path',
  blobs: ':sha',
  pipelines: ':pipeline_id',
  jobs: ':job_id',
  members: ':user_id',
  all: ':user_id',
};

/** Segments GitLab's REST API has as they are, which a template keeps. */
const LITERAL = new Set([
  ...Object.keys(MEMBER_OF),
  'repository',
  'compare',
  'tree',
  'raw',
  'merge_base',
  'diff',
  'refs',
  'trigger',
  'pipeline',
  'user',
  'version',
  'metadata',
  'closes_issues',
]);

/**
 * The route template of a request to GitLab, for a metric's label: REST
 * paths under /api/v4 lose that prefix and have every value (a project
 * path, a sha, a branch, a file) replaced by its parameter's name, so that
 * the label takes few values whatever the bot works on; GraphQL is one
 * route. A segment this does not know becomes `:param` rather than a label
 * value of its own, and a path outside the API `(other)`. `pathname` is
 * the URL's, still percent-encoded (a project path is one segment there),
 * after the host's own path if GitLab is served under one.
 */
export function gitlabRoute(pathname: string): string {
  if (pathname === '/api/graphql') return pathname;
  if (!pathname.startsWith('/api/v4/')) return '(other)';
  const segments = pathname.slice('/api/v4/'.length).split('/');
  const template: string[] = [];
  let member: string | undefined;
  for (const segment of segments) {
    // `members/all` lists every member, inherited ones too: `all` is a word there, not a user.
    const word = LITERAL.has(segment) && (member === undefined || (segment === 'all' && template.at(-1) === 'members'));
    if (word) {
      template.push(segment);
      member = MEMBER_OF[segment];
    } else {
      template.push(member ?? ':param');
      member = undefined;
    }
  }
  return `/${template.join('/')}`;
}
