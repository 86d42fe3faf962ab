import type { Octokit } from '@octokit/rest';

/** The repository an adapter works on. */
export interface GitHubRepository {
  owner: string;
  repo: string;
}

/**
 * What the adapters need of an Octokit: Probot's `context.octokit` and an
 * `@octokit/rest` Octokit both fit.
 */
export type GitHubClient = Pick<Octokit, 'rest' | 'graphql' | 'request'>;

/** What reading needs: one GraphQL query, and REST for blobs GraphQL truncates. */
export type GitHubReadClient = Pick<Octokit, 'graphql' | 'request'>;
