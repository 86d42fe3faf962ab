import type { Permission } from '../../../src/ports/forge.js';
import { forgeContract } from '../../contract/forge.contract.js';
import { BRANCH_PREFIX, fakeForge, GitLabFake, startGitLabFake } from '../../helpers/gitlab-fake.js';

const LEVELS: Record<Permission, number | undefined> = {
  admin: 50,
  maintain: 40,
  write: 30,
  triage: 20,
  read: 10,
  none: undefined,
};

forgeContract('GitLabForge', async () => {
  const { standIn, fake } = await startGitLabFake();
  const { forge } = fakeForge(standIn, fake);
  const baseSha = fake.commit({ files: { 'config/APT_snapshots.d/debian/serial': '2021050101\n' }, branch: 'devel' });
  const person = fake.addUser({ id: 31, username: 'jane', name: 'Jane Doe' });
  let users = 100;
  let pushes = 0;
  return {
    forge,
    branchPrefix: BRANCH_PREFIX,
    baseBranch: 'devel',
    baseSha,
    pushAsPerson: (branch, base) => {
      pushes += 1;
      const sha = fake.commit({
        parent: fake.branches.get(branch) ?? base,
        files: { [`NOTES-${pushes}`]: 'mine\n' },
        author: GitLabFake.person(person.name),
        branch,
      });
      return Promise.resolve({ sha, author: person.name });
    },
    openChangeRequestAsPerson: (head, base, title) => {
      fake.addMergeRequest({ source_branch: head, target_branch: base, title, author: fake.ref(person) });
      return Promise.resolve();
    },
    openIssueAsPerson: (title, body) => {
      fake.addIssue({ title, description: body, author: fake.ref(person) });
      return Promise.resolve();
    },
    setPermission: (username, permission) => {
      users += 1;
      const user = fake.addUser({ id: users, username });
      const level = LEVELS[permission];
      if (level !== undefined) fake.members.set(user.id, { access_level: level, inherited: false });
      return Promise.resolve();
    },
    branchHead: (branch) => Promise.resolve(fake.branches.get(branch)),
    comments: (on) => {
      const thread =
        on.kind === 'issue'
          ? fake.issues.find((i) => i.iid === on.number)
          : fake.mergeRequests.find((mr) => mr.iid === on.number);
      return Promise.resolve((thread?.notes ?? []).filter((n) => !n.system).map((n) => n.body));
    },
    cleanup: async () => {
      const { unexpected, unauthorized } = standIn;
      await standIn.close();
      expect({ unexpected, unauthorized }).toEqual({ unexpected: [], unauthorized: [] });
    },
  };
});
