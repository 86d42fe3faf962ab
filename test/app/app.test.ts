import nock from 'nock';
import { Probot } from 'probot';
import { createApp, handled, OFFLINE, snapshotServerFor } from '../../src/app.js';
import { ForgeError } from '../../src/adapters/github/forge-error.js';
import { HttpSnapshotServer } from '../../src/adapters/snapshot-server/http-snapshot-server.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { fakeGitHub, mockRead } from '../helpers/github-graphql.js';
import { mockCheck } from '../helpers/github-rest.js';
import { guardNock } from '../helpers/nock-guard.js';
import {
  APP_ID,
  captureLog,
  deliver,
  fixture,
  mockTokenExchange,
  silentLog,
  testOctokitClass,
  testPrivateKey,
  testProbot,
} from '../helpers/probot-app.js';
import { githubApi, rev, SHA, TREES } from './scenario.js';

guardNock();

describe('snapshotServerFor', () => {
  it.each([
    ['the defaults', {}, 'http://time-based.snapshots.deb.tails.boum.org/'],
    [
      'APT_SNAPSHOTS_SERVER',
      { APT_SNAPSHOTS_SERVER: 'https://snapshots.example.org/tails' },
      'https://snapshots.example.org/tails/',
    ],
    ['an empty APT_SNAPSHOTS_SERVER', { APT_SNAPSHOTS_SERVER: '' }, 'http://time-based.snapshots.deb.tails.boum.org/'],
  ])('takes the URL from %s', (_name, env, url) => {
    const server = snapshotServerFor(defaultConfig(), env);
    expect(server).toBeInstanceOf(HttpSnapshotServer);
    expect((server as HttpSnapshotServer).baseUrl).toBe(url);
  });

  it('goes offline when told to', () => {
    expect(snapshotServerFor(defaultConfig(), { APT_SNAPSHOTS_SERVER: OFFLINE })).toBeUndefined();
  });

  it('refuses a URL with credentials without echoing them', () => {
    expect(() =>
      snapshotServerFor(defaultConfig(), { APT_SNAPSHOTS_SERVER: 'https://user:hunter2@snapshots.example.org/' }),
    ).toThrow(/must not contain credentials/);
    expect(() =>
      snapshotServerFor(defaultConfig(), { APT_SNAPSHOTS_SERVER: 'https://user:hunter2@snapshots.example.org/' }),
    ).not.toThrow(/hunter2/);
  });
});

describe('createApp', () => {
  const probot = () =>
    new Probot({ appId: APP_ID, privateKey: testPrivateKey(), Octokit: testOctokitClass(), log: silentLog() });

  it('refuses to run in production without a webhook secret', async () => {
    await expect(probot().load(createApp({ env: { NODE_ENV: 'production' }, snapshotServer: null }))).rejects.toThrow(
      /WEBHOOK_SECRET is not set/,
    );
    await expect(
      probot().load(createApp({ env: { NODE_ENV: 'production', WEBHOOK_SECRET: 's3cret' }, snapshotServer: null })),
    ).resolves.toBeUndefined();
  });

  it('asks GitHub who it is once (GET /app), then recognises its own check runs by that id', async () => {
    const app = probot();
    await app.load(createApp({ snapshotServer: null, now: () => new Date('2021-05-14T00:00:00Z') }));
    const api = githubApi({
      [SHA.prHead]: rev(TREES.develThawed, SHA.prHead),
      [SHA.prBase]: rev(TREES.develThawed, SHA.prBase),
    });
    api.scope.get('/app').reply(200, { id: APP_ID, slug: 'apt-snapshots-bot', name: 'apt-snapshots-bot' });
    api.read();
    api.check(SHA.prHead, 'APT snapshots (pull request)');
    await deliver(app, 'pull_request', fixture('pull-request-opened'));
    api.read();
    api.check(SHA.prHead, 'APT snapshots (pull request)', {
      existing: { id: 6001, annotationsCount: 0 },
    });
    await deliver(app, 'pull_request', fixture('pull-request-synchronize'));

    expect(api.log.filter((l) => l === 'GET /app')).toHaveLength(1);
    expect(api.fake.requests.map((r) => r.variables.appId)).toEqual([APP_ID, APP_ID]);
  });

  it('works against GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql, links to the server', async () => {
    const fake = fakeGitHub({
      [SHA.prHead]: rev(TREES.develFrozen, SHA.prHead),
      [SHA.prBase]: rev(TREES.develThawed, SHA.prBase),
    });
    const rest = nock('https://ghe.example.org/api/v3');
    mockTokenExchange(rest);
    rest
      .get(`/repos/tails/tails/compare/${SHA.prBase}...${SHA.prHead}`)
      .query({ per_page: '1' })
      .reply(200, { merge_base_commit: { sha: SHA.prBase } });
    const graphql = nock('https://ghe.example.org/api');
    mockRead(graphql, fake);
    const written = mockCheck(rest, SHA.prHead, 'APT snapshots (pull request)', { lookup: false });
    const payload = fixture<{ repository: { html_url: string } }>('pull-request-opened');
    payload.repository.html_url = 'https://ghe.example.org/tails/tails';

    await deliver(await testProbot({ baseUrl: 'https://ghe.example.org/api/v3' }), 'pull_request', payload);

    expect((written[0] as { output: { summary: string } }).output.summary).toContain(
      `[\`config/APT_snapshots.d/debian/serial\`](https://ghe.example.org/tails/tails/blob/${SHA.prHead}/config/APT_snapshots.d/debian/serial)`,
    );
  });
});

describe('handled', () => {
  it('passes on only the message and name of a failure, not its causes', async () => {
    const cause = Object.assign(new Error('request dump with token ghs_secret'), {
      request: { headers: { authorization: 'token ghs_secret' } },
    });
    const failure = Object.assign(new Error('GitHub ensureCheck: answered 500', { cause }), { name: 'ForgeError' });
    const error = (await handled(async () => {
      throw failure;
    })({ id: 'd', log: silentLog() }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ name: 'ForgeError', message: 'GitHub ensureCheck: answered 500' });
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('ghs_secret');
  });

  it('ends with one line, and no failure, when GitHub no longer has what the webhook is about', async () => {
    const log = captureLog();
    const gone = new ForgeError(
      'GitHub ensureCheck: POST /repos/tails/gone/check-runs answered 404: Not Found',
      'ensureCheck',
      'POST',
      {
        status: 404,
        gone: true,
      },
    );
    await handled(async () => {
      throw new Error('could not judge (x), nor report it on the check (y)', { cause: gone });
    })({ id: 'delivery-7', log: log.logger });

    const lines = log
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; delivery: string; msg: string });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        delivery: 'delivery-7',
        msg: 'webhook left: GitHub no longer has what it is about: could not judge (x), nor report it on the check (y)',
      }),
    ]);
  });
});
