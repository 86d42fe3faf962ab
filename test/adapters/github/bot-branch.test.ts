import { foreignAuthors, isBotCommit, type ListedCommit } from '../../../src/adapters/github/bot-branch.js';
import { ForgeError } from '../../../src/adapters/github/forge-error.js';
import { UsageError } from '../../../src/errors.js';
import type { Edit } from '../../../src/planners/types.js';
import { IDENTITY, REPO, REPOSITORY_ID, forgeWithScope } from '../../helpers/github-forge-setup.js';
import { guardNock } from '../../helpers/nock-guard.js';

guardNock();

const BRANCH = 'apt-snapshots-bot/thaw-devel';
const REF = `${REPO}/git/ref/heads%2Fapt-snapshots-bot%2Fthaw-devel`;
const REFS = `${REPO}/git/refs/heads%2Fapt-snapshots-bot%2Fthaw-devel`;
const BASE = '1'.repeat(40);
const HEAD = '2'.repeat(40);
const BASE_TREE = '3'.repeat(40);
const NEW_TREE = '4'.repeat(40);
const NEW_COMMIT = '5'.repeat(40);
const OLD_TREE = '6'.repeat(40);
const BOT = IDENTITY.botLogin;

const EDITS: Edit[] = [
  { path: 'config/APT_snapshots.d/debian/serial', content: 'latest\n' },
  { path: 'config/APT_snapshots.d/torproject/serial', content: 'latest\n' },
];
const MESSAGE = 'Thaw APT snapshots.';

function listed(
  sha: string,
  tree: string,
  author: string | null,
  committer: string | null = author,
  authorName = author ?? 'Someone',
): ListedCommit {
  return {
    sha,
    commit: { tree: { sha: tree }, author: { name: authorName } },
    author: author ? { login: author } : null,
    committer: committer ? { login: committer } : null,
  };
}

function compare(commits: ListedCommit[], behindBy = 0, total = commits.length) {
  return {
    status: behindBy > 0 ? 'diverged' : 'ahead',
    ahead_by: total,
    behind_by: behindBy,
    total_commits: total,
    base_commit: { sha: BASE, commit: { tree: { sha: BASE_TREE } } },
    commits,
  };
}

/** The writes that build the new commit: tree on the base tree, commit on the base. */
function expectWrites(scope: ReturnType<typeof forgeWithScope>['scope'], capture: (body: unknown) => boolean) {
  scope.post(`${REPO}/git/trees`, capture).reply(201, { sha: NEW_TREE });
  scope.post(`${REPO}/git/commits`, capture).reply(201, { sha: NEW_COMMIT });
}

const PERSON_HEAD = '9'.repeat(40);

/** The move of an existing bot branch: a GraphQL updateRefs that names the commit it replaces. */
function moveMutation(scope: ReturnType<typeof forgeWithScope>['scope'], capture: (body: unknown) => boolean) {
  return scope.post('/graphql', (body: { query: string }) => /\bupdateRefs\b/.test(body.query) && capture(body));
}

const MOVE_VARIABLES = { repositoryId: REPOSITORY_ID, name: `refs/heads/${BRANCH}`, before: HEAD, after: NEW_COMMIT };

const TREE_BODY = {
  base_tree: BASE_TREE,
  tree: EDITS.map((e) => ({ path: e.path, mode: '100644', type: 'blob', content: e.content })),
};
const COMMIT_BODY = { message: MESSAGE, tree: NEW_TREE, parents: [BASE] };

describe('GitHubForge.ensureBranch', () => {
  it.each([
    'devel',
    'apt-snapshots-bot',
    'apt-snapshots-bot/',
    'feature/apt-snapshots-bot/thaw',
    'apt-snapshots-botx/thaw',
  ])('refuses to write %s, outside the bot prefix, without a request', async (branch) => {
    const { forge } = forgeWithScope();
    await expect(forge.ensureBranch(branch, BASE, EDITS, MESSAGE)).rejects.toThrow(UsageError);
    await expect(forge.ensureBranch(branch, BASE, EDITS, MESSAGE)).rejects.toThrow(
      `refusing to write branch "${branch}"`,
    );
  });

  it('refuses to commit no edits', async () => {
    const { forge } = forgeWithScope();
    await expect(forge.ensureBranch(BRANCH, BASE, [], MESSAGE)).rejects.toThrow(UsageError);
  });

  it('creates a new branch: read ref, base commit, tree, commit, create ref (5 requests)', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope.get(REF).reply(404, { message: 'Not Found' });
    scope.get(`${REPO}/git/commits/${BASE}`).reply(200, { sha: BASE, tree: { sha: BASE_TREE } });
    expectWrites(scope, capture);
    scope.post(`${REPO}/git/refs`, capture).reply(201, { ref: `refs/heads/${BRANCH}`, object: { sha: NEW_COMMIT } });

    await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({
      status: 'created',
      sha: NEW_COMMIT,
    });
    expect(requests).toHaveLength(5);
    expect(bodies).toEqual([TREE_BODY, COMMIT_BODY, { ref: `refs/heads/${BRANCH}`, sha: NEW_COMMIT }]);
  });

  it.each([
    ['the base moved on', 2, [listed(HEAD, OLD_TREE, BOT)]],
    ['the edits changed on the same base', 0, [listed(HEAD, OLD_TREE, BOT)]],
    [
      'several bot commits, one committed by GitHub itself',
      0,
      [listed('7'.repeat(40), OLD_TREE, BOT), listed(HEAD, OLD_TREE, BOT, 'web-flow')],
    ],
  ])(
    'moves a branch holding only bot commits when %s, only from the commit it checked (5 requests)',
    async (_what, behindBy, commits) => {
      const { forge, scope, requests, bodies, capture } = forgeWithScope();
      scope.get(REF).reply(200, { ref: `refs/heads/${BRANCH}`, object: { sha: HEAD, type: 'commit' } });
      scope.get(`${REPO}/compare/${BASE}...${HEAD}`).reply(200, compare(commits, behindBy));
      expectWrites(scope, capture);
      moveMutation(scope, capture).reply(200, { data: { updateRefs: { clientMutationId: null } } });

      await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({
        status: 'updated',
        sha: NEW_COMMIT,
      });
      expect(requests).toHaveLength(5);
      expect(bodies).toEqual([TREE_BODY, COMMIT_BODY, expect.objectContaining({ variables: MOVE_VARIABLES })]);
      expect((bodies[2] as { query: string }).query).toContain(
        'refUpdates: [{ name: $name, beforeOid: $before, afterOid: $after, force: true }]',
      );
    },
  );

  it('leaves the branch alone when a person pushed to it between the look and the move', async () => {
    const { forge, scope, requests, capture } = forgeWithScope();
    scope.get(REF).reply(200, { object: { sha: HEAD } });
    scope.get(`${REPO}/compare/${BASE}...${HEAD}`).reply(200, compare([listed(HEAD, OLD_TREE, BOT)], 2));
    expectWrites(scope, capture);
    moveMutation(scope, capture).reply(200, {
      data: null,
      errors: [
        { type: 'UNPROCESSABLE', message: 'A ref update was rejected: the ref did not point to the expected commit' },
      ],
    });
    scope
      .get(REF)
      .times(2)
      .reply(200, { object: { sha: PERSON_HEAD } });
    scope
      .get(`${REPO}/compare/${BASE}...${PERSON_HEAD}`)
      .reply(200, compare([listed(HEAD, OLD_TREE, BOT), listed(PERSON_HEAD, OLD_TREE, 'alice')], 2));

    await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({
      status: 'foreign-commits',
      sha: PERSON_HEAD,
      authors: ['alice'],
    });
    expect(requests.filter((r) => r.startsWith('PATCH'))).toEqual([]);
  });

  it('surfaces a refused move when the branch did not move, writing nothing more', async () => {
    const { forge, scope, capture } = forgeWithScope();
    scope.get(REF).reply(200, { object: { sha: HEAD } });
    scope.get(`${REPO}/compare/${BASE}...${HEAD}`).reply(200, compare([listed(HEAD, OLD_TREE, BOT)], 2));
    expectWrites(scope, capture);
    moveMutation(scope, capture).reply(200, {
      data: null,
      errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
    });
    scope.get(REF).reply(200, { object: { sha: HEAD } });

    const error = await forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toContain('Resource not accessible by integration');
  });

  it("asks for the repository's node id when it was not given, once", async () => {
    const { forge, scope, bodies, capture } = forgeWithScope(IDENTITY, {});
    scope.get(REF).reply(200, { object: { sha: HEAD } });
    scope.get(`${REPO}/compare/${BASE}...${HEAD}`).reply(200, compare([listed(HEAD, OLD_TREE, BOT)], 2));
    expectWrites(scope, capture);
    scope.get(REPO).reply(200, { node_id: REPOSITORY_ID, full_name: 'tails/tails' });
    moveMutation(scope, capture).reply(200, { data: { updateRefs: { clientMutationId: null } } });

    await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({
      status: 'updated',
      sha: NEW_COMMIT,
    });
    expect(bodies[2]).toMatchObject({ variables: MOVE_VARIABLES });
  });

  it('adds the commit to a branch that points at the base itself, as a fast-forward that a push in between would refuse', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope.get(REF).reply(200, { object: { sha: BASE } });
    scope.get(`${REPO}/git/commits/${BASE}`).reply(200, { sha: BASE, tree: { sha: BASE_TREE } });
    expectWrites(scope, capture);
    scope.patch(REFS, capture).reply(200, { object: { sha: NEW_COMMIT } });

    await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({
      status: 'updated',
      sha: NEW_COMMIT,
    });
    expect(requests).toHaveLength(5);
    expect(bodies).toEqual([TREE_BODY, COMMIT_BODY, { sha: NEW_COMMIT, force: false }]);
  });

  it('leaves a branch that already holds base + a bot commit with this tree: no commit, no ref move (3 requests)', async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope.get(REF).reply(200, { object: { sha: HEAD } });
    scope.get(`${REPO}/compare/${BASE}...${HEAD}`).reply(200, compare([listed(HEAD, NEW_TREE, BOT)]));
    scope.post(`${REPO}/git/trees`).reply(201, { sha: NEW_TREE });

    await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({ status: 'unchanged', sha: HEAD });
    expect(requests).toEqual([`GET ${REF}`, `GET ${REPO}/compare/${BASE}...${HEAD}`, `POST ${REPO}/git/trees`]);
  });

  it.each([
    [
      'a person committed on top of the bot',
      [listed(HEAD, OLD_TREE, BOT), listed('8'.repeat(40), OLD_TREE, 'alice')],
      ['alice'],
    ],
    ['a person amended the bot commit', [listed(HEAD, OLD_TREE, BOT, 'bob')], ['bob']],
    ['commits without a GitHub account', [listed(HEAD, OLD_TREE, null, null, 'Carol Example')], ['Carol Example']],
    [
      'two people, one twice',
      [
        listed('a'.repeat(40), OLD_TREE, 'alice'),
        listed('b'.repeat(40), OLD_TREE, 'dave'),
        listed(HEAD, OLD_TREE, 'alice'),
      ],
      ['alice', 'dave'],
    ],
  ])('writes nothing when %s (2 requests)', async (_what, commits, authors) => {
    const { forge, scope, requests } = forgeWithScope();
    scope.get(REF).reply(200, { object: { sha: HEAD } });
    scope.get(`${REPO}/compare/${BASE}...${HEAD}`).reply(200, compare(commits));

    await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({
      status: 'foreign-commits',
      sha: HEAD,
      authors,
    });
    expect(requests).toHaveLength(2);
  });

  it('writes nothing when the branch has more commits than GitHub lists', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(REF).reply(200, { object: { sha: HEAD } });
    scope.get(`${REPO}/compare/${BASE}...${HEAD}`).reply(200, compare([listed(HEAD, OLD_TREE, BOT)], 0, 300));

    await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({
      status: 'foreign-commits',
      sha: HEAD,
      authors: ['(300 commits, more than GitHub lists)'],
    });
  });

  it('when another delivery creates the branch first, reads it again and finds it done', async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope.get(REF).reply(404, { message: 'Not Found' });
    scope.get(`${REPO}/git/commits/${BASE}`).reply(200, { tree: { sha: BASE_TREE } });
    scope.post(`${REPO}/git/trees`).reply(201, { sha: NEW_TREE });
    scope.post(`${REPO}/git/commits`).reply(201, { sha: NEW_COMMIT });
    scope.post(`${REPO}/git/refs`).reply(422, { message: 'Reference already exists' });
    scope.get(REF).reply(200, { object: { sha: HEAD } });
    scope.get(`${REPO}/compare/${BASE}...${HEAD}`).reply(200, compare([listed(HEAD, NEW_TREE, BOT)]));
    scope.post(`${REPO}/git/trees`).reply(201, { sha: NEW_TREE });

    await expect(forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE)).resolves.toEqual({ status: 'unchanged', sha: HEAD });
    expect(requests).toHaveLength(8);
  });

  it('gives up after one retry when the race repeats', async () => {
    const { forge, scope } = forgeWithScope();
    for (let i = 0; i < 2; i += 1) {
      scope.get(REF).reply(404, { message: 'Not Found' });
      scope.get(`${REPO}/git/commits/${BASE}`).reply(200, { tree: { sha: BASE_TREE } });
      scope.post(`${REPO}/git/trees`).reply(201, { sha: NEW_TREE });
      scope.post(`${REPO}/git/commits`).reply(201, { sha: NEW_COMMIT });
      scope.post(`${REPO}/git/refs`).reply(422, { message: 'Reference already exists' });
    }

    const error = await forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).status).toBe(422);
  });

  it.each([500, 403])('surfaces a %i when reading the ref as a ForgeError, writing nothing', async (status) => {
    const { forge, scope } = forgeWithScope();
    scope.get(REF).reply(status, { message: 'nope' });

    const error = await forge.ensureBranch(BRANCH, BASE, EDITS, MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).status).toBe(status);
    expect((error as ForgeError).operation).toBe('ensureBranch');
  });
});

describe('isBotCommit', () => {
  it.each([
    ['authored and committed by the bot', true, listed(HEAD, OLD_TREE, BOT)],
    ['authored by the bot, committed by GitHub', true, listed(HEAD, OLD_TREE, BOT, 'web-flow')],
    ['authored by the bot, committed by a person', false, listed(HEAD, OLD_TREE, BOT, 'alice')],
    ['authored by a person, committed by the bot', false, listed(HEAD, OLD_TREE, 'alice', BOT)],
    ['authored by a person through the web', false, listed(HEAD, OLD_TREE, 'alice', 'web-flow')],
    ['with no GitHub account', false, listed(HEAD, OLD_TREE, null)],
    ['by another bot', false, listed(HEAD, OLD_TREE, 'dependabot[bot]')],
  ])("a commit %s is the bot's: %s", (_what, expected, commit) => {
    expect(isBotCommit(IDENTITY, commit)).toBe(expected);
  });
});

describe('foreignAuthors', () => {
  it('is empty for bot commits only', () => {
    expect(foreignAuthors(IDENTITY, [listed(HEAD, OLD_TREE, BOT), listed(HEAD, OLD_TREE, BOT, 'web-flow')])).toEqual(
      [],
    );
  });
});
