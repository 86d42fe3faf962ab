import { ForgeError, isGone } from '../../../src/adapters/github/forge-error.js';
import { FIND_ISSUE_PAGES } from '../../../src/adapters/issue-search.js';
import type { IssueInfo } from '../../../src/ports/forge.js';
import { IDENTITY, REPO, forgeWithScope } from '../../helpers/github-forge-setup.js';
import {
  mockCloseIssue,
  mockCreateIssue,
  mockFindIssue,
  mockOpenPullRequests,
  mockUpdateIssue,
  restIssue,
} from '../../helpers/github-rest.js';
import { TEST_TOKEN, guardNock } from '../../helpers/nock-guard.js';

guardNock();

const MARKER = '<!-- apt-snapshots-expiry {"branch":"testing"} -->';
const TITLE = 'APT snapshots pinned by testing expire soon';
const BODY = `debian 2021051301 expires on 2021-06-12.\n\n${MARKER}`;
const WANT = { marker: MARKER, title: TITLE, body: BODY };
const LIST = `GET ${REPO}/issues?creator=apt-snapshots-bot%5Bbot%5D&state=all&sort=updated&direction=desc&per_page=100&page=1`;
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

const info = (number: number, overrides: Partial<IssueInfo> = {}): IssueInfo => ({
  number,
  url: `https://github.com/tails/tails/issues/${number}`,
  state: 'open',
  title: TITLE,
  body: BODY,
  ...overrides,
});

describe('GitHubForge.findIssue', () => {
  it("answers the bot's open issue carrying the marker, even behind a closed one updated later, skipping pull requests, people's issues and other markers", async () => {
    const { forge, scope, requests } = forgeWithScope();
    mockFindIssue(scope, [
      { number: 40, title: 'Bump', body: `a pull request ${MARKER}`, pullRequest: true },
      { number: 39, title: 'Quoting the bot', body: `it said ${MARKER}`, user: 'alice' },
      { number: 38, title: 'Dashboard', body: '<!-- apt-snapshots-dashboard {} -->' },
      { number: 37, title: TITLE, body: BODY, state: 'closed' },
      { number: 12, title: TITLE, body: BODY },
    ]);

    await expect(forge.findIssue(MARKER)).resolves.toEqual(info(12));
    expect(requests).toEqual([LIST]);
  });

  it('answers the closed issue updated last when none is open', async () => {
    const { forge, scope } = forgeWithScope();
    mockFindIssue(scope, [
      { number: 37, title: TITLE, body: BODY, state: 'closed' },
      { number: 12, title: TITLE, body: BODY, state: 'closed' },
    ]);
    await expect(forge.findIssue(MARKER)).resolves.toEqual(info(37, { state: 'closed' }));
  });

  it('reads further pages, up to its limit, for an issue that fell behind newer ones', async () => {
    const { forge, scope, requests } = forgeWithScope();
    const filler = (from: number) =>
      Array.from({ length: 100 }, (_, i) => restIssue({ number: from + i, title: 'Bump', body: 'other' }));
    const query = (page: number) => ({
      creator: 'apt-snapshots-bot[bot]',
      state: 'all',
      sort: 'updated',
      direction: 'desc',
      per_page: '100',
      page: String(page),
    });
    scope.get(`${REPO}/issues`).query(query(1)).reply(200, filler(1000));
    scope
      .get(`${REPO}/issues`)
      .query(query(2))
      .reply(200, [...filler(2000).slice(1), restIssue({ number: 12, title: TITLE, body: BODY })]);
    await expect(forge.findIssue(MARKER)).resolves.toEqual(info(12));
    expect(requests).toHaveLength(2);

    for (let page = 1; page <= FIND_ISSUE_PAGES; page += 1)
      scope
        .get(`${REPO}/issues`)
        .query(query(page))
        .reply(200, filler(page * 1000));
    await expect(forge.findIssue(MARKER)).resolves.toBeUndefined();
    expect(requests).toHaveLength(2 + FIND_ISSUE_PAGES);
  });

  it('with atStart, takes only a body that begins with the marker', async () => {
    const { forge, scope } = forgeWithScope();
    mockFindIssue(scope, [
      { number: 38, title: 'Dashboard', body: `notes pasted by a person: ${MARKER}` },
      { number: 12, title: TITLE, body: `${MARKER}\n${BODY}` },
    ]);
    await expect(forge.findIssue(MARKER, { atStart: true })).resolves.toEqual(info(12, { body: `${MARKER}\n${BODY}` }));
  });

  it('answers an open issue as open', async () => {
    const { forge, scope } = forgeWithScope();
    mockFindIssue(scope, [{ number: 12, title: TITLE, body: BODY }]);

    await expect(forge.findIssue(MARKER)).resolves.toEqual(info(12));
  });

  it('answers undefined when the bot has no such issue, bodiless issues included', async () => {
    const { forge, scope } = forgeWithScope();
    mockFindIssue(scope, [{ number: 5, title: 'Empty', body: null }]);

    await expect(forge.findIssue(MARKER)).resolves.toBeUndefined();
  });

  it('refuses an empty marker, which every issue would carry, without asking GitHub', async () => {
    const { forge, requests } = forgeWithScope();

    await expect(forge.findIssue('')).rejects.toThrow('findIssue: the marker is empty');
    expect(requests).toEqual([]);
  });

  it('says GitHub no longer has it when issues are disabled (410), naming the endpoint', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/issues`).query(true).reply(410, { message: 'Issues are disabled for this repo' });

    const error = await forge.findIssue(MARKER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(isGone(error)).toBe(true);
    expect((error as ForgeError).message).toBe(
      'GitHub findIssue: GET https://api.github.com/repos/tails/tails/issues answered 410: Issues are disabled for this repo',
    );
  });

  it('passes a secondary rate limit (403) through as a ForgeError, without the token', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/issues`).query(true).reply(403, { message: SECONDARY });

    const error = await forge.findIssue(MARKER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).status).toBe(403);
    expect(isGone(error)).toBe(false);
    expect(String(error)).toContain(`GET https://api.github.com/repos/tails/tails/issues answered 403: ${SECONDARY}`);
    expect(String(error)).not.toContain(TEST_TOKEN);
  });
});

describe('GitHubForge.ensureIssue', () => {
  it('leaves an open issue that already says this alone: no request', async () => {
    const { forge, requests } = forgeWithScope();

    await expect(forge.ensureIssue(WANT, info(12))).resolves.toEqual({ ...info(12), status: 'unchanged' });
    expect(requests).toEqual([]);
  });

  it.each([
    ['its body differs', { body: `older text\n\n${MARKER}` }],
    ['its title differs', { title: 'APT snapshots expire soon' }],
  ])('edits the open issue when %s: 1 request', async (_what, existing) => {
    const { forge, scope, requests } = forgeWithScope();
    const written = mockUpdateIssue(scope, 12);

    await expect(forge.ensureIssue(WANT, info(12, existing))).resolves.toEqual({ ...info(12), status: 'updated' });
    expect(requests).toEqual([`PATCH ${REPO}/issues/12`]);
    expect(written).toEqual([{ title: TITLE, body: BODY }]);
  });

  it('opens a new issue without looking when told none was found (null): 1 request', async () => {
    const { forge, scope, requests } = forgeWithScope();
    mockCreateIssue(scope, 44);
    await expect(forge.ensureIssue(WANT, null)).resolves.toEqual({ ...info(44), status: 'created' });
    expect(requests).toEqual([`POST ${REPO}/issues`]);
  });

  it('opens a new issue rather than reopening a closed one: 1 request', async () => {
    const { forge, scope, requests } = forgeWithScope();
    const written = mockCreateIssue(scope, 44);

    await expect(forge.ensureIssue(WANT, info(12, { state: 'closed' }))).resolves.toEqual({
      ...info(44),
      status: 'created',
    });
    expect(requests).toEqual([`POST ${REPO}/issues`]);
    expect(written).toEqual([{ title: TITLE, body: BODY }]);
  });

  it('without an issue in hand, looks it up, then opens one when there is none: 2 requests', async () => {
    const { forge, scope, requests } = forgeWithScope();
    mockFindIssue(scope, [{ number: 39, body: MARKER, user: 'alice' }]);
    const written = mockCreateIssue(scope, 44);

    await expect(forge.ensureIssue(WANT)).resolves.toEqual({ ...info(44), status: 'created' });
    expect(requests).toEqual([LIST, `POST ${REPO}/issues`]);
    expect(written).toEqual([{ title: TITLE, body: BODY }]);
  });

  it('without an issue in hand, looks it up and edits the open one: 2 requests', async () => {
    const { forge, scope, requests } = forgeWithScope();
    mockFindIssue(scope, [{ number: 12, title: TITLE, body: `older text ${MARKER}` }]);
    const written = mockUpdateIssue(scope, 12);

    await expect(forge.ensureIssue(WANT)).resolves.toEqual({ ...info(12), status: 'updated' });
    expect(requests).toEqual([LIST, `PATCH ${REPO}/issues/12`]);
    expect(written).toEqual([{ title: TITLE, body: BODY }]);
  });

  it('without an issue in hand, looks it up and leaves it alone when it says this: 1 request', async () => {
    const { forge, scope, requests } = forgeWithScope();
    mockFindIssue(scope, [{ number: 12, title: TITLE, body: BODY }]);

    await expect(forge.ensureIssue(WANT)).resolves.toEqual({ ...info(12), status: 'unchanged' });
    expect(requests).toEqual([LIST]);
  });

  it('refuses a body without its marker, which could never be found again, without asking GitHub', async () => {
    const { forge, requests } = forgeWithScope();

    await expect(forge.ensureIssue({ ...WANT, body: 'no marker here' })).rejects.toThrow(
      `ensureIssue: the body of "${TITLE}" does not contain its marker ${MARKER}`,
    );
    expect(requests).toEqual([]);
  });

  it('says the issue is gone when GitHub no longer has it (404)', async () => {
    const { forge, scope } = forgeWithScope();
    scope.patch(`${REPO}/issues/12`).reply(404, { message: 'Not Found' });

    const error = await forge.ensureIssue(WANT, info(12, { title: 'old' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(isGone(error)).toBe(true);
    expect(String(error)).toContain('GitHub ensureIssue: PATCH https://api.github.com/repos/tails/tails/issues/12');
  });
});

describe('GitHubForge.closeIssue', () => {
  const CLOSING_TAG = '<!-- apt-snapshots-bot:closing-issue -->';
  const WHY = 'Nothing pinned by testing expires within 30 days any more.';

  it('comments under its marker, then closes the issue as completed: 4 requests', async () => {
    const { forge, scope, requests } = forgeWithScope();
    const comments = mockCloseIssue(scope, 12);

    await forge.closeIssue(12, WHY);

    expect(comments).toEqual([{ body: `${CLOSING_TAG}\n${WHY}` }]);
    expect(requests).toEqual([
      `GET ${REPO}/issues/12`,
      `GET ${REPO}/issues/12/comments?per_page=100`,
      `POST ${REPO}/issues/12/comments`,
      `PATCH ${REPO}/issues/12`,
    ]);
  });

  it('leaves a closed issue alone: 1 request', async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope.get(`${REPO}/issues/12`).reply(200, restIssue({ number: 12, state: 'closed' }));

    await forge.closeIssue(12, WHY);

    expect(requests).toEqual([`GET ${REPO}/issues/12`]);
  });

  it('does not comment twice when a redelivery closes what an earlier attempt commented on', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope.get(`${REPO}/issues/12`).reply(200, restIssue({ number: 12 }));
    scope
      .get(`${REPO}/issues/12/comments`)
      .query({ per_page: '100' })
      .reply(200, [
        {
          id: 7,
          user: { login: IDENTITY.botLogin },
          body: `${CLOSING_TAG}\n${WHY}`,
          html_url: 'https://github.com/tails/tails/issues/12#issuecomment-7',
        },
      ]);
    scope.patch(`${REPO}/issues/12`, capture).reply(200, restIssue({ number: 12, state: 'closed' }));

    await forge.closeIssue(12, WHY);

    expect(requests).toHaveLength(3);
    expect(bodies).toEqual([{ state: 'closed', state_reason: 'completed' }]);
  });

  it('says the issue is gone when GitHub no longer has it (404)', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/issues/12`).reply(404, { message: 'Not Found' });

    const error = await forge.closeIssue(12, WHY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(isGone(error)).toBe(true);
    expect(String(error)).toContain('GitHub closeIssue: GET https://api.github.com/repos/tails/tails/issues/12');
  });
});

describe('GitHubForge.listBotPullRequests', () => {
  it("answers the open pull requests from the bot's branches of this repository, in GitHub's order", async () => {
    const { forge, scope, requests } = forgeWithScope();
    mockOpenPullRequests(scope, [
      { number: 30, head: 'apt-snapshots-bot/thaw-devel', title: 'Thaw APT snapshots.' },
      { number: 29, head: 'apt-snapshots-bot/thaw-devel', title: 'From a fork', fork: 'mallory/tails' },
      { number: 28, head: 'apt-snapshots-bot/old', title: 'From a deleted fork', fork: null },
      { number: 27, head: 'feature/apt-snapshots-bot/x', title: 'A person' },
      { number: 26, head: 'apt-snapshots-bot', title: 'Not under the prefix' },
      // This repository, as GitHub may spell it: names ignore case.
      { number: 25, head: 'apt-snapshots-bot/freeze-testing', base: 'testing', title: 'Freeze', fork: 'Tails/Tails' },
    ]);

    await expect(forge.listBotChangeRequests()).resolves.toEqual([
      {
        number: 30,
        url: 'https://github.com/tails/tails/pull/30',
        title: 'Thaw APT snapshots.',
        head: 'apt-snapshots-bot/thaw-devel',
        base: 'devel',
      },
      {
        number: 25,
        url: 'https://github.com/tails/tails/pull/25',
        title: 'Freeze',
        head: 'apt-snapshots-bot/freeze-testing',
        base: 'testing',
      },
    ]);
    expect(requests).toEqual([`GET ${REPO}/pulls?state=open&sort=created&direction=desc&per_page=100`]);
  });

  it('answers none when the bot has no open pull request', async () => {
    const { forge, scope } = forgeWithScope();
    mockOpenPullRequests(scope, [{ number: 3, head: 'feature/x' }]);

    await expect(forge.listBotChangeRequests()).resolves.toEqual([]);
  });

  it('passes a failure through as a ForgeError naming the endpoint', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/pulls`).query(true).reply(403, { message: SECONDARY });

    await expect(forge.listBotChangeRequests()).rejects.toThrow(
      `GitHub listBotPullRequests: GET https://api.github.com/repos/tails/tails/pulls answered 403: ${SECONDARY}`,
    );
  });
});
