import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { fastJson } from '../../../src/adapters/github/fast-json-plugin.js';
import { GITHUB_API, guardNock } from '../../helpers/nock-guard.js';

guardNock();

const FastOctokit = Octokit.plugin(fastJson);
const octokit = () => new FastOctokit({ auth: 'ghs_test', log: { debug() {}, info() {}, warn() {}, error() {} } });

describe('fastJson', () => {
  it('parses JSON itself: a number past 2^53 stays a number, where json-with-bigint makes a BigInt', async () => {
    const answer = () =>
      nock(GITHUB_API).get('/repos/o/r').reply(200, '{"id": 12345678901234567890}', {
        'content-type': 'application/json; charset=utf-8',
      });
    answer();
    const { data } = await octokit().request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(typeof (data as { id: unknown }).id).toBe('number');
    answer();
    const plain = new Octokit({ auth: 'ghs_test', log: { debug() {}, info() {}, warn() {}, error() {} } });
    const { data: bigint } = await plain.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(typeof (bigint as { id: unknown }).id).toBe('bigint');
  });

  it('parses a JSON answer as Octokit would, a GraphQL one included', async () => {
    nock(GITHUB_API)
      .get('/repos/o/r')
      .reply(200, { id: 1, name: 'r', big: 2 ** 40 });
    const { data } = await octokit().request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(data).toEqual({ id: 1, name: 'r', big: 2 ** 40 });

    nock(GITHUB_API)
      .post('/graphql')
      .reply(200, { data: { repository: { name: 'r' } } });
    await expect(octokit().graphql('query { repository(owner: "o", name: "r") { name } }')).resolves.toEqual({
      repository: { name: 'r' },
    });
  });

  it('gives text for text, bytes for binary, and an empty string for 204', async () => {
    nock(GITHUB_API).get('/text').reply(200, 'plain', { 'content-type': 'text/plain; charset=utf-8' });
    nock(GITHUB_API)
      .get('/raw')
      .reply(200, Buffer.from([0xff, 0x00, 0x01]), { 'content-type': 'application/vnd.github.raw' });
    nock(GITHUB_API).delete('/gone').reply(204);
    nock(GITHUB_API).get('/broken').reply(200, '{not json', { 'content-type': 'application/json' });
    expect((await octokit().request('GET /text')).data).toBe('plain');
    const raw = (await octokit().request('GET /raw')).data as ArrayBuffer;
    expect([...new Uint8Array(raw)]).toEqual([0xff, 0x00, 0x01]);
    expect((await octokit().request('DELETE /gone')).data).toBe('');
    expect((await octokit().request('GET /broken')).data).toBe('{not json');
  });

  it('leaves error answers to Octokit, and a caller that asks for the stream gets it', async () => {
    nock(GITHUB_API).get('/missing').reply(404, { message: 'Not Found' });
    await expect(octokit().request('GET /missing')).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
    nock(GITHUB_API).get('/stream').reply(200, { a: 1 });
    const { data } = await octokit().request('GET /stream', { request: { parseSuccessResponseBody: false } });
    expect(data).toBeInstanceOf(ReadableStream);
    expect(await new Response(data as ReadableStream).json()).toEqual({ a: 1 });
  });

  it('retries the transient GraphQL error plugin-retry would, then gives the answer', async () => {
    const wrong = { errors: [{ message: 'Something went wrong while executing your query. Please try again.' }] };
    nock(GITHUB_API)
      .post('/graphql')
      .reply(200, wrong)
      .post('/graphql')
      .reply(200, { data: { ok: true } });
    const quick = new FastOctokit({ auth: 'ghs_test', retry: { retryAfterBaseValue: 1 } });
    await expect(quick.graphql('query { ok }')).resolves.toEqual({ ok: true });

    nock(GITHUB_API).post('/graphql').reply(200, wrong);
    const noRetry = new FastOctokit({ auth: 'ghs_test', retry: { enabled: false } });
    await expect(noRetry.graphql('query { ok }')).rejects.toThrow(/Something went wrong/);
  });

  it('sends a request body as the JSON Octokit would, with its content type', async () => {
    const sent: unknown[] = [];
    nock(GITHUB_API)
      .post('/repos/o/r/check-runs', (body) => sent.push(body) > 0)
      .matchHeader('content-type', /^application\/json/)
      .reply(201, { id: 7 });
    const output = { title: 'Ünïcode ✓ "quoted"', summary: 'a\nb' };
    await octokit().request('POST /repos/{owner}/{repo}/check-runs', {
      owner: 'o',
      repo: 'r',
      name: 'APT snapshots',
      head_sha: 'a'.repeat(40),
      output,
    });
    expect(sent).toEqual([{ name: 'APT snapshots', head_sha: 'a'.repeat(40), output }]);
  });
});
