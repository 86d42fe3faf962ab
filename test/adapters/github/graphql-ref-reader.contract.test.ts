import { Octokit } from '@octokit/rest';
import { GraphqlRefReader } from '../../../src/adapters/github/graphql-ref-reader.js';
import { describeRefReaderContract } from '../../contract/ref-reader.contract.js';
import { fakeGitHub, type FakeGitHub } from '../../helpers/github-graphql.js';
import { TEST_TOKEN } from '../../helpers/nock-guard.js';

const COMMIT = {
  sha: 'c0ffee0000000000000000000000000000000001',
  parents: ['c0ffee0000000000000000000000000000000002', 'c0ffee0000000000000000000000000000000003'],
  date: new Date('2021-05-13T08:00:00Z'),
  subject: 'Merge branch stable into devel, which brought the frozen serials',
};
const MESSAGE =
  '\nMerge branch stable into devel,  \nwhich brought the frozen serials\n\nThe body is not part of the subject.\n';

/**
 * Octokit's own request stack, with GitHub replaced by the fake at the
 * fetch level: the contract runs many reads per tree, which suits a
 * standing fake better than one nock interceptor per request.
 */
function fetchFrom(fake: FakeGitHub): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (init?.method === 'POST' && url.pathname === '/graphql')
      return json(fake.answer(JSON.parse(init.body as string)));
    const blob = /^\/repos\/tails\/tails\/git\/blobs\/([0-9a-f]{40})$/.exec(url.pathname);
    if (init?.method === 'GET' && blob) return json(fake.blob(blob[1] as string));
    return json({ message: 'Not Found' }, 404);
  };
}

describeRefReaderContract('GraphqlRefReader', async (files) => {
  const fake = fakeGitHub({ 'refs/heads/devel': { files, commit: { ...COMMIT, message: MESSAGE } } });
  const octokit = new Octokit({ auth: TEST_TOKEN, request: { fetch: fetchFrom(fake) } });
  return {
    reader: new GraphqlRefReader(octokit, { owner: 'tails', repo: 'tails' }),
    rev: 'refs/heads/devel',
    commit: COMMIT,
    cleanup: async () => {},
  };
});
