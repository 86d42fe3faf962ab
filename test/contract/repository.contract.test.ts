import { Octokit } from '@octokit/rest';
import pino from 'pino';
import { gitRepositoryView } from '../../src/adapters/git/git-repository.js';
import { GitRefReader } from '../../src/adapters/git/git-ref-reader.js';
import { GitHubSource } from '../../src/adapters/github/github-source.js';
import { gitlabApi } from '../../src/adapters/gitlab/client.js';
import { GitLabSource } from '../../src/adapters/gitlab/gitlab-source.js';
import type { RefSnapshot } from '../../src/domain/tree.js';
import { MissingRevisionError } from '../../src/errors.js';
import type { RefReader } from '../../src/ports/ref-reader.js';
import {
  CONTRACT_BRANCHES,
  CONTRACT_HISTORY,
  CONTRACT_PARENTS,
  describeRepositoryContract,
  type ContractCommit,
} from './repository.contract.js';
import { commitFiles, makeRepo, type TestRepo } from '../helpers/git-repo.js';
import { fakeGitHub, type FakeRevision } from '../helpers/github-graphql.js';
import { serveRepository } from '../helpers/gitlab-repo-stand-in.js';
import { startGitLabStandIn } from '../helpers/gitlab-stand-in.js';
import { memorySource } from '../helpers/memory-deps.js';
import { TEST_TOKEN } from '../helpers/nock-guard.js';
import { fakeSnapshot } from '../helpers/snapshot.js';

const COMMITS = Object.keys(CONTRACT_HISTORY) as ContractCommit[];
const DATE = new Date('2021-05-13T08:00:00Z');
const log = pino({ level: 'silent' });

/** Made-up shas for the forges held in memory. */
const FAKE_SHAS = Object.fromEntries(
  COMMITS.map((commit, i) => [commit, `c0ffee${String(i + 1).padStart(34, '0')}`]),
) as Record<ContractCommit, string>;

/** Where `head` forked from `base`, walking the contract's parents. */
function forkOf(base: ContractCommit, head: ContractCommit): ContractCommit | undefined {
  const reach = (from: ContractCommit): ContractCommit[] => [from, ...CONTRACT_PARENTS[from].flatMap(reach)];
  const ofBase = reach(base);
  return reach(head).find((commit) => ofBase.includes(commit));
}

/** The contract commit a revision names: refs/heads/NAME, NAME or a sha. */
function commitNamed(rev: string): ContractCommit | undefined {
  const branch = CONTRACT_BRANCHES[rev.replace(/^refs\/heads\//, '')];
  return branch ?? COMMITS.find((commit) => FAKE_SHAS[commit] === rev);
}

function snapshotOf(commit: ContractCommit): RefSnapshot {
  return fakeSnapshot(CONTRACT_HISTORY[commit], {
    sha: FAKE_SHAS[commit],
    parents: CONTRACT_PARENTS[commit].map((parent) => FAKE_SHAS[parent]),
    subject: commit,
  });
}

describeRepositoryContract('in memory', async () => {
  const reader: RefReader = {
    read: async (rev: string) => {
      const commit = commitNamed(rev);
      if (!commit) throw new MissingRevisionError(`revision "${rev}" not found in memory`);
      return snapshotOf(commit);
    },
  };
  const source = memorySource(reader, log);
  return { open: (plan) => source.open(plan), shas: FAKE_SHAS, cleanup: async () => {} };
});

/** The contract's history in a real repository. */
async function gitHistory(): Promise<TestRepo & { shas: Record<ContractCommit, string> }> {
  const repo = await makeRepo(CONTRACT_HISTORY.fork, { date: DATE, message: 'fork' });
  const fork = repo.commit;
  const devel = await commitFiles(repo, { 'README.md': CONTRACT_HISTORY.devel['README.md'] }, 'devel', { date: DATE });
  await repo.git(['checkout', '--quiet', '-b', 'feature/x', fork]);
  const head = await commitFiles(repo, CONTRACT_HISTORY.head, 'head', { date: DATE });
  await repo.git(['checkout', '--quiet', '--orphan', 'orphan']);
  const orphan = await commitFiles(repo, CONTRACT_HISTORY.orphan, 'orphan', { date: DATE });
  return { ...repo, shas: { fork, devel, head, orphan } };
}

describeRepositoryContract('local Git', async () => {
  const repo = await gitHistory();
  const reader = await GitRefReader.open(repo.dir, { env: repo.env });
  return {
    open: () => gitRepositoryView(reader, repo.dir, { env: repo.env }),
    shas: repo.shas,
    cleanup: async () => {
      await reader.close();
      await repo.cleanup();
    },
  };
});

/**
 * GitHub's GraphQL and compare API at the fetch level: the compare answers
 * the merge base as GitHub does, and 404 for histories without one.
 */
function fetchFrom(answer: (body: unknown) => unknown): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (init?.method === 'POST' && url.pathname === '/graphql') return json(answer(JSON.parse(init.body as string)));
    const compare = /^\/repos\/tails\/tails\/compare\/(.+)\.\.\.(.+)$/.exec(decodeURIComponent(url.pathname));
    if (init?.method === 'GET' && compare) {
      const base = commitNamed(compare[1] as string);
      const head = commitNamed(compare[2] as string);
      const fork = base && head && forkOf(base, head);
      if (!fork) return json({ message: 'Not Found' }, 404);
      return json({ merge_base_commit: { sha: FAKE_SHAS[fork] }, commits: [] });
    }
    return json({ message: 'Not Found' }, 404);
  };
}

describeRepositoryContract('GitHub', async () => {
  const revisions: Record<string, FakeRevision> = {};
  const revisionOf = (commit: ContractCommit): FakeRevision => ({
    files: CONTRACT_HISTORY[commit],
    commit: {
      sha: FAKE_SHAS[commit],
      parents: CONTRACT_PARENTS[commit].map((parent) => FAKE_SHAS[parent]),
      subject: commit,
    },
  });
  for (const commit of COMMITS) revisions[FAKE_SHAS[commit]] = revisionOf(commit);
  for (const [branch, commit] of Object.entries(CONTRACT_BRANCHES))
    revisions[`refs/heads/${branch}`] = revisionOf(commit);
  const fake = fakeGitHub(revisions);
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const octokit = new Octokit({
    auth: TEST_TOKEN,
    log: quiet,
    request: { fetch: fetchFrom((body) => fake.answer(body)) },
  });
  const source = new GitHubSource(octokit, { owner: 'tails', repo: 'tails' }, { log });
  return { open: (plan) => source.open(plan), shas: FAKE_SHAS, cleanup: async () => {} };
});

describeRepositoryContract('GitLab', async () => {
  const repo = await gitHistory();
  const standIn = await startGitLabStandIn();
  serveRepository(standIn, { project: 'tails/tails', repo });
  const connection = { host: standIn.url, token: standIn.token, sleep: async () => {} };
  const project = { id: 'tails/tails', webUrl: `${standIn.url}/tails/tails` };
  const source = new GitLabSource(connection, project, gitlabApi(connection), { log, repository: 'tails/tails' });
  return {
    open: (plan) => source.open(plan),
    shas: repo.shas,
    cleanup: async () => {
      await standIn.close();
      await repo.cleanup();
      expect(standIn.unexpected).toEqual([]);
      expect(standIn.unauthorized).toEqual([]);
    },
  };
});
