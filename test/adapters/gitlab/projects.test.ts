import { gitlabApi } from '../../../src/adapters/gitlab/client.js';
import { forEachGitLabProject } from '../../../src/adapters/gitlab/projects.js';
import type { GitLabProjectRef } from '../../../src/adapters/gitlab/webhook-events.js';
import { standInPerTest } from '../../helpers/gitlab-stand-in.js';

function listed(id: number, more: Record<string, unknown> = {}) {
  return {
    id,
    path_with_namespace: `tails/p${id}`,
    web_url: `https://gitlab.example/tails/p${id}`,
    default_branch: 'main',
    archived: false,
    ...more,
  };
}

describe('forEachGitLabProject', () => {
  const standIn = standInPerTest();

  const api = () => gitlabApi({ host: standIn().url, token: standIn().token, sleep: () => Promise.resolve() });

  /** GitLab's offset pagination of `projects`, 100 a page as asked. */
  function serve(projects: unknown[]): void {
    standIn().on('GET', '/projects', ({ query }) => {
      const page = Number(query.get('page'));
      const perPage = Number(query.get('per_page'));
      const next = page * perPage < projects.length;
      return {
        body: projects.slice((page - 1) * perPage, page * perPage),
        headers: { 'x-page': String(page), 'x-per-page': String(perPage), 'x-next-page': next ? String(page + 1) : '' },
      };
    });
  }

  it('visits every project the bot is a Developer of, page by page, skipping archived and empty ones', async () => {
    const projects = [
      ...Array.from({ length: 99 }, (_, i) => listed(i + 1)),
      listed(100, { archived: true }),
      listed(101, { default_branch: null }),
      listed(102),
    ];
    serve(projects);
    const seen: GitLabProjectRef[] = [];

    await forEachGitLabProject(
      api(),
      (project) => {
        seen.push(project);
        return Promise.resolve();
      },
      (what) => {
        throw new Error(`nothing should fail: ${what}`);
      },
    );

    expect(seen.map((p) => p.id)).toEqual([...Array.from({ length: 99 }, (_, i) => i + 1), 102]);
    expect(seen.at(-1)).toEqual({
      id: 102,
      pathWithNamespace: 'tails/p102',
      webUrl: 'https://gitlab.example/tails/p102',
      defaultBranch: 'main',
    });
    expect(standIn().requests.map((r) => Object.fromEntries(r.query))).toEqual(
      [1, 2].map((page) => ({
        membership: 'true',
        min_access_level: '30',
        archived: 'false',
        simple: 'true',
        per_page: '100',
        page: String(page),
        pagination: 'offset',
      })),
    );
  });

  it('goes on past a project that fails, and tells which', async () => {
    serve([listed(1), listed(2), listed(3)]);
    const seen: number[] = [];
    const failed: [string, unknown][] = [];

    await forEachGitLabProject(
      api(),
      (project) => {
        seen.push(project.id);
        return project.id === 2 ? Promise.reject(new Error('broken')) : Promise.resolve();
      },
      (what, error) => failed.push([what, error]),
    );

    expect(seen).toEqual([1, 2, 3]);
    expect(failed).toEqual([['project tails/p2', new Error('broken')]]);
    expect(standIn().requests).toHaveLength(1);
  });

  it('rejects when the listing itself fails, naming GitLab’s answer', async () => {
    standIn().on('GET', '/projects', () => ({ status: 500, body: { message: '500 Internal Server Error' } }));
    let visits = 0;
    const each = () => {
      visits += 1;
      return Promise.resolve();
    };

    await expect(forEachGitLabProject(api(), each, () => undefined)).rejects.toThrow(/answered 500/);
    expect(visits).toBe(0);
  });
});
