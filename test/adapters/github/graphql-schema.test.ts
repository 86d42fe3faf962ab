import { validate } from '@octokit/graphql-schema';
import { MOVE_REF } from '../../../src/adapters/github/bot-branch.js';
import { buildHistoryQuery } from '../../../src/adapters/github/graphql-history-reader.js';
import { buildRefQuery } from '../../../src/adapters/github/ref-query.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { readSpec } from '../../../src/domain/state.js';
import { CONTRACT_SPECS } from '../../contract/ref-reader.contract.js';

/**
 * Every GraphQL document the app sends, held to GitHub's published schema
 * (@octokit/graphql-schema): a field, argument or type GitHub does not have
 * fails here, not on release night.
 */
describe("the app's GraphQL against GitHub's schema", () => {
  const messages = (query: string) => validate(query).map((e: { message: string }) => e.message);

  it.each(Object.entries(CONTRACT_SPECS))('the read of %s', (_name, spec) => {
    const { query } = buildRefQuery(['refs/heads/devel', 'a'.repeat(40)], spec);
    expect(messages(query)).toEqual([]);
  });

  it('the read of a release tag and of a push, with the check runs of the commit', () => {
    const { query } = buildRefQuery(
      [`${'b'.repeat(40)}^{commit}`, 'refs/tags/4.19-rc1^{commit}', 'refs/heads/testing'],
      readSpec(defaultConfig()),
      { rev: `${'b'.repeat(40)}^{commit}`, appId: 4242 },
    );
    expect(messages(query)).toEqual([]);
  });

  it("the move of the bot's branch", () => {
    expect(messages(MOVE_REF)).toEqual([]);
  });

  it.each([0, 1, 3])('the first-parent history read, fingerprinting %i path(s)', (paths) => {
    expect(messages(buildHistoryQuery(paths))).toEqual([]);
  });

  it('catches a document GitHub would refuse', () => {
    expect(messages('query { repository(owner: "a", name: "b") { noSuchField } }')).toEqual([
      'Cannot query field "noSuchField" on type "Repository".',
    ]);
  });
});
