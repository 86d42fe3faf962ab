import { definitionKinds, isMutation } from '../../../src/adapters/github/graphql-operation.js';
import { buildRefQuery } from '../../../src/adapters/github/ref-query.js';
import { readSpec } from '../../../src/domain/state.js';
import { defaultConfig } from '../../../src/config/defaults.js';

describe('definitionKinds', () => {
  it.each<[string, string, string[]]>([
    ['an anonymous query', '{ viewer { login } }', ['query']],
    ['a named query with variables', 'query Q($owner: String!) { repository(owner: $owner) { id } }', ['query']],
    [
      'a mutation after a fragment',
      'fragment F on Ref { name }\nmutation M { updateRefs(input: {}) { clientMutationId } }',
      ['fragment', 'mutation'],
    ],
    ['a variable named $mutation', 'query Q($mutation: Int) { a(b: $mutation) { c } }', ['query']],
    ['mutation in a string', 'query { search(query: "mutation { x }") { c } }', ['query']],
    ['mutation in a block string', 'query { search(query: """ } mutation { """) { c } }', ['query']],
    ['an escaped quote in a string', 'query { a(b: "\\" }") { c } }\nmutation { d }', ['query', 'mutation']],
    ['mutation in a comment', '# mutation { x }\nquery { a }', ['query']],
    ['a field named mutation', 'query { mutation { a } }', ['query']],
  ])('reads %s', (_what, document, kinds) => {
    expect(definitionKinds(document)).toEqual(kinds);
  });
});

describe('isMutation', () => {
  it("tells the bot branch's move from the ref reader's query", () => {
    const { query } = buildRefQuery(['refs/heads/devel'], readSpec(defaultConfig(), { changelog: false }));
    expect(isMutation(query)).toBe(false);
    expect(
      isMutation(
        'mutation MoveBotBranch($repositoryId: ID!) { updateRefs(input: { repositoryId: $repositoryId }) { clientMutationId } }',
      ),
    ).toBe(true);
  });
});
