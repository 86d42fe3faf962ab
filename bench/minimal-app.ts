import type { ApplicationFunction } from 'probot';
import { buildRefQuery } from '../src/adapters/github/ref-query.js';
import { defaultConfig } from '../src/config/defaults.js';
import { readSpec } from '../src/domain/state.js';

/**
 * The floor: a Probot app that does, for a push, the least any app that
 * reports on it must: one GraphQL read of the pushed commit and the one
 * before (the same query the app's first read sends, check runs included)
 * and one check run. What the real app adds on top of it is its own work:
 * validating the payload, judging, rendering, and whatever further
 * requests it makes.
 */
export function minimalApp(appId: number): ApplicationFunction {
  const spec = readSpec(defaultConfig(), { changelog: false });
  return (app) => {
    app.on('push', async (context) => {
      const { after, before } = context.payload;
      const { owner, repo } = context.repo();
      const { query, variables } = buildRefQuery([after, before], spec, { rev: after, appId });
      await context.octokit.graphql(query, { owner, name: repo, ...variables });
      await context.octokit.rest.checks.create({
        owner,
        repo,
        name: 'APT snapshots',
        head_sha: after,
        status: 'completed',
        conclusion: 'success',
        output: { title: 'No errors or warnings', summary: 'Read and reported.' },
      });
    });
  };
}
