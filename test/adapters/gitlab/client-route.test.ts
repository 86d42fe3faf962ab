import { gitlabRoute } from '../../../src/adapters/gitlab/request-route.js';

describe('the route template of a GitLab request', () => {
  it.each([
    ['/api/v4/projects/tails%2Ftails/statuses/0123abcd', '/projects/:id/statuses/:sha'],
    ['/api/v4/projects/42/repository/commits/0123abcd/statuses', '/projects/:id/repository/commits/:sha/statuses'],
    ['/api/v4/projects/tails%2Ftails/repository/commits', '/projects/:id/repository/commits'],
    [
      '/api/v4/projects/tails%2Ftails/merge_requests/7/notes/123',
      '/projects/:id/merge_requests/:merge_request_iid/notes/:note_id',
    ],
    ['/api/v4/projects/tails%2Ftails/issues/5', '/projects/:id/issues/:issue_iid'],
    ['/api/v4/projects/tails%2Ftails/members/all/31', '/projects/:id/members/all/:user_id'],
    [
      '/api/v4/projects/tails%2Ftails/repository/files/config%2FAPT_snapshots.d%2Fserials/raw',
      '/projects/:id/repository/files/:file_path/raw',
    ],
    [
      '/api/v4/projects/tails%2Ftails/repository/branches/apt-snapshots-bot%2Fthaw',
      '/projects/:id/repository/branches/:branch',
    ],
    ['/api/v4/projects/tails%2Ftails/repository/tags/6.0', '/projects/:id/repository/tags/:tag_name'],
    ['/api/v4/projects/tails%2Ftails/repository/merge_base', '/projects/:id/repository/merge_base'],
    ['/api/v4/user', '/user'],
    ['/api/v4/users', '/users'],
    ['/api/graphql', '/api/graphql'],
  ])('%s is %s', (path, route) => {
    expect(gitlabRoute(path)).toBe(route);
  });

  it('takes a value that looks like one of GitLab words for the value it is', () => {
    expect(gitlabRoute('/api/v4/projects/notes/repository/branches/raw')).toBe(
      '/projects/:id/repository/branches/:branch',
    );
    expect(gitlabRoute('/api/v4/projects/tails%2Ftails/repository/tags/statuses')).toBe(
      '/projects/:id/repository/tags/:tag_name',
    );
  });

  it('keeps no segment it does not know, so that a label takes few values', () => {
    expect(gitlabRoute('/api/v4/projects/1/unheard_of/x%2Fy')).toBe('/projects/:id/:param/:param');
    expect(gitlabRoute('/api/v4/tails%2Ftails')).toBe('/:param');
  });

  it('names a path outside the API (other)', () => {
    expect(gitlabRoute('/tails/tails/-/raw/main/README')).toBe('(other)');
    expect(gitlabRoute('/api/v3/projects/1')).toBe('(other)');
  });
});
