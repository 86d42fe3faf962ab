import { CHECK_RUNS_READ } from '../../src/adapters/github/check-runs-read.js';
import { mockCheck } from '../helpers/github-rest.js';
import { guardNock } from '../helpers/nock-guard.js';
import { APP_ID, apiRequests, deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { SHA, topicPushApi } from './scenario.js';

guardNock();

const CHECK = 'APT snapshots';
const COMPARE = `GET /repos/tails/tails/compare/testing...${SHA.topicAfter}?per_page=1`;
const LOOKUP = `GET /repos/tails/tails/commits/${SHA.topicAfter}/check-runs?check_name=APT%20snapshots&filter=latest&app_id=${APP_ID}`;

describe("the app's check runs come with the read of the commit", () => {
  it('updates the run the read reported, without looking it up', async () => {
    const api = topicPushApi();
    api.read();
    const written = api.check(SHA.topicAfter, CHECK, {
      existing: { id: 6001, annotationsCount: 0 },
    });

    await deliver(await testProbot(), 'push', fixture('push-topic-branch'));

    expect(apiRequests(api.log)).toEqual(['POST /graphql', COMPARE, 'PATCH /repos/tails/tails/check-runs/6001']);
    expect(written).toHaveLength(1);
  });

  it('looks the run up when the read could not bring them all', async () => {
    const api = topicPushApi();
    const existing = { id: 6001, annotationsCount: 0 };
    api.fake.addCheckRun({ sha: SHA.topicAfter, appId: APP_ID, name: CHECK, externalId: null, ...existing });
    for (let i = 0; i < CHECK_RUNS_READ; i += 1)
      api.fake.addCheckRun({
        sha: SHA.topicAfter,
        appId: APP_ID,
        id: 7000 + i,
        name: `other ${i}`,
        externalId: null,
        annotationsCount: 0,
      });
    api.read();
    mockCheck(api.scope, SHA.topicAfter, CHECK, { existing });

    await deliver(await testProbot(), 'push', fixture('push-topic-branch'));

    expect(apiRequests(api.log)).toEqual([
      'POST /graphql',
      COMPARE,
      LOOKUP,
      'PATCH /repos/tails/tails/check-runs/6001',
    ]);
  });

  it('a redelivery racing the original: both read "no run yet", one creates it, the other looks it up and updates it', async () => {
    const probot = await testProbot();
    const api = topicPushApi();
    for (let i = 0; i < 2; i += 1) api.read();
    api.check(SHA.topicAfter, CHECK);
    mockCheck(api.scope, SHA.topicAfter, CHECK, {
      existing: { id: 6001, annotationsCount: 0 },
    });

    await Promise.all([
      deliver(probot, 'push', fixture('push-topic-branch'), 'delivery-1'),
      deliver(probot, 'push', fixture('push-topic-branch'), 'delivery-1'),
    ]);

    const writes = apiRequests(api.log).filter((r) => !r.startsWith('POST /graphql') && r !== COMPARE);
    expect(writes).toEqual(['POST /repos/tails/tails/check-runs', LOOKUP, 'PATCH /repos/tails/tails/check-runs/6001']);
  });
});
