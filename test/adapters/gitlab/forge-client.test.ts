import { ForgeError } from '../../../src/ports/forge-error.js';
import { gitlabApi, gitlabGraphql } from '../../../src/adapters/gitlab/client.js';
import { GitLabForge, gitlabBot } from '../../../src/adapters/gitlab/gitlab-forge.js';
import { BRANCH_PREFIX, fakeForge, GitLabFake, PROJECT_ID, startGitLabFake } from '../../helpers/gitlab-fake.js';
import type { GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

let standIn: GitLabStandIn;
let fake: GitLabFake;
let waits: number[];
const sleep = (ms: number) => {
  waits.push(ms);
  return Promise.resolve();
};

beforeEach(async () => {
  ({ standIn, fake } = await startGitLabFake('glpat-very-secret-token-1234'));
  waits = [];
  fake.addUser({ id: 31, username: 'anonym' });
  fake.members.set(31, { access_level: 30, inherited: false });
});

afterEach(async () => {
  expect(standIn.unexpected).toEqual([]);
  await standIn.close();
});

/** Makes the next `times` requests to the members route answer `reply` before the fake answers again. */
function failMembers(times: number, reply: { status: number; headers?: Record<string, string>; body?: unknown }) {
  let left = times;
  standIn.on('GET', '/projects/:id/members/all/:user_id', () => {
    if (left > 0) {
      left -= 1;
      return { body: { message: `${reply.status} Failure` }, ...reply };
    }
    return { body: { id: 31, username: 'anonym', state: 'active', access_level: 30 } };
  });
}

describe('the GitLab forge over HTTP', () => {
  it('sends the token, and addresses the project by its URL-encoded path', async () => {
    const { forge } = fakeForge(standIn, fake, { sleep });

    await expect(forge.permissionOf({ login: 'anonym' })).resolves.toBe('write');

    expect(standIn.requests[1]?.url).toBe('/api/v4/projects/tails%2Ftails/members/all/31');
    expect(standIn.requests[1]?.headers['private-token']).toBe('glpat-very-secret-token-1234');
    expect(standIn.unauthorized).toEqual([]);
  });

  it('addresses a project by its numeric id too', async () => {
    const api = gitlabApi({ host: standIn.url, token: standIn.token, sleep });
    const forge = new GitLabForge(
      api,
      { id: PROJECT_ID, webUrl: fake.webUrl },
      { ...fake.bot, branchPrefix: BRANCH_PREFIX },
    );

    await expect(forge.permissionOf({ login: 'anonym' })).resolves.toBe('write');
    expect(standIn.requests[1]?.url).toBe(`/api/v4/projects/${PROJECT_ID}/members/all/31`);
  });

  it('waits as long as a 429 asks, then succeeds', async () => {
    const { forge } = fakeForge(standIn, fake, { sleep });
    failMembers(1, { status: 429, headers: { 'retry-after': '7' } });

    await expect(forge.permissionOf({ login: 'anonym' })).resolves.toBe('write');
    expect(waits).toEqual([7000]);
  });

  it('fails at once, naming when to retry, when a 429 asks to wait longer than allowed', async () => {
    const { forge } = fakeForge(standIn, fake, { sleep, maxRetryAfterMs: 60_000 });
    failMembers(1, { status: 429, headers: { 'retry-after': '3600' } });
    const before = Date.now();

    const error = await forge.permissionOf({ login: 'anonym' }).catch((e: unknown) => e);

    expect(waits).toEqual([]);
    expect(error).toBeInstanceOf(ForgeError);
    const { rateLimitReset, status, operation } = error as ForgeError;
    expect([status, operation]).toEqual([429, 'permissionOf']);
    expect(rateLimitReset?.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(rateLimitReset?.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('retries a 502', async () => {
    const { forge } = fakeForge(standIn, fake, { sleep });
    failMembers(2, { status: 502 });

    await expect(forge.permissionOf({ login: 'anonym' })).resolves.toBe('write');
    expect(waits).toHaveLength(2);
  });

  it('gives up on a 502 after three attempts, as a ForgeError naming the operation and endpoint', async () => {
    const { forge } = fakeForge(standIn, fake, { sleep });
    failMembers(3, { status: 502 });

    await expect(forge.permissionOf({ login: 'anonym' })).rejects.toMatchObject({
      operation: 'permissionOf',
      status: 502,
      endpoint: `GET ${standIn.url}/api/v4/projects/tails%2Ftails/members/all/31`,
    });
  });

  it('never sends a POST twice after a 5xx: GitLab may have done it before failing', async () => {
    const api = gitlabApi({ host: standIn.url, token: standIn.token, sleep });
    let posts = 0;
    standIn.on('POST', '/projects/:id/repository/commits', () => {
      posts += 1;
      return { status: 502, body: { message: '502 Bad Gateway' } };
    });

    await expect(
      api.Commits.create('tails/tails', 'apt-snapshots-bot/thaw-devel', 'Thaw', [
        { action: 'update', filePath: 'config/APT_snapshots.d/debian/serial', content: 'latest\n' },
      ]),
    ).rejects.toMatchObject({ status: 502, forge: 'GitLab' });
    expect([posts, waits]).toEqual([1, []]);
  });

  it('retries a GraphQL read after a 502: it only reads', async () => {
    let asked = 0;
    standIn.on('POST', '/api/graphql', () => {
      asked += 1;
      return asked === 1 ? { status: 502, body: { message: '502 Bad Gateway' } } : { body: { data: { ok: true } } };
    });

    await expect(
      gitlabGraphql({ host: standIn.url, token: standIn.token, sleep }, 'read', 'query { ok }', {}),
    ).resolves.toEqual({ ok: true });
    expect([asked, waits]).toEqual([2, [1000]]);
  });

  it('makes a 404 a gone ForgeError', async () => {
    const { forge } = fakeForge(standIn, fake, { sleep });

    await expect(forge.closeChangeRequest(404, 'x')).rejects.toMatchObject({
      status: 404,
      gone: true,
      forge: 'GitLab',
    });
  });

  it('never puts the token in an error message, whatever fails', async () => {
    const { forge } = fakeForge(standIn, fake, { sleep });
    const wrong = new GitLabForge(
      gitlabApi({ host: standIn.url, token: 'glpat-wrong-token-5678', sleep }),
      { id: 'tails/tails', webUrl: fake.webUrl },
      { ...fake.bot, branchPrefix: BRANCH_PREFIX },
    );
    const dead = new GitLabForge(
      gitlabApi({ host: 'http://127.0.0.1:9', token: standIn.token, sleep }),
      { id: 'tails/tails', webUrl: fake.webUrl },
      { ...fake.bot, branchPrefix: BRANCH_PREFIX },
    );
    failMembers(3, { status: 502, body: { message: 'upstream down' } });

    const errors = await Promise.all([
      forge.permissionOf({ login: 'anonym' }).catch((e: unknown) => e),
      forge.closeIssue(9, 'x').catch((e: unknown) => e),
      wrong.findIssue('m').catch((e: unknown) => e),
      dead.listBotChangeRequests().catch((e: unknown) => e),
    ]);

    expect(errors.map((e) => (e as ForgeError).status)).toEqual([502, 404, 401, undefined]);
    for (const error of errors) {
      const text = `${String(error)} ${JSON.stringify(error)} ${String((error as Error).cause)}`;
      expect(text).not.toContain('glpat-very-secret-token-1234');
      expect(text).not.toContain('glpat-wrong-token-5678');
    }
    expect(standIn.unauthorized).toHaveLength(1);
  });
});

describe('gitlabBot', () => {
  it('asks GitLab once who the token is', async () => {
    const api = gitlabApi({ host: standIn.url, token: standIn.token, sleep });

    await expect(gitlabBot(api)).resolves.toEqual({
      id: fake.bot.id,
      username: fake.bot.username,
      commitName: fake.bot.name,
      commitEmail: fake.bot.email,
    });
    expect(standIn.requests.map((r) => r.url)).toEqual(['/api/v4/user']);
    expect(standIn.unauthorized).toEqual([]);
  });
});

describe('new GitLabForge', () => {
  it.each([
    [{ id: 0 }, 'bot.id 0'],
    [{ branchPrefix: '' }, 'bot.branchPrefix is empty'],
  ])('refuses the bot %j', (bot, message) => {
    const api = gitlabApi({ host: standIn.url, token: standIn.token });
    expect(
      () =>
        new GitLabForge(
          api,
          { id: 'tails/tails', webUrl: fake.webUrl },
          { ...fake.bot, branchPrefix: BRANCH_PREFIX, ...bot },
        ),
    ).toThrow(message);
  });
});
