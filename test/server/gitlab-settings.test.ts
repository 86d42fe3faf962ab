import { DEFAULT_GITLAB_WEBHOOK_PATH, gitlabSettings } from '../../src/server/gitlab-settings.js';

const GITHUB_PATH = '/api/github/webhooks';
const SECRET = 's3cret-s3cret-s3cret';
const ok = { GITLAB_URL: 'https://gitlab.example/', GITLAB_TOKEN: 'glpat-abc', GITLAB_WEBHOOK_SECRET: SECRET };

describe('gitlabSettings', () => {
  it('is GitHub alone without GITLAB_URL', () => {
    expect(gitlabSettings({}, GITHUB_PATH)).toBeUndefined();
    expect(gitlabSettings({ GITLAB_URL: '  ' }, GITHUB_PATH)).toBeUndefined();
  });

  it('takes the host without a trailing slash, the token, the secret and the default path', () => {
    expect(gitlabSettings(ok, GITHUB_PATH)).toEqual({
      connection: { host: 'https://gitlab.example', token: 'glpat-abc' },
      secret: SECRET,
      path: DEFAULT_GITLAB_WEBHOOK_PATH,
    });
    expect(gitlabSettings({ ...ok, GITLAB_URL: 'https://example.org/gitlab/' }, GITHUB_PATH)?.connection.host).toBe(
      'https://example.org/gitlab',
    );
  });

  it.each([
    [{ GITLAB_URL: 'gitlab.example' }, 'GITLAB_URL=gitlab.example is not a URL'],
    [{ GITLAB_URL: 'ftp://gitlab.example' }, 'GITLAB_URL=ftp://gitlab.example is not an http(s) URL'],
    [{ GITLAB_URL: 'https://bot:pw@gitlab.example' }, 'GITLAB_URL must not carry credentials'],
    [{ GITLAB_TOKEN: '' }, 'GITLAB_TOKEN is not'],
    [{ GITLAB_WEBHOOK_SECRET: undefined }, 'GITLAB_WEBHOOK_SECRET is not set'],
    [{ GITLAB_WEBHOOK_SECRET: 'short' }, 'GITLAB_WEBHOOK_SECRET is too short'],
    [{ GITLAB_WEBHOOK_SECRET: `${SECRET}\n` }, 'GITLAB_WEBHOOK_SECRET starts or ends with a space or a line break'],
    [{ GITLAB_WEBHOOK_PATH: 'hooks' }, 'GITLAB_WEBHOOK_PATH=hooks must start with /'],
    [{ GITLAB_WEBHOOK_PATH: GITHUB_PATH }, "is GitHub's webhook path"],
  ])('refuses %j, naming the variable', (change, message) => {
    expect(() => gitlabSettings({ ...ok, ...change }, GITHUB_PATH)).toThrow(message);
  });

  it('never names the secret or the token in its errors', () => {
    const messages = [
      () => gitlabSettings({ ...ok, GITLAB_WEBHOOK_SECRET: 'glpat-tiny' }, GITHUB_PATH),
      () => gitlabSettings({ ...ok, GITLAB_URL: 'nope', GITLAB_TOKEN: 'glpat-very-secret' }, GITHUB_PATH),
    ].map((run) => {
      try {
        run();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages.every((m) => m !== '' && !m.includes('glpat-'))).toBe(true);
  });
});
