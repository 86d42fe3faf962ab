import { commentMarker } from '../../../src/report/hidden-marker.js';
import { ForgeError } from '../../../src/adapters/github/forge-error.js';
import { UsageError } from '../../../src/errors.js';
import { IDENTITY, REPO, forgeWithScope } from '../../helpers/github-forge-setup.js';
import { TEST_TOKEN, guardNock } from '../../helpers/nock-guard.js';

guardNock();

const MARKER = '<!-- apt-snapshots-bot:thaw-devel -->';
const BODY = 'Someone pushed to apt-snapshots-bot/thaw-devel: the bot leaves it alone from now on.';
const FULL = `${MARKER}\n${BODY}`;

const comment = (id: number, login: string, body: string) => ({
  id,
  user: { login },
  body,
  html_url: `https://github.com/tails/tails/pull/12#issuecomment-${id}`,
});

describe('GitHubForge.ensureComment', () => {
  it('posts the comment with its hidden marker when the bot has none: 2 requests', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope
      .get(`${REPO}/issues/12/comments`)
      .query({ per_page: '100' })
      .reply(200, [
        comment(1, 'alice', `Quoting the bot: ${MARKER}`),
        comment(2, IDENTITY.botLogin, `<!-- apt-snapshots-bot:other -->\nx`),
      ]);
    scope.post(`${REPO}/issues/12/comments`, capture).reply(201, comment(3, IDENTITY.botLogin, FULL));

    await expect(forge.ensureComment({ kind: 'issue', number: 12 }, 'thaw-devel', BODY)).resolves.toEqual({
      url: 'https://github.com/tails/tails/pull/12#issuecomment-3',
    });
    expect(requests).toHaveLength(2);
    expect(bodies).toEqual([{ body: FULL }]);
  });

  it("edits the bot's comment carrying the marker: 2 requests", async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope
      .get(`${REPO}/issues/12/comments`)
      .query({ per_page: '100' })
      .reply(200, [comment(1, 'alice', 'hello'), comment(5, IDENTITY.botLogin, `${MARKER}\nan older text`)]);
    scope.patch(`${REPO}/issues/comments/5`, capture).reply(200, comment(5, IDENTITY.botLogin, FULL));

    await expect(forge.ensureComment({ kind: 'issue', number: 12 }, 'thaw-devel', BODY)).resolves.toEqual({
      url: 'https://github.com/tails/tails/pull/12#issuecomment-5',
    });
    expect(requests).toHaveLength(2);
    expect(bodies).toEqual([{ body: FULL }]);
  });

  it("leaves the bot's comment alone when it already says this: 1 request", async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope
      .get(`${REPO}/issues/12/comments`)
      .query({ per_page: '100' })
      .reply(200, [comment(5, IDENTITY.botLogin, FULL)]);

    await expect(forge.ensureComment({ kind: 'issue', number: 12 }, 'thaw-devel', BODY)).resolves.toEqual({
      url: 'https://github.com/tails/tails/pull/12#issuecomment-5',
    });
    expect(requests).toHaveLength(1);
  });

  it.each(['', 'a b', 'x-->', '-leading-dash', 'x'.repeat(101), 'new\nline'])(
    'refuses the marker %j without a request',
    async (marker) => {
      const { forge } = forgeWithScope();
      await expect(forge.ensureComment({ kind: 'issue', number: 12 }, marker, BODY)).rejects.toThrow(UsageError);
    },
  );
});

describe('commentMarker', () => {
  it.each([
    ['thaw-devel', '<!-- apt-snapshots-bot:thaw-devel -->'],
    ['command:1234/freeze', '<!-- apt-snapshots-bot:command:1234/freeze -->'],
    ['v4.19_rc1', '<!-- apt-snapshots-bot:v4.19_rc1 -->'],
  ])('hides %s in an HTML comment', (marker, expected) => {
    expect(commentMarker(marker)).toBe(expected);
  });
});

describe('GitHubForge.permissionOf', () => {
  it.each([
    ['admin', 'admin', 'admin'],
    ['maintain', 'write', 'maintain'],
    ['write', 'write', 'write'],
    ['triage', 'read', 'triage'],
    ['read', 'read', 'read'],
    ['security-reviewer', 'write', 'write'],
    ['something-new', 'unheard-of', 'none'],
  ])('answers role %s (permission %s) as %s', async (role, permission, expected) => {
    const { forge, scope, requests } = forgeWithScope();
    scope
      .get(`${REPO}/collaborators/alice/permission`)
      .reply(200, { permission, role_name: role, user: { login: 'alice' } });

    await expect(forge.permissionOf({ login: 'alice' })).resolves.toBe(expected);
    expect(requests).toHaveLength(1);
  });

  it('answers none for someone GitHub does not know as a collaborator (404)', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/collaborators/mallory/permission`).reply(404, { message: 'Not Found' });

    await expect(forge.permissionOf({ login: 'mallory' })).resolves.toBe('none');
  });

  it('surfaces other failures as a ForgeError, never as a permission', async () => {
    const { forge, scope } = forgeWithScope();
    scope.get(`${REPO}/collaborators/alice/permission`).reply(502, { message: 'Bad Gateway' });

    const error = await forge.permissionOf({ login: 'alice' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).status).toBe(502);
    expect((error as ForgeError).message).toBe(
      'GitHub permissionOf: GET https://api.github.com/repos/tails/tails/collaborators/alice/permission answered 502: Bad Gateway',
    );
    expect(String(error)).not.toContain(TEST_TOKEN);
  });
});
