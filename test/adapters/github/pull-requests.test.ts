import { ForgeError } from '../../../src/adapters/github/forge-error.js';
import { REPO, forgeWithScope } from '../../helpers/github-forge-setup.js';
import { TEST_TOKEN, guardNock } from '../../helpers/nock-guard.js';

guardNock();

const HEAD = 'apt-snapshots-bot/thaw-devel';
const WANT = {
  head: HEAD,
  base: 'devel',
  title: 'Thaw APT snapshots.',
  body: 'devel was left frozen by the merge of stable.',
};
const LIST_QUERY = { state: 'open', head: `tails:${HEAD}`, base: 'devel' };

function pr(
  overrides: Partial<{
    number: number;
    title: string;
    body: string | null;
    state: string;
    head: string;
    base: string;
  }> = {},
) {
  const { number = 12, title = WANT.title, body = WANT.body, state = 'open', head = HEAD, base = 'devel' } = overrides;
  return {
    number,
    html_url: `https://github.com/tails/tails/pull/${number}`,
    state,
    title,
    body,
    head: { ref: head },
    base: { ref: base },
  };
}

const INFO = { number: 12, url: 'https://github.com/tails/tails/pull/12', state: 'open', head: HEAD, base: 'devel' };

describe('GitHubForge.ensurePullRequest', () => {
  it('creates the pull request when none is open: 2 requests', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope.get(`${REPO}/pulls`).query(LIST_QUERY).reply(200, []);
    scope.post(`${REPO}/pulls`, capture).reply(201, pr());

    await expect(forge.ensureChangeRequest(WANT)).resolves.toEqual({ ...INFO, status: 'created' });
    expect(requests).toEqual([
      `GET ${REPO}/pulls?state=open&head=tails%3Aapt-snapshots-bot%2Fthaw-devel&base=devel`,
      `POST ${REPO}/pulls`,
    ]);
    expect(bodies).toEqual([WANT]);
  });

  it('leaves an open pull request that already says this alone: 1 request', async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope.get(`${REPO}/pulls`).query(LIST_QUERY).reply(200, [pr()]);

    await expect(forge.ensureChangeRequest(WANT)).resolves.toEqual({ ...INFO, status: 'unchanged' });
    expect(requests).toHaveLength(1);
  });

  it.each([
    ['its body differs', { body: 'devel was left frozen by an older merge.' }],
    ['its title differs', { title: 'Thaw APT snapshots' }],
    ['it has no body', { body: null }],
  ])('updates the open pull request when %s: 2 requests', async (_what, existing) => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope
      .get(`${REPO}/pulls`)
      .query(LIST_QUERY)
      .reply(200, [pr(existing)]);
    scope.patch(`${REPO}/pulls/12`, capture).reply(200, pr());

    await expect(forge.ensureChangeRequest(WANT)).resolves.toEqual({ ...INFO, status: 'updated' });
    expect(requests).toHaveLength(2);
    expect(bodies).toEqual([{ title: WANT.title, body: WANT.body }]);
  });

  it('ignores a listed pull request for another head or base', async () => {
    const { forge, scope } = forgeWithScope();
    scope
      .get(`${REPO}/pulls`)
      .query(LIST_QUERY)
      .reply(200, [pr({ number: 3, head: 'apt-snapshots-bot/other' }), pr({ number: 4, base: 'stable' })]);

    await expect(forge.findOpenChangeRequest(HEAD, 'devel')).resolves.toBeUndefined();
  });

  it('when another delivery opens it first, finds it and brings it up to date', async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope.get(`${REPO}/pulls`).query(LIST_QUERY).reply(200, []);
    scope.post(`${REPO}/pulls`).reply(422, {
      message: 'Validation Failed',
      errors: [
        { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for tails:${HEAD}.` },
      ],
    });
    scope
      .get(`${REPO}/pulls`)
      .query(LIST_QUERY)
      .reply(200, [pr({ body: 'older body' })]);
    scope.patch(`${REPO}/pulls/12`).reply(200, pr());

    await expect(forge.ensureChangeRequest(WANT)).resolves.toEqual({ ...INFO, status: 'updated' });
    expect(requests).toHaveLength(4);
  });

  it('surfaces a 422 that is not the race', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/pulls`).query(LIST_QUERY).reply(200, []);
    scope.post(`${REPO}/pulls`).reply(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
    });

    const error = await forge.ensureChangeRequest(WANT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(String(error)).toContain('answered 422: Validation Failed (invalid)');
    expect(String(error)).not.toContain(TEST_TOKEN);
  });

  it('surfaces the race error when the pull request is gone again on the second look', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/pulls`).query(LIST_QUERY).twice().reply(200, []);
    scope.post(`${REPO}/pulls`).reply(422, {
      message: 'Validation Failed',
      errors: [{ message: `A pull request already exists for tails:${HEAD}.` }],
    });

    await expect(forge.ensureChangeRequest(WANT)).rejects.toThrow('A pull request already exists');
  });
});

describe('GitHubForge.findOpenPullRequest', () => {
  it('answers the open pull request from head into base', async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope.get(`${REPO}/pulls`).query(LIST_QUERY).reply(200, [pr()]);

    await expect(forge.findOpenChangeRequest(HEAD, 'devel')).resolves.toEqual(INFO);
    expect(requests).toHaveLength(1);
  });

  it('answers undefined when there is none', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/pulls`).query(LIST_QUERY).reply(200, []);

    await expect(forge.findOpenChangeRequest(HEAD, 'devel')).resolves.toBeUndefined();
  });
});

describe('GitHubForge.closePullRequest', () => {
  const CLOSING = '<!-- apt-snapshots-bot:closing -->\ndevel was thawed by hand; closing.';

  it('comments, then closes an open pull request: 4 requests', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope.get(`${REPO}/pulls/12`).reply(200, pr());
    scope.get(`${REPO}/issues/12/comments`).query({ per_page: '100' }).reply(200, []);
    scope.post(`${REPO}/issues/12/comments`, capture).reply(201, { id: 1, html_url: 'c' });
    scope.patch(`${REPO}/pulls/12`, capture).reply(200, pr({ state: 'closed' }));

    await forge.closeChangeRequest(12, 'devel was thawed by hand; closing.');

    expect(requests).toEqual([
      `GET ${REPO}/pulls/12`,
      `GET ${REPO}/issues/12/comments?per_page=100`,
      `POST ${REPO}/issues/12/comments`,
      `PATCH ${REPO}/pulls/12`,
    ]);
    expect(bodies).toEqual([{ body: CLOSING }, { state: 'closed' }]);
  });

  it('closes without a second comment when an earlier try commented but did not close', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope.get(`${REPO}/pulls/12`).reply(200, pr());
    scope
      .get(`${REPO}/issues/12/comments`)
      .query({ per_page: '100' })
      .reply(200, [{ id: 1, html_url: 'c', body: CLOSING, user: { login: 'apt-snapshots-bot[bot]' } }]);
    scope.patch(`${REPO}/pulls/12`, capture).reply(200, pr({ state: 'closed' }));

    await forge.closeChangeRequest(12, 'devel was thawed by hand; closing.');

    expect(requests).toHaveLength(3);
    expect(bodies).toEqual([{ state: 'closed' }]);
  });

  it('posts nothing on a pull request already closed: 1 request', async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope.get(`${REPO}/pulls/12`).reply(200, pr({ state: 'closed' }));

    await forge.closeChangeRequest(12, 'devel was thawed by hand; closing.');

    expect(requests).toHaveLength(1);
  });
});
