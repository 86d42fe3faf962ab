import nock from 'nock';
import { GitHubForge } from '../../src/adapters/github/github-forge.js';
import type { BotIdentity } from '../../src/adapters/github/forge-context.js';
import type { SeenCheckRuns } from '../../src/adapters/github/seen-check-runs.js';
import { GITHUB_API, recordRequests, testOctokit } from './nock-guard.js';

export const REPO = '/repos/tails/tails';

export const IDENTITY: BotIdentity = {
  branchPrefix: 'apt-snapshots-bot/',
  botLogin: 'apt-snapshots-bot[bot]',
  appId: 4242,
};

/** tails/tails's GraphQL node id, as webhooks carry it. */
export const REPOSITORY_ID = 'R_kgDOtails';

/** A GitHubForge on tails/tails with a nock scope, the requests it answered, and the JSON bodies it received. */
export function forgeWithScope(
  identity: BotIdentity = IDENTITY,
  options: { repositoryId?: string; seen?: SeenCheckRuns } = { repositoryId: REPOSITORY_ID },
) {
  const scope = nock(GITHUB_API);
  const requests = recordRequests(scope);
  const bodies: unknown[] = [];
  const capture = (body: unknown) => {
    bodies.push(body);
    return true;
  };
  const forge = new GitHubForge(testOctokit(), { owner: 'tails', repo: 'tails' }, identity, options);
  return { forge, scope, requests, bodies, capture };
}
