import { MemoryForge } from '../helpers/memory-forge.js';
import { forgeContract } from './forge.contract.js';

const BASE_SHA = 'b0'.repeat(20);

forgeContract('MemoryForge', async () => {
  const forge = new MemoryForge({ branchPrefix: 'apt-snapshots-bot/' });
  forge.refs.set('devel', BASE_SHA);
  return {
    forge,
    branchPrefix: 'apt-snapshots-bot/',
    baseBranch: 'devel',
    baseSha: BASE_SHA,
    pushAsPerson: async (branch, baseSha) => forge.pushAsPerson(branch, baseSha),
    openChangeRequestAsPerson: async (head, base, title) => forge.openPullRequestAsPerson(head, base, title),
    openIssueAsPerson: async (title, body) => forge.openIssueAsPerson(title, body),
    setPermission: async (user, permission) => void forge.permissions.set(user, permission),
    branchHead: async (branch) => forge.branches.get(branch)?.sha,
    comments: async (on) =>
      (on.kind === 'issue'
        ? forge.issue(on.number)
        : forge.pullRequests.find((p) => p.number === on.number)
      )?.comments.map((c) => c.body) ?? [],
    cleanup: async () => {},
  };
});
