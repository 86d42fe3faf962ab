import { gitlabSecond, issueUpdate } from '../../../src/adapters/gitlab/issue-updater.js';
import { ForgeError } from '../../../src/ports/forge-error.js';
import { makeRepo, type TestRepo } from '../../helpers/git-repo.js';
import { serveRepository } from '../../helpers/gitlab-repo-stand-in.js';
import { startGitLabStandIn, type GitLabStandIn } from '../../helpers/gitlab-stand-in.js';
import { tailsTree } from '../../helpers/snapshot.js';

let repo: TestRepo;
let standIn: GitLabStandIn;
const AT = '2021-05-14T00:00:07Z';
const updaters = new Map<number, { id: number; username: string } | null>();

beforeAll(async () => {
  repo = await makeRepo(tailsTree());
});
afterAll(async () => {
  await repo.cleanup();
});
beforeEach(async () => {
  updaters.clear();
  standIn = await startGitLabStandIn();
  serveRepository(standIn, {
    project: 'tails/tails',
    repo,
    issueUpdate: (iid) => {
      const by = updaters.get(iid);
      return by === undefined ? undefined : { updatedBy: by, updatedAt: AT };
    },
  });
});
afterEach(async () => {
  await standIn.close();
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
});

const ask = (iid: number) =>
  issueUpdate({ host: standIn.url, token: standIn.token, sleep: async () => {} }, 'tails/tails', iid);

describe('issueUpdate', () => {
  it('names the user GitLab records as the last to update the issue, by id and username, in one request', async () => {
    updaters.set(3, { id: 3001, username: 'intrigeri' });
    await expect(ask(3)).resolves.toEqual({ by: { login: 'intrigeri', id: 3001 }, at: new Date(AT) });
    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/graphql']);
  });

  it('names nobody when GitLab records no one', async () => {
    updaters.set(3, null);
    await expect(ask(3)).resolves.toEqual({ at: new Date(AT) });
  });

  it('fails as gone when the issue is not there', async () => {
    const error = await ask(9).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ gone: true, message: expect.stringContaining('no issue #9 in tails/tails') });
  });
});

describe('gitlabSecond', () => {
  it.each([
    ['a webhook time', '2021-05-14 00:00:07 UTC', 1620950407],
    ['a GraphQL time', '2021-05-14T00:00:07Z', 1620950407],
    ['a GraphQL time with a fraction', '2021-05-14T00:00:07.912Z', 1620950407],
    ['a webhook time of a GitLab in another time zone', '2021-05-14 02:00:07 +0200', 1620950407],
    ['a GraphQL time with an offset', '2021-05-14T02:00:07+02:00', 1620950407],
    ['something else', 'yesterday', undefined],
  ])('reads %s to the second', (_what, time, second) => {
    expect(gitlabSecond(time)).toBe(second);
  });
});
