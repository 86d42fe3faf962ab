import type { GitLabForge } from '../../../src/adapters/gitlab/gitlab-forge.js';
import { fakeForge, GitLabFake, startGitLabFake } from '../../helpers/gitlab-fake.js';
import type { GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

let standIn: GitLabStandIn;
let fake: GitLabFake;
let forge: GitLabForge;

beforeEach(async () => {
  ({ standIn, fake } = await startGitLabFake());
  ({ forge } = fakeForge(standIn, fake));
});

afterEach(async () => {
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
  await standIn.close();
});

describe('GitLabForge.permissionOf', () => {
  it.each([
    [50, 'admin'],
    [40, 'maintain'],
    [30, 'write'],
    [20, 'triage'],
    [10, 'read'],
    [5, 'read'],
  ] as const)('maps the access level %d to %s', async (level, permission) => {
    fake.addUser({ id: 31, username: 'anonym' });
    fake.members.set(31, { access_level: level, inherited: false });

    await expect(forge.permissionOf({ login: 'anonym' })).resolves.toBe(permission);
    expect(standIn.requests.map((r) => r.url)).toEqual([
      '/api/v4/users?username=anonym&per_page=20&page=1',
      '/api/v4/projects/tails%2Ftails/members/all/31',
    ]);
  });

  it('asks by the id the event gave, in one request', async () => {
    fake.addUser({ id: 31, username: 'anonym' });
    fake.members.set(31, { access_level: 30, inherited: true });

    await expect(forge.permissionOf({ login: 'anonym', id: 31 })).resolves.toBe('write');
    expect(standIn.requests.map((r) => r.url)).toEqual(['/api/v4/projects/tails%2Ftails/members/all/31']);
  });

  it.each(['blocked', 'deactivated'] as const)('is none for a %s user asked by id', async (state) => {
    fake.addUser({ id: 36, username: 'gone', state });
    fake.members.set(36, { access_level: 50, inherited: false });

    await expect(forge.permissionOf({ login: 'gone', id: 36 })).resolves.toBe('none');
  });

  it.each([0, -3, 1.5])('refuses the id %d, which is no GitLab id, asking nothing', async (id) => {
    await expect(forge.permissionOf({ login: 'anonym', id })).rejects.toThrow(`the user id ${id} is not a GitLab id`);
    expect(standIn.requests).toEqual([]);
  });

  it('counts a membership inherited from a group', async () => {
    fake.addUser({ id: 32, username: 'groupie' });
    fake.members.set(32, { access_level: 30, inherited: true });

    await expect(forge.permissionOf({ login: 'groupie' })).resolves.toBe('write');
  });

  it('finds the user whatever the case of the name asked', async () => {
    fake.addUser({ id: 33, username: 'Intrigeri' });
    fake.members.set(33, { access_level: 40, inherited: false });

    await expect(forge.permissionOf({ login: 'intrigeri' })).resolves.toBe('maintain');
  });

  it('is none for a user who is not a member (GitLab answers 404)', async () => {
    fake.addUser({ id: 34, username: 'stranger' });

    await expect(forge.permissionOf({ login: 'stranger' })).resolves.toBe('none');
  });

  it('is none for a user GitLab does not know, asking nothing more', async () => {
    await expect(forge.permissionOf({ login: 'nobody' })).resolves.toBe('none');
    expect(standIn.requests).toHaveLength(1);
  });

  it.each(['blocked', 'deactivated'] as const)('is none for a %s user, whatever their membership', async (state) => {
    fake.addUser({ id: 35, username: 'gone', state });
    fake.members.set(35, { access_level: 50, inherited: false });

    await expect(forge.permissionOf({ login: 'gone' })).resolves.toBe('none');
    expect(standIn.requests).toHaveLength(1);
  });

  it('refuses an empty name, naming the field', async () => {
    await expect(forge.permissionOf({ login: ' ' })).rejects.toThrow('permissionOf: the username is empty');
  });

  it('fails as a ForgeError on any other answer than 404', async () => {
    fake.addUser({ id: 36, username: 'anonym' });
    standIn.on('GET', '/projects/:id/members/all/:user_id', () => ({
      status: 403,
      body: { message: '403 Forbidden' },
    }));

    await expect(forge.permissionOf({ login: 'anonym' })).rejects.toMatchObject({
      name: 'ForgeError',
      operation: 'permissionOf',
      status: 403,
      gone: false,
    });
  });
});
