import { gitlabApi } from '../../../src/adapters/gitlab/client.js';
import { listGitLabTags } from '../../../src/adapters/gitlab/tags.js';
import { standInPerTest } from '../../helpers/gitlab-stand-in.js';

const PROJECT = { id: 'tails/tails', webUrl: 'https://gitlab.example/tails/tails' };

describe('listGitLabTags', () => {
  const standIn = standInPerTest();

  const api = () => gitlabApi({ host: standIn().url, token: standIn().token, sleep: () => Promise.resolve() });

  /** GitLab's tags listing: `search` is a substring, or a prefix with `^`; here it also lets a near miss through. */
  function serve(names: string[]): void {
    standIn().on('GET', '/projects/:id/repository/tags', ({ params, query }) => {
      if (params.id !== PROJECT.id) return { status: 404, body: { message: '404 Project Not Found' } };
      const page = Number(query.get('page'));
      const perPage = Number(query.get('per_page'));
      const search = query.get('search') ?? '';
      const found = names.filter((n) => n.includes(search.replace(/^\^/, '')));
      return {
        body: found
          .slice((page - 1) * perPage, page * perPage)
          .map((name) => ({ name, commit: { id: 'a'.repeat(40) } })),
        headers: { 'x-page': String(page), 'x-per-page': String(perPage) },
      };
    });
  }

  it('lists the tags starting with the prefix over as many pages as there are', async () => {
    const fours = Array.from({ length: 150 }, (_, i) => `4.${i}`);
    serve([...fours, '5.0', '14.1']);

    const names = await listGitLabTags(api(), PROJECT, '4.');

    // GitLab matched `14.1` too (a substring): the prefix is kept exact.
    expect(names).toEqual(fours);
    expect(standIn().requests.map((r) => [r.path, Object.fromEntries(r.query)])).toEqual(
      [1, 2].map((page) => [
        '/projects/tails/tails/repository/tags',
        { search: '^4.', per_page: '100', page: String(page) },
      ]),
    );
    expect(standIn().requests[0]?.url).toContain(`/projects/${encodeURIComponent('tails/tails')}/repository/tags`);
  });

  it('refuses to cut the list short: more than 1000 tags with the prefix is an error naming it', async () => {
    serve(Array.from({ length: 1001 }, (_, i) => `4.${i}`));

    await expect(listGitLabTags(api(), PROJECT, '4.')).rejects.toThrow(
      'more than 1000 tags start with "4." in tails/tails: not read further',
    );
    expect(standIn().requests).toHaveLength(11);
  });

  it('reads exactly 1000 tags whole, asking one page more to know it is the end', async () => {
    serve(Array.from({ length: 1000 }, (_, i) => `4.${i}`));

    expect(await listGitLabTags(api(), PROJECT, '4.')).toHaveLength(1000);
    expect(standIn().requests).toHaveLength(11);
  });

  it('asks once when a page is not full', async () => {
    serve(['4.18', '4.19-rc1', '5.0']);

    expect(await listGitLabTags(api(), PROJECT, '4.')).toEqual(['4.18', '4.19-rc1']);
    expect(standIn().requests).toHaveLength(1);
  });

  it('rejects when GitLab fails', async () => {
    standIn().on('GET', '/projects/:id/repository/tags', () => ({ status: 500, body: { message: '500 Whoops' } }));

    await expect(listGitLabTags(api(), PROJECT, '4.')).rejects.toThrow(/list tags.*answered 500/);
  });
});
